import test from 'ava';
import { validateConfig } from '../../../config/validate.js';
import { SimPrinterError } from '../../../sim/printers/errors.js';
import { startSimulatedFleet } from '../../../sim/printers/fleet.js';
import { printerConfigFor, pushTokenEnvName } from '../../../sim/printers/fleet-config.js';
import { until } from '../../support/until.js';
import { startBeatsReceiver, startPushReceiver } from './support.js';

test('a fleet of 20 ships to real listeners; the totals and expected readings match what was acknowledged', async (t) => {
  const fleet = await startSimulatedFleet({
    count: 20,
    seed: 1,
    rates: { linesPerSecond: 20, metricDocsPerSecond: 2, pushMessagesPerSecond: 5 },
  });
  t.teardown(() => fleet.stop());
  const info = fleet.info();
  t.is(info.length, 20);
  t.deepEqual(
    info.slice(0, 5).map((printer) => `${printer.id}:${printer.family}`),
    ['p01:projet-6k', 'p02:projet-7k', 'p03:mjp', 'p04:dmp', 'p05:projet-6k'],
  );
  t.is(new Set(info.map((printer) => printer.pipPort)).size, 20, 'one PIP port per printer');
  t.true(info.every((printer) => printer.pipPort > 0 && printer.address === `127.0.0.1:${printer.pipPort}`));
  t.is(new Set(info.map((printer) => printer.identity.hostName)).size, 20);
  const pushing = info.filter((printer) => printer.family === 'mjp' || printer.family === 'dmp');
  t.true(pushing.every((printer) => typeof printer.pushToken === 'string' && printer.pushTokenEnv === pushTokenEnvName(printer.id)));

  const tokens = Object.fromEntries(pushing.map((printer) => [printer.id, printer.pushToken!]));
  const push = await startPushReceiver(tokens);
  t.teardown(() => push.close());
  const beats = await startBeatsReceiver();
  t.teardown(() => beats.close());
  await fleet.start({ beats: { host: '127.0.0.1', port: beats.port }, push: { url: push.url } });
  // Runs until every printer has shipped and a job file name has come up, however fast the machine is.
  await until(
    () => {
      const { totals, printers } = fleet.counters();
      const ledgers = info.map((printer) => printers[printer.id]!.ledger);
      return (
        totals.filebeat.events_acked > 0 &&
        totals.metricbeat.events_acked > 0 &&
        totals.push.events_acked > 0 &&
        ledgers.every((ledger) => ledger.filebeat.events_acked + ledger.metricbeat.events_acked + ledger.push.events_acked > 0) &&
        fleet.forbiddenStrings().some((text) => text.endsWith('.ctl'))
      );
    },
    { timeoutMs: 30_000, what: 'every printer shipped and a job file named' },
  );
  fleet.setRates({ linesPerSecond: 0, metricDocsPerSecond: 0, pushMessagesPerSecond: 0 });
  await fleet.drained();

  const { totals, printers } = fleet.counters();
  const byBeat = (beat: string) => beats.events.filter(({ event }) => (event['@metadata'] as { beat: string }).beat === beat).length;
  t.is(totals.filebeat.events_acked, byBeat('filebeat'));
  t.is(totals.metricbeat.events_acked, byBeat('metricbeat'));
  t.is(totals.push.events_acked, push.deliveries.length);
  t.true(totals.filebeat.events_acked > 0 && totals.metricbeat.events_acked > 0 && totals.push.events_acked > 0);
  for (const printer of info) {
    const ledger = printers[printer.id]!.ledger;
    const sent = ledger.filebeat.events_acked + ledger.metricbeat.events_acked + ledger.push.events_acked;
    t.true(sent > 0, `${printer.id} shipped`);
  }
  t.true(push.deliveries.every((delivery) => tokens[delivery.printerId] !== undefined));

  const expected = fleet.expectedAcked();
  t.is(expected.length, totals.filebeat.readings_acked + totals.metricbeat.readings_acked + totals.push.readings_acked);
  t.is(new Set(expected.map((r) => `${r.printer}/${r.item}@${r.time}`)).size, expected.length, 'identifiable by (printer, item, time)');
  const forbidden = fleet.forbiddenStrings();
  t.true(forbidden.some((text) => text.endsWith('.ctl')));
  t.false(expected.some((r) => forbidden.some((text) => String(r.value).includes(text))));
});

test('printerConfigFor gives printers[] entries the adapter config accepts', async (t) => {
  const fleet = await startSimulatedFleet({ count: 20, seed: 4 });
  t.teardown(() => fleet.stop());
  const printers = fleet.printers.map((printer) => printerConfigFor(printer));
  const result = validateConfig({
    adapter: { id: 'demo', thing: 'Adapter-demo' },
    thingworx: { url: 'https://127.0.0.1:8443', appKey: { env: 'TWX_APP_KEY' } },
    listeners: { beats: { host: '127.0.0.1', port: 5044 }, push: { host: '127.0.0.1', port: 8765 } },
    printers,
  });
  t.deepEqual(result.ok ? [] : result.errors, []);
  const p03 = printers[2]!;
  t.like(p03, {
    id: 'p03',
    family: 'mjp',
    thing: 'Printer-p03',
    pushToken: { env: 'PUSH_TOKEN_P03' },
    identity: { fieldsPrinterId: 'p03' },
  });
  t.is(p03.address, fleet.printers[2]!.pipAddress());
  t.is(printers[0]!.pushToken, undefined);
  t.deepEqual(
    Object.keys(fleet.pushTokenEnv()).sort(),
    printers
      .filter((p) => p.pushToken)
      .map((p) => p.pushToken!.env)
      .sort(),
  );
  t.true(printers[0]!.limits.some((limit) => limit.item === 'VatTemperature'));
});

test('fleet options are checked, and a missing target starts no printer', async (t) => {
  await t.throwsAsync(startSimulatedFleet({ count: 21, seed: 1 }), { instanceOf: SimPrinterError, message: /count/ });
  await t.throwsAsync(startSimulatedFleet({ count: 0, seed: 1 }), { instanceOf: SimPrinterError });
  const fleet = await startSimulatedFleet({ count: 3, seed: 2, families: ['mjp'] });
  t.teardown(() => fleet.stop());
  t.true(fleet.info().every((printer) => printer.family === 'mjp'));
  const beats = await startBeatsReceiver();
  t.teardown(() => beats.close());
  const error = await t.throwsAsync(fleet.start({ beats: { host: '127.0.0.1', port: beats.port } }), { instanceOf: SimPrinterError });
  t.is(error?.code, 'SIM_ERR_NO_TARGET');
  // Nothing was started: the same fleet starts once the push target is there.
  const push = await startPushReceiver(Object.fromEntries(fleet.info().map((printer) => [printer.id, printer.pushToken!])));
  t.teardown(() => push.close());
  await fleet.start({ beats: { host: '127.0.0.1', port: beats.port }, push: { url: push.url } });
  fleet.setRates({ pushMessagesPerSecond: 0, metricDocsPerSecond: 0 });
  for (const printer of fleet.printers) printer.produce({ pushMessages: 2 });
  await fleet.drained();
  t.is(fleet.counters().totals.push.events_acked, push.deliveries.length);
  t.true(push.deliveries.length >= 6);
});
