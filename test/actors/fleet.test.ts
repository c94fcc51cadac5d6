import test from 'ava';
import { healthPath, INGRESS_PATH } from '../../actors/paths.js';
import { alertPropertyNames } from '../../domain/health/companions.js';
import { createBeatsClient } from '../../sim/clients/lumberjack-client.js';
import { startDemo } from '../../sim/demo.js';
import { until } from '../support/until.js';
import { quietLogger } from './support.js';

function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  return until(check, { what, timeoutMs, everyMs: 100 });
}

test.serial(
  '20 printers: every acknowledged event reaches ThingWorx, every family delivers catalog items, nothing raw leaks',
  async (t) => {
    const demo = await startDemo({ printers: 20, seed: 7 });
    t.teardown(() => demo.stop());
    // Runs until enough has been acknowledged, from every source, to check the whole path; not for a fixed time.
    await waitFor(
      'over 500 events acknowledged, from every source, and readings for every printer',
      () => {
        const { totals } = demo.fleet.counters();
        const sources = [totals.filebeat, totals.metricbeat, totals.push];
        const things = new Set(demo.standIn.records.map((r) => r.thing));
        return (
          sources.reduce((sum, source) => sum + source.events_acked, 0) > 500 &&
          sources.every((source) => source.events_acked > 0) &&
          demo.config.printers.every((printer) => things.has(printer.thing))
        );
      },
      60_000,
    );
    await demo.quiesce();
    const summary = await demo.summary();
    t.log(JSON.stringify(summary));
    t.is(summary.printers, 20);
    t.true(summary.events_acked > 500, `only ${summary.events_acked} events acknowledged`);
    t.is(summary.events_acked, summary.events_sent);
    t.is(summary.lost, 0);
    t.is(summary.leaked, 0);
    for (const source of ['filebeat', 'metricbeat', 'push'] as const) {
      t.true(summary.per_source[source].events_acked > 0, `no ${source} events acknowledged`);
    }
    // Every printer's Thing got readings, and only catalogued items (plus the adapter's alert/state items).
    for (const printer of demo.config.printers) {
      const family = demo.config.catalog.families[printer.family]!;
      const names = new Set(demo.standIn.records.filter((r) => r.thing === printer.thing).map((r) => r.name));
      t.true(names.size > 3, `${printer.thing} has only ${[...names].join(',')}`);
      const alertNames = new Set(printer.limits.flatMap((l) => Object.values(alertPropertyNames(l.alert))));
      const foreign = [...names].filter((n) => !(n in family.items) && !alertNames.has(n) && n !== 'PrinterState');
      t.deepEqual(foreign, [], `${printer.thing} received items off its catalog`);
    }
  },
);

test.serial(
  'a printer whose PIP endpoint is down keeps Beats flowing, goes degraded, and an alert is raised once and cleared once',
  async (t) => {
    const demo = await startDemo({
      printers: 2,
      seed: 11,
      configOverrides: {
        health: { staleAfterMs: { filebeat: 5000, metricbeat: 5000, poll: 3000, push: 5000 }, offlineAfterMs: 10_000 },
      },
    });
    t.teardown(() => demo.stop());
    const sla = demo.fleet.printers.find((p) => p.family === 'projet-6k')!;
    const printer = demo.config.printers.find((p) => p.id === sla.id)!;
    const health = () => demo.daemon.tree.registry.ask(healthPath(sla.id), { type: 'Describe' }, 2_000);

    await waitFor('the printer online', async () => (await health()).state === 'online');
    await sla.pip.down();
    await waitFor('the poll source down and the printer degraded', async () => {
      const view = await health();
      return view.state === 'degraded' && view.sources.some((s) => s.source === 'poll' && !s.fresh);
    });
    const ackedBefore = sla.counters().ledger.filebeat.events_acked;
    await waitFor('Beats still acknowledged while polls fail', () => sla.counters().ledger.filebeat.events_acked > ackedBefore + 10);

    // With polls down only the log lines carry VatTemperature, so the limit sees one clean crossing.
    const limit = printer.limits.find((l) => l.item === 'VatTemperature')!;
    t.truthy(limit, 'the simulated SLA printer has a VatTemperature limit');
    const alertRows = () => demo.standIn.records.filter((r) => r.thing === printer.thing && r.name === limit.alert);
    sla.forceValue('VatTemperature', 40);
    await waitFor('the alert raised in ThingWorx', () => alertRows().some((r) => r.value === true));
    // More readings past the limit go through, which would raise it again if raising were not once.
    const ackedWhileHigh = sla.counters().ledger.filebeat.events_acked;
    await waitFor(
      'more log lines acknowledged while the value is high',
      () => sla.counters().ledger.filebeat.events_acked > ackedWhileHigh + 10,
    );
    sla.releaseValue('VatTemperature');
    await waitFor('the alert cleared in ThingWorx', () => alertRows().some((r) => r.value === false));
    // Likewise readings below the limit, which would clear it again if clearing were not once.
    const ackedWhileLow = sla.counters().ledger.filebeat.events_acked;
    await waitFor('more log lines acknowledged after the release', () => sla.counters().ledger.filebeat.events_acked > ackedWhileLow + 10);
    t.deepEqual(
      alertRows().map((r) => r.value),
      [true, false],
      'the alert must be raised exactly once and cleared exactly once',
    );
    // Each transition carries its severity and the value that caused it, written in the same request as the alert.
    const names = alertPropertyNames(limit.alert);
    const rowsOf = (name: string) => demo.standIn.records.filter((r) => r.thing === printer.thing && r.name === name);
    t.deepEqual(
      rowsOf(names.severity).map((r) => r.value),
      [limit.severity, limit.severity],
    );
    const values = rowsOf(names.value).map((r) => r.value);
    t.is(values.length, 2);
    t.true(typeof values[0] === 'number' && values[0] >= 35, `raised by ${String(values[0])}`);
    t.true(typeof values[1] === 'number' && values[1] < 35, `cleared by ${String(values[1])}`);
    for (const name of [names.severity, names.value]) {
      t.deepEqual(
        rowsOf(name).map((r) => [r.time, r.arrivedAt]),
        alertRows().map((r) => [r.time, r.arrivedAt]),
        `${name} rows are dated and sent with the alert rows`,
      );
    }
    await sla.pip.up();
    await waitFor('the printer online again', async () => (await health()).state === 'online');
  },
);

test.serial('an unknown printer is refused while the known ones keep flowing', async (t) => {
  const demo = await startDemo({ printers: 3, seed: 5 });
  t.teardown(() => demo.stop());
  const ingress = await demo.daemon.tree.registry.ask(INGRESS_PATH, { type: 'Describe' }, 2_000);
  const intruder = createBeatsClient({
    host: '127.0.0.1',
    port: ingress.beats!.port,
    logger: quietLogger(),
    windowSize: 1,
    timeoutMs: 2_000,
    backoff: { minMs: 100, maxMs: 200 },
  });
  const doc = {
    '@timestamp': new Date().toISOString(),
    message: '2026-11-27T10:15:02.123Z THERMAL VatTemp=30.1C Setpoint=30.0C',
    log: { file: { path: '/var/log/printer.log' }, offset: 0 },
    host: { name: 'not-a-configured-printer' },
  };
  let intruderAcked = false;
  void intruder.publish([doc]).then(
    () => {
      intruderAcked = true;
    },
    () => {},
  );
  const ackedBefore = demo.fleet.counters().totals.filebeat.events_acked;
  await waitFor('the unknown printer refused', async () => {
    const view = await demo.daemon.tree.registry.ask(INGRESS_PATH, { type: 'Describe' }, 2_000);
    return view.refusedUnknown > 0;
  });
  await waitFor('known printers still acknowledged', () => demo.fleet.counters().totals.filebeat.events_acked > ackedBefore + 20);
  t.false(intruderAcked, 'an unknown printer was acknowledged');
  t.false(demo.standIn.records.some((r) => r.time === Date.parse('2026-11-27T10:15:02.123Z')));
  await intruder.close();
});
