import test from 'ava';
import { silentLogger } from '../../../config/logging.js';
import { createPrinterClient } from '../../../protocols/printer/client.js';
import { SimPrinterError } from '../../../sim/printers/errors.js';
import { createPushPrinter } from '../../../sim/printers/push-printer.js';
import { eventually, startBeatsReceiver, startPushReceiver } from './support.js';

const TOKENS = { p11: 'sim-token-p11-7d2f', p12: 'sim-token-p12-19ac' };

test('a pushing printer sends seeded readings with its token; the ledger expects exactly what was acknowledged', async (t) => {
  const receiver = await startPushReceiver(TOKENS);
  t.teardown(() => receiver.close());
  const sim = createPushPrinter({
    id: 'p11',
    family: 'mjp',
    seed: 11,
    token: TOKENS.p11,
    metricbeat: false,
    rates: { pushMessagesPerSecond: 40 },
  });
  t.teardown(() => sim.stop());
  await sim.start({ push: { url: receiver.url } });
  await eventually(() => receiver.deliveries.length >= 10, 'messages at the configured rate');
  sim.setRates({ pushMessagesPerSecond: 0 });
  sim.produce({ pushMessages: 5 });
  await sim.drained();

  const { deliveries } = receiver;
  t.true(
    deliveries.every((delivery) => delivery.printerId === 'p11'),
    'the token identifies the printer',
  );
  const { ledger } = sim.counters();
  t.is(ledger.push.events_sent, deliveries.length);
  t.is(ledger.push.events_acked, deliveries.length);
  const times = deliveries.map((delivery) => delivery.time);
  t.true(
    times.every((time, i) => i === 0 || time > times[i - 1]!),
    'unique, increasing device time per message',
  );

  const delivered = deliveries.flatMap((delivery) =>
    delivery.readings.map(({ item, value }) => ({
      printer: 'p11',
      thing: 'Printer-p11',
      item,
      value,
      time: delivery.time,
      source: 'push',
    })),
  );
  t.deepEqual(sim.expectedAcked(), delivered);
  const items = new Set(delivered.map((reading) => reading.item));
  for (const item of ['PrintHeadTemperature', 'ModelMaterialLevel', 'SupportMaterialLevel', 'UVLampHours', 'WasteLevel', 'BuildState']) {
    t.true(items.has(item), item);
  }
  t.true(deliveries[0]!.readings.some((reading) => reading.item === 'PrintHeadTemperature' && reading.unit === '°C'));
});

test('only acknowledged push messages enter the ledger, in whatever order the acks come', async (t) => {
  const receiver = await startPushReceiver(TOKENS);
  t.teardown(() => receiver.close());
  const sim = createPushPrinter({
    id: 'p12',
    family: 'dmp',
    seed: 12,
    token: TOKENS.p12,
    metricbeat: false,
    rates: { pushMessagesPerSecond: 0 },
  });
  t.teardown(() => sim.stop());
  receiver.hold(true);
  await sim.start({ push: { url: receiver.url } });
  sim.produce({ pushMessages: 4 });
  await eventually(() => receiver.held.length === 4, 'four held messages');
  t.is(sim.counters().ledger.push.events_sent, 4);
  t.is(sim.counters().ledger.push.events_acked, 0);

  receiver.held[2]!.handle.ack();
  await eventually(() => sim.counters().ledger.push.events_acked === 1, 'one ack');
  t.deepEqual([...new Set(sim.expectedAcked().map((reading) => reading.time))], [receiver.held[2]!.time]);
  sim.forceValue('OxygenPpm', 1500);
  await eventually(() => receiver.held.length === 5, 'the forced message');
  t.true(receiver.held[4]!.readings.some((reading) => reading.item === 'OxygenPpm' && reading.value === 1500));
  for (const delivery of receiver.held) delivery.handle.ack();
  await sim.drained();
  t.is(sim.counters().ledger.push.events_acked, 5);
  t.true(sim.expectedAcked().some((reading) => reading.item === 'OxygenPpm' && reading.value === 1500));
});

test('a pushing printer also runs Metricbeat and its PIP server', async (t) => {
  const push = await startPushReceiver(TOKENS);
  t.teardown(() => push.close());
  const beats = await startBeatsReceiver();
  t.teardown(() => beats.close());
  const sim = createPushPrinter({
    id: 'p11',
    family: 'mjp',
    seed: 3,
    token: TOKENS.p11,
    rates: { pushMessagesPerSecond: 0, metricDocsPerSecond: 0 },
  });
  t.teardown(() => sim.stop());
  await sim.start({ push: { url: push.url }, beats: { host: '127.0.0.1', port: beats.port } });
  sim.produce({ pushMessages: 3, metricDocs: 4 });
  await sim.drained();
  t.is(beats.events.length, 4);
  t.true(beats.events.every(({ event }) => (event.fields as { printer_id?: string }).printer_id === 'p11'));
  const { ledger } = sim.counters();
  t.deepEqual([ledger.push.events_acked, ledger.metricbeat.events_acked], [3, 4]);
  const times = sim.expectedAcked().map((reading) => reading.time);
  t.is(new Set(times).size, 3 + 4, 'one device time per message and per metric document');

  const client = createPrinterClient({ host: '127.0.0.1', port: sim.pipPort(), logger: silentLogger(), name: 'p11' });
  try {
    t.like(await client.identify(), { family: 'mjp' });
    t.is(typeof (await client.consumables()).WasteLevel, 'number');
  } finally {
    await client.close();
  }
});

test('a pushing printer with Metricbeat needs a beats target too', async (t) => {
  const sim = createPushPrinter({ id: 'p13', family: 'dmp', seed: 1, token: 'x', push: { url: 'ws://127.0.0.1:9/push/v1' } });
  t.teardown(() => sim.stop());
  const error = await t.throwsAsync(sim.start(), { instanceOf: SimPrinterError });
  t.is(error?.code, 'SIM_ERR_NO_TARGET');
  t.throws(() => createPushPrinter({ id: 'p14', family: 'projet-6k' as never, seed: 1 }), { instanceOf: SimPrinterError });
});
