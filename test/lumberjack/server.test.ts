import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import test from 'ava';
import { silentLogger } from '../../config/logging.js';
import type { BeatsBatch, BeatsWindowHandle } from '../../protocols/lumberjack/batch.js';
import { LumberjackError } from '../../protocols/lumberjack/errors.js';
import { encodeWindow } from '../../sim/clients/frame-writer.js';
import { encodeAck } from '../../protocols/lumberjack/ack-writer.js';
import type { LumberjackLimits } from '../../protocols/lumberjack/limits.js';
import { type BeatsServer, createBeatsServer } from '../../protocols/lumberjack/server.js';
import { assertStaysTrue } from '../support/observe.js';
import { CAPTURES, capturedLogger, eventually, filebeatEvents, randomSplit, rawPeer, seededRandom, writePieces } from './support.js';

interface Harness {
  server: BeatsServer;
  port: number;
  batches: BeatsBatch[];
}

async function startServer(
  t: { teardown(fn: () => Promise<void>): void },
  onWindow: (batch: BeatsBatch) => void = (batch) => batch.handle.ack(),
  limits: Partial<LumberjackLimits> = {},
  logger = silentLogger(),
): Promise<Harness> {
  const batches: BeatsBatch[] = [];
  const server = createBeatsServer({
    host: '127.0.0.1',
    port: 0,
    limits,
    logger,
    onWindow: (batch) => {
      batches.push(batch);
      onWindow(batch);
    },
  });
  const { port } = await server.listen();
  t.teardown(() => server.close());
  return { server, port, batches };
}

for (const capture of CAPTURES) {
  test(`${capture.file} replayed: its events and exactly the ACK bytes ${capture.windows.join(', ')}`, async (t) => {
    const { port, batches } = await startServer(t);
    const random = seededRandom(capture.bytes.length);
    const deliveries: Buffer[][] = [
      [capture.bytes],
      capture.bytes.length < 1000 ? [...capture.bytes].map((b) => Buffer.from([b])) : randomSplit(capture.bytes, random, 400),
      randomSplit(capture.bytes, random, 32),
    ];
    for (const pieces of deliveries) {
      batches.length = 0;
      const peer = await rawPeer(port);
      await writePieces(peer.socket, pieces);
      const received = await peer.receivedAtLeast(capture.acks.length);
      t.deepEqual(received, capture.acks);
      const seqs = batches.flatMap((b) => b.events.map((e) => (e as { seq: number }).seq));
      t.deepEqual(
        seqs,
        Array.from({ length: capture.events }, (_, i) => i),
      );
      t.deepEqual(
        batches.map((b) => b.windowSize),
        capture.windows,
      );
      peer.socket.end();
      t.deepEqual(await peer.closed, { fin: true });
    }
  });
}

test('pipelined windows acknowledged out of order still leave in window order', async (t) => {
  const { port, batches } = await startServer(t, () => {});
  const peer = await rawPeer(port);
  peer.socket.write(CAPTURES[1]!.bytes); // windows of 5, 5, 2
  await eventually(() => batches.length === 3, 10_000, 'three windows');
  const [first, second, third] = batches as [BeatsBatch, BeatsBatch, BeatsBatch];
  third.handle.ack();
  second.handle.ack();
  first.handle.ack(2);
  await peer.receivedAtLeast(6);
  first.handle.ack();
  const received = await peer.receivedAtLeast(24);
  t.deepEqual(received, Buffer.concat([encodeAck(2), encodeAck(5), encodeAck(5), encodeAck(2)]));
  t.notThrows(() => first.handle.ack(6)); // a released window ignores further acknowledgements
});

test('an acknowledgement beyond the window is the application’s error, not the connection’s', async (t) => {
  const { port, batches, server } = await startServer(t, () => {});
  const peer = await rawPeer(port);
  peer.socket.write(CAPTURES[0]!.bytes);
  await eventually(() => batches.length === 3, 10_000, 'three windows');
  const error = t.throws(() => batches[0]!.handle.ack(6), { instanceOf: LumberjackError });
  t.is(error?.code, 'LJ_ERR_ACK_OUT_OF_RANGE');
  batches[0]!.handle.ack();
  t.deepEqual(await peer.receivedAtLeast(6), encodeAck(5));
  t.is(server.connections().length, 1);
});

test('a bad stream closes its own connection gracefully, logged once; the others carry on', async (t) => {
  const { logger, lines } = capturedLogger();
  const { port, server } = await startServer(t, (batch) => batch.handle.ack(), {}, logger);
  const good = await rawPeer(port);
  const bad = await rawPeer(port);
  await eventually(() => server.connections().length === 2, 10_000, 'two connections');
  bad.socket.write(Buffer.concat([CAPTURES[0]!.bytes.subarray(0, 6), Buffer.from('2Qgarbage')]));
  good.socket.write(CAPTURES[0]!.bytes);
  t.deepEqual(await bad.closed, { fin: true }); // FIN, not a reset
  t.deepEqual(await good.receivedAtLeast(18), CAPTURES[0]!.acks);
  const complaints = lines().filter((l) => typeof l.code === 'string' && l.code !== 'LJ_ERR_SERVER_CLOSING' && l.level !== 20);
  t.is(complaints.length, 1);
  t.like(complaints[0], { code: 'LJ_ERR_BAD_FRAME_TYPE', frameType: '51', remoteAddress: '127.0.0.1', level: 40 });
  t.regex(String(complaints[0]?.connectionId), /^lj-\d+$/);
  await eventually(() => server.connections().length === 1, 10_000, 'the bad connection gone');
  good.socket.write(CAPTURES[1]!.bytes);
  t.deepEqual(await good.receivedAtLeast(36), Buffer.concat([CAPTURES[0]!.acks, CAPTURES[1]!.acks]));
});

test('a window that waits gets keep-alives, and past the stall limit a graceful close', async (t) => {
  const { logger, lines } = capturedLogger();
  const { port } = await startServer(t, () => {}, { keepAliveMs: 200, stallTimeoutMs: 1200 }, logger);
  const peer = await rawPeer(port);
  peer.socket.write(CAPTURES[0]!.bytes);
  const ended = await peer.closed;
  t.deepEqual(ended, { fin: true });
  const received = peer.received();
  t.true(received.length >= 12, `${received.length} bytes of keep-alive`);
  t.deepEqual(received, Buffer.concat(Array<Buffer>(received.length / 6).fill(encodeAck(0))));
  t.like(
    lines().find((l) => l.code === 'LJ_ERR_STALLED'),
    { limit: 'stallTimeoutMs', windowsPending: 3 },
  );
});

test('keep-alives carry the window’s progress after a partial ACK', async (t) => {
  const { port, batches } = await startServer(t, () => {}, { keepAliveMs: 200 });
  const peer = await rawPeer(port);
  peer.socket.write(CAPTURES[0]!.bytes);
  await eventually(() => batches.length === 3, 10_000, 'three windows');
  batches[0]!.handle.ack(3);
  const received = await peer.receivedAtLeast(18);
  t.deepEqual(received.subarray(0, 18), Buffer.concat([encodeAck(3), encodeAck(3), encodeAck(3)]));
});

test('rejecting a window closes the connection gracefully without an ACK', async (t) => {
  const { port } = await startServer(t, (batch) => batch.handle.reject('uplink gone'));
  const peer = await rawPeer(port);
  peer.socket.write(CAPTURES[0]!.bytes);
  t.deepEqual(await peer.closed, { fin: true });
  t.is(peer.received().length, 0);
});

test('a throwing window handler closes that connection, logged as an error', async (t) => {
  const { logger, lines } = capturedLogger();
  const { port } = await startServer(
    t,
    () => {
      throw new Error('boom');
    },
    {},
    logger,
  );
  const peer = await rawPeer(port);
  peer.socket.write(CAPTURES[0]!.bytes);
  t.deepEqual(await peer.closed, { fin: true });
  t.like(
    lines().find((l) => l.code === 'LJ_ERR_HANDLER_FAILED'),
    { level: 50 },
  );
});

test('a connection silent for less than its idle timeout stays open', async (t) => {
  const { port, server } = await startServer(t);
  const peer = await rawPeer(port);
  await eventually(() => server.connections().length === 1, 10_000, 'the connection accepted');
  // The silence is the input under test: a named window, well short of the 10 s unidentified idle timeout.
  await assertStaysTrue(() => server.connections().length === 1, 1500, 'the silent connection staying open');
  peer.socket.write(CAPTURES[0]!.bytes);
  t.deepEqual(await peer.receivedAtLeast(18), CAPTURES[0]!.acks);
});

test('while the application is busy nothing more is read, and TCP holds the rest at the sender', async (t) => {
  const { port, batches, server } = await startServer(t, (batch) => {
    if (batches.length === 1) batch.handle.pause();
    batch.handle.ack();
  });
  const peer = await rawPeer(port);
  // 64 windows of 512 KiB: far more than the loopback socket buffers hold.
  const window = encodeWindow(
    filebeatEvents(1).map((e) => ({ ...e, message: 'x'.repeat(512 * 1024) })),
    {
      compressionLevel: 0,
    },
  );
  for (let i = 0; i < 64; i++) peer.socket.write(window);
  await eventually(() => batches.length === 1, 10_000, 'the first window');
  await eventually(() => peer.socket.writableLength > 4 * 1024 * 1024, 10_000, 'data held at the sender');
  const [info] = server.connections();
  t.like(info, { busy: true, reading: false, windowsReceived: 1 });
  // Nothing more may arrive while busy: a named window, after the positive signs above (reading paused, data held).
  await assertStaysTrue(() => batches.length === 1, 200, 'no second window while busy');
  t.true(server.setBusy(info!.id, false));
  await eventually(() => batches.length === 64, 20_000, 'all windows after resuming');
  t.is(peer.socket.writableLength, 0);
});

test('bytes in flight: reading stops at maxBytesInFlight until ACKs release it', async (t) => {
  let autoAck = false;
  const { port, batches, server } = await startServer(
    t,
    (batch) => {
      if (autoAck) batch.handle.ack();
    },
    { maxBytesInFlight: 64 * 1024 },
  );
  const peer = await rawPeer(port);
  const window = encodeWindow(filebeatEvents(20), { compressionLevel: 3 });
  const decoded = JSON.stringify(filebeatEvents(20)).length; // about 5.6 KiB
  for (let i = 0; i < 40; i++) peer.socket.write(window);
  await eventually(() => server.connections()[0]?.reading === false, 10_000, 'reading paused');
  const held = batches.length;
  t.true(held * decoded >= 60 * 1024 && held * decoded < 64 * 1024 + 2 * decoded, `${held} windows held`);
  // Nothing more may arrive at the limit: a named window, after the positive sign that reading paused.
  await assertStaysTrue(() => batches.length === held, 200, 'no window past maxBytesInFlight');
  for (const batch of batches.slice(0, 4)) batch.handle.ack();
  await eventually(() => batches.length > held, 10_000, 'more windows after ACKs');
  t.true(batches.length <= held + 5);
  autoAck = true;
  for (const batch of [...batches]) batch.handle.ack();
  const acks = await peer.receivedAtLeast(40 * 6);
  t.is(batches.length, 40);
  t.deepEqual(acks, Buffer.concat(Array<Buffer>(40).fill(encodeAck(20))));
});

test('a single window larger than maxBytesInFlight is refused', async (t) => {
  const { port } = await startServer(t, (batch) => batch.handle.ack(), { maxBytesInFlight: 1024 });
  const peer = await rawPeer(port);
  peer.socket.write(encodeWindow(filebeatEvents(20), { compressionLevel: 0 }));
  t.deepEqual(await peer.closed, { fin: true });
  t.is(peer.received().length, 0);
});

test('connections() shows each connection and its counters; close() ends them', async (t) => {
  const { port, server } = await startServer(t, (batch) => batch.handle.ack(2));
  const peer = await rawPeer(port);
  peer.socket.write(CAPTURES[0]!.bytes);
  await peer.receivedAtLeast(6);
  await eventually(() => server.connections()[0]?.windowsReceived === 3, 10_000, 'three windows');
  const [info] = server.connections();
  t.like(info, {
    peer: { remoteAddress: '127.0.0.1', remotePort: peer.socket.localPort },
    windowsReceived: 3,
    eventsReceived: 12,
    eventsAcked: 2,
    windowsPending: 3,
    busy: false,
  });
  t.false(server.setBusy('lj-none', true));
  await server.close();
  t.deepEqual(await peer.closed, { fin: true });
});

test('a held ack does not keep the window’s documents alive: they can be collected before the ACK', async (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let handle: BeatsWindowHandle | undefined;
  let firstEvent: WeakRef<object> | undefined;
  // Not the harness: it keeps every batch. This keeps what the collector keeps until delivery, the window's handle.
  const server = createBeatsServer({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger(),
    onWindow: (batch) => {
      handle = batch.handle;
      firstEvent = new WeakRef(batch.events[0] as object);
    },
  });
  const { port } = await server.listen();
  t.teardown(() => server.close());
  const peer = await rawPeer(port);
  peer.socket.write(encodeWindow(filebeatEvents(20), { compressionLevel: 3 }));
  await eventually(() => handle !== undefined, 10_000, 'the window');
  // A WeakRef's target lives until the current job ends: collect first, then look, on each later turn.
  await eventually(
    () => {
      gc();
      return firstEvent?.deref() === undefined;
    },
    10_000,
    'the parsed document collected while its ACK is still pending',
  );
  t.is(firstEvent?.deref(), undefined);
  handle?.ack();
  t.deepEqual(await peer.receivedAtLeast(6), encodeAck(20));
});
