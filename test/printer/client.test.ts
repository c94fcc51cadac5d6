import { createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import test, { type ExecutionContext } from 'ava';
import { createLogger, type Logger, silentLogger } from '../../config/logging.js';
import { createPrinterClient, type PrinterClient, type PrinterClientOptions } from '../../protocols/printer/client.js';
import { PipError, type PipErrorCode } from '../../protocols/printer/errors.js';
import { READ_ONLY_OPS } from '../../protocols/printer/ops.js';
import { createPipServer, type PipGarbageKind, type PipServer, type PipServerOptions } from '../../sim/printers/pip-server.js';
import { createTestPki } from '../support/certs.js';
import { assertStaysTrue } from '../support/observe.js';
import { until } from '../support/until.js';

const WAIT_MS = 20_000;

interface LogCapture {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
}

function captureLogs(): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination: stream }), lines };
}

async function startSim(t: ExecutionContext, options: Partial<PipServerOptions> = {}): Promise<PipServer> {
  const sim = createPipServer({ family: 'projet-6k', seed: 7, ...options });
  await sim.start();
  t.teardown(() => sim.stop());
  return sim;
}

function client(t: ExecutionContext, sim: PipServer, options: Partial<PrinterClientOptions> = {}): PrinterClient {
  const created = createPrinterClient({
    host: '127.0.0.1',
    port: sim.port(),
    timeoutMs: 5_000,
    backoff: { minMs: 20, maxMs: 200 },
    logger: silentLogger(),
    ...options,
  });
  t.teardown(() => created.close());
  return created;
}

const waitFor = (what: string, condition: () => boolean): Promise<void> => until(condition, { what, timeoutMs: WAIT_MS });

/** Repeats a call until it succeeds (the client is reconnecting meanwhile); returns the result and how many tries failed. */
async function eventually<T>(call: () => Promise<T>): Promise<{ result: T; failures: PipErrorCode[] }> {
  const failures: PipErrorCode[] = [];
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      return { result: await call(), failures };
    } catch (error) {
      if (!(error instanceof PipError)) throw error;
      failures.push(error.code);
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20)); // between retries; the bound is WAIT_MS
    }
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return error instanceof PipError ? error.code : `foreign: ${String(error)}`;
  }
}

test('all four read-only ops return typed results from the simulator', async (t) => {
  const sim = await startSim(t, { family: 'projet-6k', serial: 'SN-6K-1' });
  const printer = client(t, sim);
  t.deepEqual(await printer.identify(), { model: 'ProJet 6000 HD', family: 'projet-6k', serial: 'SN-6K-1', firmware: '3.4.1' });
  const status = await printer.status();
  t.is(status.state, 'building');
  t.truthy(status.job);
  t.regex(status.job?.id ?? '', /^J-\d{5}$/);
  t.true((status.job?.layer ?? -1) <= (status.job?.layers ?? -2));
  const sensors = await printer.sensors();
  t.deepEqual(Object.keys(sensors).sort(), ['ChamberHumidity', 'ChamberTemperature', 'LaserPower', 'RecoaterState', 'VatTemperature']);
  t.is(typeof sensors.VatTemperature, 'number');
  const consumables = await printer.consumables();
  t.deepEqual(Object.keys(consumables), ['ResinLevel']);
  t.deepEqual(sim.stats().opsReceived, ['identify', 'status', 'sensors', 'consumables']);
  t.is(printer.connection().connectionsOpened, 1);
});

test('job file names a printer puts in status never reach the caller', async (t) => {
  const sim = await startSim(t, { family: 'projet-7k', includeJobFileName: true });
  const status = await client(t, sim).status();
  t.truthy(status.job);
  t.deepEqual(Object.keys(status.job ?? {}).sort(), ['estimatedEndAt', 'id', 'layer', 'layers', 'startedAt', 'state']);
  t.false(JSON.stringify(status).includes('.ctl'));
});

test('the client has only the read-only ops; nothing else reaches the printer', async (t) => {
  const sim = await startSim(t, { family: 'mjp' });
  const printer = client(t, sim);
  t.deepEqual(Object.keys(printer).sort(), ['close', 'connection', 'consumables', 'identify', 'sensors', 'status']);
  t.true(Object.isFrozen(printer));
  t.throws(() => {
    (printer as unknown as Record<string, unknown>).send = () => undefined;
  });
  // @ts-expect-error there is no generic send: the compiler refuses it too
  t.is(printer.send, undefined);
  // @ts-expect-error nor a query by op name
  t.is(printer.query, undefined);
  await Promise.all([printer.identify(), printer.status(), printer.sensors(), printer.consumables(), printer.status()]);
  const received = sim.stats().opsReceived;
  t.is(received.length, 5);
  for (const op of received) t.true((READ_ONLY_OPS as readonly string[]).includes(op), op);
});

test('concurrent calls are queued and sent one at a time, in call order', async (t) => {
  const sim = await startSim(t, { family: 'dmp' });
  const printer = client(t, sim, { maxQueued: 4 });
  await printer.identify();
  const calls = [printer.consumables(), printer.sensors(), printer.status(), printer.identify()];
  const overflow = printer.sensors();
  t.is(await codeOf(overflow), 'no error', 'one on the wire plus four queued fit');
  const results = await Promise.all(calls);
  t.deepEqual(results[0], {}, 'a dmp has no consumables in the simulator');
  t.deepEqual(sim.stats().opsReceived.slice(1, 5), ['consumables', 'sensors', 'status', 'identify']);
  // with a queue full of calls waiting, the next one is refused at once
  const many = Array.from({ length: 5 }, () => printer.sensors());
  t.is(await codeOf(printer.status()), 'PIP_BUSY');
  await Promise.all(many);
  // a silent printer sees one request; the rest wait in the client
  sim.stopAnswering();
  const before = sim.stats().requests;
  const waiting = [printer.status(), printer.sensors(), printer.identify()].map(codeOf);
  await waitFor('the first request', () => sim.stats().requests > before);
  // That no second request follows is what is under test: a named window, begun once the first is seen.
  await assertStaysTrue(() => sim.stats().requests === before + 1, 150, 'one request on the wire');
  t.is(sim.stats().requests, before + 1);
  await printer.close();
  t.deepEqual(await Promise.all(waiting), ['PIP_CLOSED', 'PIP_CLOSED', 'PIP_CLOSED']);
});

test('a printer that stops answering times the call out; the client recovers when it answers again', async (t) => {
  const sim = await startSim(t);
  const logs = captureLogs();
  const printer = client(t, sim, { timeoutMs: 1_500, logger: logs.logger });
  await eventually(() => printer.status());
  sim.stopAnswering();
  const error = await printer.sensors().catch((caught: unknown) => caught);
  t.true(error instanceof PipError);
  t.like(error, { code: 'PIP_TIMEOUT', context: { op: 'sensors', timeoutMs: 1_500 } });
  t.true(logs.lines.some((line) => line.code === 'PIP_TIMEOUT' && line.msg === 'printer connection ended'));
  sim.resumeAnswering();
  const { result } = await eventually(() => printer.sensors());
  t.is(typeof result.VatTemperature, 'number');
  t.true(printer.connection().connectionsOpened >= 2, 'the silent connection was replaced');
});

test('the client reconnects with backoff after the printer goes down and comes back', async (t) => {
  const sim = await startSim(t);
  const printer = client(t, sim, { timeoutMs: 1_000 });
  await eventually(() => printer.identify());
  await sim.down();
  await waitFor('the client to notice', () => printer.connection().state !== 'connected');
  const whileDown = await codeOf(printer.status());
  t.true(['PIP_CONNECT_FAILED', 'PIP_CONNECTION_LOST', 'PIP_UNAVAILABLE', 'PIP_TIMEOUT'].includes(whileDown), whileDown);
  await waitFor('a few failed attempts', () => printer.connection().failures >= 3);
  await sim.up();
  const { result } = await eventually(() => printer.identify());
  t.is(result.family, 'projet-6k');
  t.is(printer.connection().state, 'connected');
  t.is(printer.connection().failures, 0, 'a reply resets the backoff');
  t.true(sim.stats().connectionsAccepted >= 2);
});

test('while a reconnect is far off, calls fail at once with PIP_UNAVAILABLE', async (t) => {
  const sim = await startSim(t);
  // A call timeout far beyond the bound below, so "at once" is told from "at the timeout" even on a loaded machine.
  const printer = client(t, sim, { timeoutMs: 30_000, backoff: { minMs: 60_000, maxMs: 60_000 } });
  await printer.identify();
  sim.closeConnections();
  await waitFor('backoff', () => printer.connection().state === 'backoff');
  const started = Date.now();
  const error = await printer.status().catch((caught: unknown) => caught);
  t.like(error, { code: 'PIP_UNAVAILABLE' });
  t.true(error instanceof PipError && (error.context.retryInMs ?? 0) > 5_000);
  t.true(Date.now() - started < 10_000, 'refused without waiting for the timeout');
});

const GARBAGE: Array<[PipGarbageKind, PipErrorCode]> = [
  ['not-json', 'PIP_BAD_JSON'],
  ['wrong-id', 'PIP_WRONG_ID'],
  ['bad-result', 'PIP_BAD_RESULT'],
  ['oversized', 'PIP_LINE_TOO_LONG'],
];

for (const [kind, code] of GARBAGE) {
  test(`a ${kind} reply ends only that connection, with a logged reason`, async (t) => {
    const sim = await startSim(t);
    const logs = captureLogs();
    const victim = client(t, sim, { logger: logs.logger, name: 'p01' });
    const bystander = client(t, sim);
    await Promise.all([victim.identify(), bystander.identify()]);
    t.is(sim.stats().connectionsOpen, 2);
    sim.answerGarbage(kind);
    const error = await victim.status().catch((caught: unknown) => caught);
    t.true(error instanceof PipError);
    t.like(error, { code });
    const logged = logs.lines.find((line) => line.msg === 'printer connection ended');
    t.truthy(logged, 'the reason was logged');
    t.like(logged, { code, printer: 'p01', level: 40 });
    t.regex(String(logged?.connection), /^p01 127\.0\.0\.1:\d+#1$/);
    // the other connection never noticed
    t.is((await bystander.sensors()).RecoaterState, 'ok');
    t.is(bystander.connection().connectionsOpened, 1);
    t.is(bystander.connection().state, 'connected');
    // and the victim comes back on a new connection
    await eventually(() => victim.status());
    t.is(victim.connection().connectionsOpened, 2);
  });
}

test('an error reply fails that call only and keeps the connection', async (t) => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const { id, op } = JSON.parse(line) as { id: number; op: string };
        const reply =
          op === 'sensors'
            ? { v: 1, id, ok: false, error: { code: 'SENSOR_BUS_DOWN', message: 'i2c timeout' } }
            : { v: 1, id, ok: true, result: { state: 'idle' } };
        socket.write(`${JSON.stringify(reply)}\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const printer = createPrinterClient({
    host: '127.0.0.1',
    port,
    timeoutMs: 5_000,
    backoff: { minMs: 20, maxMs: 200 },
    logger: silentLogger(),
  });
  t.teardown(() => printer.close());
  const error = await printer.sensors().catch((caught: unknown) => caught);
  t.like(error, { code: 'PIP_REMOTE_ERROR', context: { remoteCode: 'SENSOR_BUS_DOWN', op: 'sensors' } });
  t.deepEqual(await printer.status(), { state: 'idle' });
  t.is(printer.connection().connectionsOpened, 1);
});

test('close fails waiting calls, stops reconnecting and refuses new calls', async (t) => {
  const sim = await startSim(t);
  const printer = client(t, sim);
  await printer.identify();
  sim.stopAnswering();
  const pending = [printer.status(), printer.sensors()];
  await printer.close();
  t.deepEqual(await Promise.all(pending.map(codeOf)), ['PIP_CLOSED', 'PIP_CLOSED']);
  t.is(await codeOf(printer.consumables()), 'PIP_CLOSED');
  t.is(printer.connection().state, 'closed');
  await waitFor('the simulator to see the close', () => sim.stats().connectionsOpen === 0);
  const accepted = sim.stats().connectionsAccepted;
  // That no reconnect comes is what is under test: a named window longer than the longest backoff (200 ms).
  await assertStaysTrue(() => sim.stats().connectionsAccepted === accepted, 300, 'no reconnect after close');
  t.is(sim.stats().connectionsAccepted, accepted, 'no reconnect after close');
});

test('over TLS the client validates the printer certificate', async (t) => {
  const pki = createTestPki();
  t.teardown(() => pki.cleanup());
  const sim = await startSim(t, { tls: { cert: pki.serverCert, key: pki.serverKey } });
  const trusted = client(t, sim, { tls: { ca: pki.caCert } });
  t.is((await trusted.identify()).family, 'projet-6k');
  const logs = captureLogs();
  const untrusting = client(t, sim, { tls: { ca: pki.otherCaCert }, timeoutMs: 1_000, logger: logs.logger });
  const code = await codeOf(untrusting.identify());
  t.true(['PIP_CONNECT_FAILED', 'PIP_UNAVAILABLE', 'PIP_TIMEOUT'].includes(code), code);
  await waitFor('a logged handshake failure', () => logs.lines.some((line) => line.msg === 'printer connection failed'));
  t.like(
    logs.lines.find((line) => line.msg === 'printer connection failed'),
    { code: 'PIP_CONNECT_FAILED' },
  );
});

test('a reply nobody asked for ends the connection', async (t) => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.write('{"v":1,"id":1,"ok":true,"result":{"state":"idle"}}\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const logs = captureLogs();
  const printer = createPrinterClient({ host: '127.0.0.1', port, backoff: { minMs: 50, maxMs: 200 }, logger: logs.logger });
  t.teardown(() => printer.close());
  await waitFor('the unsolicited reply to be noticed', () => logs.lines.some((line) => line.code === 'PIP_UNSOLICITED_REPLY'));
  t.like(
    logs.lines.find((line) => line.code === 'PIP_UNSOLICITED_REPLY'),
    { msg: 'printer connection ended', id: 1 },
  );
});
