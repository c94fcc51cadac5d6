import { type Server, createServer } from 'node:net';
import test from 'ava';
import { silentLogger } from '../../config/logging.js';
import type { BeatsBatch } from '../../protocols/lumberjack/batch.js';
import { type BeatsClient, type BeatsClientOptions, createBeatsClient } from '../../sim/clients/lumberjack-client.js';
import { LumberjackDecoder, drainWindows } from '../../protocols/lumberjack/decoder.js';
import { LumberjackError } from '../../protocols/lumberjack/errors.js';
import { encodeAck } from '../../protocols/lumberjack/ack-writer.js';
import { createBeatsServer } from '../../protocols/lumberjack/server.js';
import { capturedLogger, eventually, filebeatEvents } from './support.js';
import { DEFAULT_LUMBERJACK_LIMITS } from '../../config/defaults.js';

type Teardown = { teardown(fn: () => Promise<void> | void): void };

async function beatsServer(t: Teardown, onWindow: (batch: BeatsBatch) => void, port = 0) {
  const server = createBeatsServer({ host: '127.0.0.1', port, logger: silentLogger(), onWindow });
  const address = await server.listen();
  t.teardown(() => server.close());
  return { server, port: address.port };
}

function client(t: Teardown, port: number, options: Partial<BeatsClientOptions> = {}): BeatsClient {
  const beats = createBeatsClient({
    host: '127.0.0.1',
    port,
    windowSize: 100,
    compressionLevel: 3,
    pipelining: 2,
    timeoutMs: 10_000,
    backoff: { minMs: 20, maxMs: 200 },
    logger: silentLogger(),
    ...options,
  });
  t.teardown(() => beats.close());
  return beats;
}

const seqsOf = (batches: readonly BeatsBatch[]) => batches.flatMap((b) => b.events.map((e) => (e as { seq: number }).seq));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A bare TCP server standing in for a broken Lumberjack server. */
async function rawServer(t: Teardown, onData: (socket: import('node:net').Socket, chunk: Buffer) => void) {
  const sockets = new Set<import('node:net').Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => onData(socket, chunk));
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, connections: () => connections };
}

test('windows of N, pipelined and compressed, arrive in order and resolve when acknowledged', async (t) => {
  const batches: BeatsBatch[] = [];
  let outstanding = 0;
  let mostOutstanding = 0;
  const { port } = await beatsServer(t, (batch) => {
    batches.push(batch);
    outstanding += 1;
    mostOutstanding = Math.max(mostOutstanding, outstanding);
    // Acknowledge a little later, so windows pile up to the pipelining limit.
    setTimeout(() => {
      outstanding -= 1;
      batch.handle.ack();
    }, 5);
  });
  const beats = client(t, port, { windowSize: 250, pipelining: 2 });
  await beats.publish(filebeatEvents(2000));
  t.deepEqual(seqsOf(batches), range(2000));
  t.true(batches.every((b) => b.windowSize === 250));
  t.is(mostOutstanding, 2);
  t.like(beats.counters(), { sent: 2000, acked: 2000, resent: 0, reconnects: 0, timeouts: 0 });
});

test('at-least-once: the server drops the connection before acknowledging; the client re-sends, nothing is lost', async (t) => {
  const batches: BeatsBatch[] = [];
  const { port } = await beatsServer(t, (batch) => {
    batches.push(batch);
    // The first connection dies with its windows unacknowledged.
    if (batch.connectionId === 'lj-1') batch.handle.reject('test: drop before ACK');
    else batch.handle.ack();
  });
  const beats = client(t, port);
  await beats.publish(filebeatEvents(500));
  const delivered = new Set(seqsOf(batches.filter((b) => b.connectionId !== 'lj-1')));
  t.deepEqual(
    [...delivered].sort((a, b) => a - b),
    range(500),
  );
  const counters = beats.counters();
  t.true(counters.reconnects >= 1);
  t.true(counters.resent >= 100, `resent ${counters.resent}`);
  t.is(counters.acked, 500);
});

test('at-least-once across a server restart: windows held when it stops are re-sent to the next one', async (t) => {
  const first = await beatsServer(t, () => {}); // holds everything
  const beats = client(t, first.port);
  const published = beats.publish(filebeatEvents(300));
  await eventually(() => first.server.connections()[0]?.windowsReceived === 2, 10_000, 'two windows held');
  await first.server.close();
  const batches: BeatsBatch[] = [];
  // The port is free again; start the replacement on it.
  await beatsServer(
    t,
    (batch) => {
      batches.push(batch);
      batch.handle.ack();
    },
    first.port,
  );
  await published;
  t.deepEqual(seqsOf(batches), range(300));
  t.true(beats.counters().resent >= 200);
});

test('partial ACKs count: only the unacknowledged rest of a window is re-sent', async (t) => {
  const batches: BeatsBatch[] = [];
  const { port } = await beatsServer(t, (batch) => {
    batches.push(batch);
    if (batches.length === 1) {
      batch.handle.ack(3);
      batch.handle.reject('test: drop after a partial ACK');
    } else {
      batch.handle.ack();
    }
  });
  const beats = client(t, port, { windowSize: 5, pipelining: 1 });
  await beats.publish(filebeatEvents(5));
  t.deepEqual(
    batches.map((b) => seqsOf([b])),
    [range(5), [3, 4]],
  );
  t.like(beats.counters(), { sent: 5, acked: 5, resent: 2, reconnects: 1 });
});

test('publishJson: events already serialized arrive as the same events, in windows, with partial ACKs honoured', async (t) => {
  const batches: BeatsBatch[] = [];
  const { port } = await beatsServer(t, (batch) => {
    batches.push(batch);
    if (batches.length === 1) {
      batch.handle.ack(2);
      batch.handle.reject('test: drop after a partial ACK');
    } else {
      batch.handle.ack();
    }
  });
  const events = filebeatEvents(7).map((event, i) => ({ ...event, message: `${String(event.message)} "quoted" é ${i}` }));
  const beats = client(t, port, { windowSize: 4, pipelining: 1, compressionLevel: 0 });
  await beats.publishJson(events.map((event) => JSON.stringify(event)));
  t.deepEqual(
    batches.map((b) => seqsOf([b])),
    [range(4), [2, 3], [4, 5, 6]],
  );
  t.deepEqual(
    batches.slice(1).flatMap((b) => b.events),
    events.slice(2),
  );
  t.like(beats.counters(), { sent: 7, acked: 7, resent: 2, reconnects: 1 });
});

test('no ACK within timeoutMs: the client drops the connection and re-sends on a new one', async (t) => {
  const decoder = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS);
  let windowsSeen = 0;
  const silent = await rawServer(t, (socket, chunk) => {
    // The first connection never answers; the second acknowledges properly.
    if (silent.connections() === 1) return;
    decoder.push(chunk);
    for (const window of drainWindows(decoder)) {
      windowsSeen += 1;
      socket.write(encodeAck(window.events.length));
    }
  });
  const beats = client(t, silent.port, { timeoutMs: 400 });
  await beats.publish(filebeatEvents(10));
  t.is(windowsSeen, 1);
  t.like(beats.counters(), { timeouts: 1, reconnects: 1, resent: 10, acked: 10 });
});

test('an ACK beyond the window is a protocol error: drop and re-send', async (t) => {
  const silent = await rawServer(t, (socket) => {
    socket.write(encodeAck(silent.connections() === 1 ? 99 : 10));
  });
  const beats = client(t, silent.port);
  await beats.publish(filebeatEvents(10));
  t.like(beats.counters(), { reconnects: 1, resent: 10, acked: 10 });
});

test('close() rejects what is not acknowledged; publish after close and unserializable events are refused', async (t) => {
  const { port } = await beatsServer(t, () => {});
  const beats = client(t, port);
  const pending = beats.publish(filebeatEvents(10));
  const bigint = beats.publish([{ n: 1n }]);
  await t.throwsAsync(bigint, { instanceOf: LumberjackError, message: /cannot be serialized/ });
  await eventually(() => beats.counters().sent === 10, 10_000, 'ten events sent');
  await beats.close();
  const error = await t.throwsAsync(pending, { instanceOf: LumberjackError });
  t.is(error?.code, 'LJ_ERR_CLIENT_CLOSED');
  t.is((await t.throwsAsync(beats.publish([{}]), { instanceOf: LumberjackError }))?.code, 'LJ_ERR_CLIENT_CLOSED');
});

test('a server that is not there yet: the client keeps retrying with backoff until it is', async (t) => {
  const placeholder = await beatsServer(t, () => {});
  const port = placeholder.port;
  await placeholder.server.close();
  const { logger, lines } = capturedLogger();
  const beats = client(t, port, { backoff: { minMs: 50, maxMs: 100 }, logger });
  const published = beats.publish(filebeatEvents(3));
  // The server's absence is what is under test: wait for several refused connects, not for a guess at their time.
  const refused = () => lines().filter((line) => line.code === 'LJ_ERR_CONNECTION_LOST' && line.errno === 'ECONNREFUSED').length;
  await eventually(() => refused() >= 3, 10_000, 'three refused connects');
  const batches: BeatsBatch[] = [];
  await beatsServer(
    t,
    (batch) => {
      batches.push(batch);
      batch.handle.ack();
    },
    port,
  );
  await published;
  t.deepEqual(seqsOf(batches), range(3));
  t.is(beats.counters().sent, 3);
});
