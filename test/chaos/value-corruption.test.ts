import test from 'ava';
import { accountDeliveries, eventTotals } from './invariants.js';
import { deliveryViolations } from './run.js';
import { startChaosSystem } from './system.js';
import { until as untilCondition } from '../support/until.js';

/**
 * The zero-loss invariant must catch an event that arrives with another value, not only one that does not
 * arrive. The stand-in stores every CpuUsage value +1000 for a while and answers 200 as usual: the adapter
 * and the printers cannot tell, so every one of those events is acknowledged. CpuUsage comes only from
 * Metricbeat events (no poll reads it), so each corrupted row is one acknowledged event the account must name.
 */
const CORRUPTED_ROWS = 3;
const DRAIN_MS = 20_000;

const until = (what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> =>
  untilCondition(check, { what, timeoutMs, everyMs: 50 });

test('a value changed by +1000 inside ThingWorx breaks zero loss, naming Thing, item, time, expected and got', async (t) => {
  t.timeout(90_000);
  const system = await startChaosSystem({
    seed: 195,
    printers: 2,
    rates: { linesPerSecond: 5, metricDocsPerSecond: 4, pushMessagesPerSecond: 0 },
  });
  t.teardown(() => system.stop());
  const { fleet, standIn } = system;

  await until('events flowing', () => eventTotals(fleet).acked > 20);
  standIn.faults.setValueCorruption(1000, 'CpuUsage');
  await until(`${CORRUPTED_ROWS} CpuUsage rows corrupted`, () => standIn.counters.rowsCorrupted >= CORRUPTED_ROWS);
  standIn.faults.setValueCorruption(null);
  const corruptedRows = standIn.counters.rowsCorrupted;
  fleet.setRates({ linesPerSecond: 0, metricDocsPerSecond: 0, pushMessagesPerSecond: 0 });
  await t.notThrowsAsync(fleet.drained(DRAIN_MS), `not everything acknowledged within ${DRAIN_MS} ms`);

  const account = accountDeliveries(fleet, standIn.records);
  t.log(
    `sent=${account.sent} corrupted_rows=${corruptedRows} corrupted=${account.corrupted} lost=${account.lost} duplicates=${account.duplicates}`,
  );
  // Every corrupted row is an acknowledged event the account names. (A re-sent copy stored after the fault
  // ended would carry the right value and excuse its event: a quiet run re-sends nothing, a loaded CI box may.)
  t.true(account.corrupted >= 1 && account.corrupted <= corruptedRows, `${account.corrupted} of ${corruptedRows} corrupted rows named`);
  t.is(account.lost, account.corrupted, 'nothing else is missing');
  t.true(account.corruptedExamples.length > 0);
  for (const example of account.corruptedExamples) {
    const named = /^(p0[12]) metricbeat (\S+) CpuUsage@(\d+) expected (\S+) got (\S+)$/.exec(example);
    if (!named) {
      t.fail(`not named as Thing, item, time, expected and got: ${example}`);
      continue;
    }
    const [, printer, thing, time, expected, got] = named;
    t.is(thing, system.config.printers.find((p) => p.id === printer)?.thing, example);
    t.true(Number(time) > 0, example);
    t.is(Number(got), Number(expected) + 1000, example);
  }
  const violations = deliveryViolations(account);
  t.is(violations.length, 1);
  t.regex(
    violations[0] ?? '',
    new RegExp(`^zero loss: ${corruptedRows} acknowledged events reached ThingWorx with another value, e\\.g\\. p0`),
  );
});
