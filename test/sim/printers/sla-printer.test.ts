import { connect } from 'node:net';
import test from 'ava';
import { silentLogger } from '../../../config/logging.js';
import { decodeBeatsEvent } from '../../../protocols/beats/documents.js';
import { createPrinterClient } from '../../../protocols/printer/client.js';
import { SimPrinterError } from '../../../sim/printers/errors.js';
import { createSlaPrinter } from '../../../sim/printers/sla-printer.js';
import { createTestPki } from '../../support/certs.js';
import { assertStaysTrue } from '../../support/observe.js';
import { eventually, fixedNow, type ReceivedEvent, startBeatsReceiver } from './support.js';

const BEAT_OF = (received: ReceivedEvent) => (received.event['@metadata'] as { beat?: string } | undefined)?.beat;

test('an SLA printer ships valid Filebeat and Metricbeat documents on two connections; the ledger matches the acks', async (t) => {
  const receiver = await startBeatsReceiver();
  t.teardown(() => receiver.close());
  const sim = createSlaPrinter({
    id: 'p01',
    family: 'projet-6k',
    seed: 17,
    rates: { linesPerSecond: 200, metricDocsPerSecond: 20 },
    beatsClient: { windowSize: 16 },
  });
  t.teardown(() => sim.stop());
  await sim.start({ beats: { host: '127.0.0.1', port: receiver.port } });
  await eventually(() => receiver.events.length >= 150, 'events at the configured rates');
  sim.setRates({ linesPerSecond: 0, metricDocsPerSecond: 0 });
  sim.produce({ lines: 40, metricDocs: 8 });
  await sim.drained();

  const filebeat = receiver.events.filter((received) => BEAT_OF(received) === 'filebeat');
  const metricbeat = receiver.events.filter((received) => BEAT_OF(received) === 'metricbeat');
  const { ledger } = sim.counters();
  t.is(ledger.filebeat.events_acked, filebeat.length);
  t.is(ledger.filebeat.events_sent, filebeat.length);
  t.is(ledger.metricbeat.events_acked, metricbeat.length);
  t.is(filebeat.length + metricbeat.length, receiver.events.length);
  t.true(metricbeat.length >= 8);

  // Filebeat and Metricbeat are separate processes: separate connections.
  const filebeatConnections = new Set(filebeat.map((received) => received.connectionId));
  const metricbeatConnections = new Set(metricbeat.map((received) => received.connectionId));
  t.is(filebeatConnections.size, 1);
  t.is(metricbeatConnections.size, 1);
  t.notDeepEqual([...filebeatConnections], [...metricbeatConnections]);
  t.true(receiver.batches.every((batch) => batch.windowSize <= 16));

  let expectedOffset = 0;
  for (const { event } of filebeat) {
    const decoded = decodeBeatsEvent(event);
    if (decoded.kind !== 'log') return t.fail(`not a Filebeat line: ${JSON.stringify(event)}`);
    t.is(decoded.offset, expectedOffset);
    expectedOffset += Buffer.byteLength(decoded.line) + 1;
    t.is(decoded.hostName, 'printer-p01');
    t.is(decoded.fieldsPrinterId, 'p01');
    t.true(decoded.line.startsWith(`${event['@timestamp'] as string} `));
    t.like(event, { '@metadata': { beat: 'filebeat', type: '_doc' }, input: { type: 'filestream' }, agent: { type: 'filebeat' } });
  }
  for (const { event } of metricbeat) {
    const decoded = decodeBeatsEvent(event);
    t.is(decoded.kind, 'metrics', JSON.stringify(event));
    t.like(event, { event: { module: 'system' }, fields: { printer_id: 'p01' }, agent: { type: 'metricbeat' } });
  }
  // Device time: unique and increasing per printer, across both Beats.
  const times = receiver.events.map(({ event }) => Date.parse(event['@timestamp'] as string));
  t.is(new Set(times).size, times.length);
  for (const stream of [filebeat, metricbeat]) {
    const streamTimes = stream.map(({ event }) => Date.parse(event['@timestamp'] as string));
    t.true(streamTimes.every((time, i) => i === 0 || time > streamTimes[i - 1]!));
  }

  const expected = sim.expectedAcked();
  t.is(expected.length, ledger.filebeat.readings_acked + ledger.metricbeat.readings_acked);
  t.is(new Set(expected.map((r) => `${r.item}@${r.time}`)).size, expected.length);
  t.true(expected.every((r) => r.printer === 'p01' && r.thing === 'Printer-p01'));
  // Every expected filebeat reading belongs to a line that was received at that time.
  const receivedLineTimes = new Set(filebeat.map(({ event }) => Date.parse(event['@timestamp'] as string)));
  t.true(expected.filter((r) => r.source === 'filebeat').every((r) => receivedLineTimes.has(r.time)));
  // A legitimate delivery never contains a forbidden string, so a check on ThingWorx cannot misfire.
  const forbidden = sim.forbiddenStrings();
  t.true(forbidden.includes('/var/log/projet/printer.log'));
  t.true(forbidden.some((text) => text.endsWith('.ctl')));
  t.true(
    forbidden.some((text) => / THERMAL /.test(text)),
    'raw lines are sampled',
  );
  const delivered = expected.map((r) => String(r.value));
  t.false(delivered.some((value) => forbidden.some((text) => value.includes(text))));
});

test('the ledger follows acknowledgements, not sends; compression and window size are the Beats client’s', async (t) => {
  const receiver = await startBeatsReceiver();
  t.teardown(() => receiver.close());
  const sim = createSlaPrinter({
    id: 'p02',
    family: 'projet-7k',
    seed: 2,
    rates: { linesPerSecond: 0, metricDocsPerSecond: 0 },
    beatsClient: { windowSize: 5, compressionLevel: 0, pipelining: 3 },
  });
  t.teardown(() => sim.stop());
  receiver.hold(true);
  await sim.start({ beats: { host: '127.0.0.1', port: receiver.port } });
  sim.produce({ lines: 23 });
  await eventually(() => receiver.held.length === 3, 'three pipelined windows');
  t.deepEqual(
    receiver.held.map((batch) => batch.windowSize),
    [5, 5, 5],
  );
  let counters = sim.counters();
  t.is(counters.ledger.filebeat.events_sent, 23);
  t.is(counters.ledger.filebeat.events_acked, 0);
  t.deepEqual(sim.expectedAcked(), []);

  receiver.held[0]!.handle.ack(2); // a partial ACK counts exactly two events
  await eventually(() => sim.counters().ledger.filebeat.events_acked === 2, 'a partial ack');
  receiver.hold(false);
  for (const batch of receiver.held.splice(0)) batch.handle.ack();
  await sim.drained();
  counters = sim.counters();
  t.is(counters.ledger.filebeat.events_acked, 23);
  t.is(counters.filebeat?.inFlight, 0);
  t.deepEqual(
    receiver.batches.map((batch) => batch.windowSize),
    [5, 5, 5, 5, 3],
  );
});

test('forceValue sends a line carrying the value at once and the ledger expects it', async (t) => {
  const receiver = await startBeatsReceiver();
  t.teardown(() => receiver.close());
  const sim = createSlaPrinter({ id: 'p03', family: 'projet-6k', seed: 3, rates: { linesPerSecond: 0, metricDocsPerSecond: 0 } });
  t.teardown(() => sim.stop());
  await sim.start({ beats: { host: '127.0.0.1', port: receiver.port } });
  sim.forceValue('VatTemperature', 40);
  sim.forceValue('CpuUsage', 0.99);
  await sim.drained();
  const messages = receiver.events.map(({ event }) => event.message).filter((message) => typeof message === 'string');
  t.is(messages.length, 1);
  t.regex(messages[0] as string, / THERMAL VatTemp=40C /);
  const expected = sim.expectedAcked().map(({ item, value, source }) => ({ item, value, source }));
  t.deepEqual(expected, [
    { item: 'VatTemperature', value: 40, source: 'filebeat' },
    { item: 'CpuUsage', value: 0.99, source: 'metricbeat' },
  ]);
  t.is(t.throws(() => sim.forceValue('OxygenPpm', 5), { instanceOf: SimPrinterError })?.code, 'SIM_ERR_UNKNOWN_ITEM');
});

test('the same seed and clock give the same documents', async (t) => {
  const receiver = await startBeatsReceiver();
  t.teardown(() => receiver.close());
  const run = async () => {
    const sim = createSlaPrinter({
      id: 'p04',
      family: 'projet-6k',
      seed: 99,
      now: fixedNow,
      rates: { linesPerSecond: 0, metricDocsPerSecond: 0 },
    });
    await sim.start({ beats: { host: '127.0.0.1', port: receiver.port } });
    sim.produce({ lines: 60, metricDocs: 10 });
    await sim.drained();
    const expected = sim.expectedAcked();
    await sim.stop();
    return expected;
  };
  const first = await run();
  const firstDocuments = receiver.events.splice(0).map(({ event }) => event);
  const second = await run();
  const secondDocuments = receiver.events.splice(0).map(({ event }) => event);
  const byTime = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a['@timestamp']).localeCompare(String(b['@timestamp']));
  t.deepEqual(secondDocuments.sort(byTime), firstDocuments.sort(byTime));
  t.deepEqual(second, first);
  t.is(firstDocuments.length, 70);
});

test('a TLS client certificate identifies the printer to the Beats listener', async (t) => {
  const pki = createTestPki('printer-05');
  t.teardown(() => pki.cleanup());
  const receiver = await startBeatsReceiver({ cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, clientAuth: 'required' });
  t.teardown(() => receiver.close());
  const sim = createSlaPrinter({
    id: 'p05',
    family: 'projet-6k',
    seed: 5,
    tlsSubject: pki.clientSubject,
    rates: { linesPerSecond: 0, metricDocsPerSecond: 0 },
    beats: { host: '127.0.0.1', port: receiver.port, tls: { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey } },
  });
  t.teardown(() => sim.stop());
  await sim.start();
  sim.produce({ lines: 5, metricDocs: 2 });
  await sim.drained();
  t.is(receiver.events.length, 7);
  t.true(receiver.events.every((received) => received.tlsSubject === 'CN=printer-05'));
  t.is(sim.identity.tlsSubject, 'CN=printer-05');
});

test('the PIP server answers the poller, and stop() closes every socket for good', async (t) => {
  const receiver = await startBeatsReceiver();
  t.teardown(() => receiver.close());
  const sim = createSlaPrinter({ id: 'p06', family: 'projet-7k', seed: 6, rates: { linesPerSecond: 50, metricDocsPerSecond: 5 } });
  const port = await sim.listen();
  t.is(sim.pipPort(), port);
  t.is(sim.pipAddress(), `127.0.0.1:${port}`);
  await sim.start({ beats: { host: '127.0.0.1', port: receiver.port } });

  const client = createPrinterClient({ host: '127.0.0.1', port, logger: silentLogger(), name: 'p06' });
  try {
    t.like(await client.identify(), { family: 'projet-7k' });
    const sensors = await client.sensors();
    t.is(typeof sensors.VatTemperature, 'number');
  } finally {
    await client.close();
  }
  await eventually(() => receiver.connectionCount() === 2 && receiver.events.length > 0, 'both Beats connected');

  await sim.stop();
  await eventually(() => receiver.connectionCount() === 0, 'the Beats connections to close');
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
  t.true(refused, 'the PIP port is closed');
  const sentAtStop = sim.counters().ledger.filebeat.events_sent;
  // That nothing more is produced is what is under test: a named window, begun once the Beats connections closed.
  await assertStaysTrue(() => sim.counters().ledger.filebeat.events_sent === sentAtStop, 300, 'nothing produced after stop');
  t.is(sim.counters().ledger.filebeat.events_sent, sentAtStop, 'nothing is produced after stop');
  await t.throwsAsync(sim.start(), { instanceOf: SimPrinterError, message: /stopped/ });
  await t.notThrowsAsync(sim.stop());
});

test('start() without a beats target refuses and starts nothing', async (t) => {
  const sim = createSlaPrinter({ id: 'p07', family: 'projet-6k', seed: 7 });
  t.teardown(() => sim.stop());
  const error = await t.throwsAsync(sim.start(), { instanceOf: SimPrinterError });
  t.is(error?.code, 'SIM_ERR_NO_TARGET');
  t.is(sim.pipPort(), 0);
});
