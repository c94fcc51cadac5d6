/** Issue 17: the demo's account kept as it goes, in bounded memory, says what the full account says. */
import test from 'ava';
import { createRunningAccount } from '../../../sim/printers/running-account.js';
import type { ExpectedReading } from '../../../sim/printers/ledger.js';

const reading = (item: string, value: ExpectedReading['value'], time: number, printer = 'p01'): ExpectedReading => ({
  printer,
  thing: `Printer-${printer}`,
  item,
  value,
  time,
  source: 'push',
});

test('rows before or after their acknowledgement both count; a missing or changed reading loses its event', (t) => {
  const account = createRunningAccount({ now: () => 0 });
  // Event 1 at time 100: the row comes first, then the acknowledgement.
  account.row('Printer-p01', 'OxygenPpm', 418, 100);
  account.expect(reading('OxygenPpm', 418, 100));
  account.expect(reading('BuildState', 'building', 100));
  account.row('Printer-p01', 'BuildState', 'building', 100);
  // Event 2 at time 200: one reading never arrives.
  account.expect(reading('OxygenPpm', 420, 200));
  account.expect(reading('BuildState', 'building', 200));
  account.row('Printer-p01', 'OxygenPpm', 420, 200);
  // Event 3 at time 300: the value arrives changed.
  account.expect(reading('OxygenPpm', 0.1 + 0.2, 300));
  account.row('Printer-p01', 'OxygenPpm', 0.3, 300);
  // Event 4 at time 400: delivered twice.
  account.expect(reading('OxygenPpm', 7, 400, 'p02'));
  account.row('Printer-p02', 'OxygenPpm', 7, 400);
  account.row('Printer-p02', 'OxygenPpm', 7, 400);
  // A poll row nothing expects.
  account.row('Printer-p01', 'ChamberPressure', 30, 150);
  const summary = account.summary();
  t.like(summary, { acked: 4, delivered: 2, duplicates: 1, lost: 2, corrupted: 1, rows: 7 });
  t.deepEqual(summary.byPrinter, { p01: { events: 3, delivered: 1, duplicates: 0 }, p02: { events: 1, delivered: 1, duplicates: 1 } });
  t.true(summary.lostExamples.some((text) => text === 'p01 push BuildState@200'));
  t.true(summary.lostExamples.some((text) => text.startsWith('p01 push OxygenPpm@300 expected 0.30000000000000004 got 0.3')));
});

test('what it holds stays bounded: rows nothing expects and matched readings go after their time to live', (t) => {
  let clock = 0;
  const account = createRunningAccount({ now: () => clock, rowTtlMs: 10_000 });
  for (let second = 0; second < 600; second += 1) {
    clock = second * 1_000;
    for (let n = 0; n < 50; n += 1) {
      const time = second * 1_000 + n;
      account.expect(reading('OxygenPpm', n, time));
      account.row('Printer-p01', 'OxygenPpm', n, time);
      account.row('Printer-p01', 'ChamberPressure', n, time);
    }
  }
  const summary = account.summary();
  t.like(summary, { acked: 30_000, delivered: 30_000, lost: 0, duplicates: 0 });
  t.true(summary.held.matched <= 11 * 50, `matched ${summary.held.matched}`);
  t.true(summary.held.unmatchedRows <= 11 * 50, `unmatched ${summary.held.unmatchedRows}`);
  t.is(summary.held.pending, 0);
});

test('the leak check looks through the string values ThingWorx took', (t) => {
  const account = createRunningAccount();
  account.row('Printer-p01', 'JobId', 'J-00042', 1);
  account.row('Printer-p01', 'ErrorCode', 'E1234 see /jobs/bracket_v7_final.ctl', 2);
  t.is(account.holdsText(['bracket_v7_final.ctl', 'never-sent.ctl']), 1);
});
