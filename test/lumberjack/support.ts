/** Shared by the Lumberjack tests: the go-lumber captures, raw sockets, captured logs, a seeded PRNG. */
import { readFileSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../config/logging.js';
import { encodeAck } from '../../protocols/lumberjack/ack-writer.js';
import { until as untilCondition } from '../support/until.js';

const FIXTURES = new URL('../fixtures/beats/', import.meta.url);

export interface Capture {
  file: string;
  bytes: Buffer;
  /** Window sizes, in order (fixtures README). */
  windows: number[];
  /** The ACK bytes a server must send, in order (fixtures README). */
  acks: Buffer;
  events: number;
}

function capture(file: string, windows: number[]): Capture {
  return {
    file,
    bytes: readFileSync(new URL(file, FIXTURES)),
    windows,
    acks: Buffer.concat(windows.map((count) => encodeAck(count))),
    events: windows.reduce((a, b) => a + b, 0),
  };
}

export const CAPTURES: readonly Capture[] = [
  capture('golumber-sync-z3-w5.bin', [5, 5, 2]),
  capture('golumber-sync-plain-w5.bin', [5, 5, 2]),
  capture('golumber-async-p2-z3-w100.bin', [100, 100, 100]),
];

export function readNdjson(file: string): unknown[] {
  return readFileSync(new URL(file, FIXTURES), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

export { seededRandom } from '../../sim/seeded-random.js';

/** `bytes` cut at random points into 1..maxPieces pieces. */
export function randomSplit(bytes: Buffer, random: () => number, maxPieces = 16): Buffer[] {
  const cuts = new Set<number>();
  const pieces = 1 + Math.floor(random() * maxPieces);
  for (let i = 1; i < pieces; i++) cuts.add(Math.floor(random() * bytes.length));
  const sorted = [...cuts].filter((c) => c > 0).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const cut of sorted) {
    out.push(bytes.subarray(start, cut));
    start = cut;
  }
  out.push(bytes.subarray(start));
  return out;
}

/** A logger whose JSON lines the test can read. */
export function capturedLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination: stream }), lines: () => [...lines] };
}

/** A plain TCP peer that records what the server sends and how the connection ended. */
export interface RawPeer {
  socket: Socket;
  received: () => Buffer;
  /** Resolves once `bytes` bytes have arrived (or the connection ended first). */
  receivedAtLeast(bytes: number): Promise<Buffer>;
  /** Resolves when the socket closes: ended by FIN ('end' seen) or by an error such as a reset. */
  closed: Promise<{ fin: boolean; error?: string }>;
}

export async function rawPeer(port: number): Promise<RawPeer> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const chunks: Buffer[] = [];
  const waiters: { bytes: number; resolve: (b: Buffer) => void }[] = [];
  let fin = false;
  let error: string | undefined;
  const settle = (force: boolean) => {
    const all = Buffer.concat(chunks);
    for (const waiter of [...waiters]) {
      if (force || all.length >= waiter.bytes) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(all);
      }
    }
  };
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    settle(false);
  });
  socket.on('end', () => {
    fin = true;
  });
  const closed = new Promise<{ fin: boolean; error?: string }>((resolve) => {
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => {
      settle(true);
      resolve(error === undefined ? { fin } : { fin, error });
    });
  });
  return {
    socket,
    received: () => Buffer.concat(chunks),
    receivedAtLeast: (bytes) =>
      new Promise((resolve) => {
        waiters.push({ bytes, resolve });
        settle(socket.destroyed);
      }),
    closed,
  };
}

/** Writes pieces one by one, each waiting for the previous to be flushed, so the server sees them apart. */
export async function writePieces(socket: Socket, pieces: readonly Buffer[]): Promise<void> {
  for (const piece of pieces) {
    await new Promise<void>((resolve, reject) => socket.write(piece, (e) => (e ? reject(e) : resolve())));
  }
}

/** Polls `condition` until it holds; rejects after `timeoutMs` (generous: the machine may be loaded). */
export const eventually = (condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> =>
  untilCondition(condition, { timeoutMs, what });

/** Filebeat-shaped documents numbered from `first`. */
export function filebeatEvents(count: number, first = 0): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    '@timestamp': new Date(Date.UTC(2026, 10, 27, 10, 15, 0, i)).toISOString(),
    '@metadata': { beat: 'filebeat', type: '_doc', version: '8.15.0' },
    host: { name: 'printer-01' },
    log: { file: { path: '/var/log/printer.log' }, offset: (first + i) * 64 },
    message: `2026-11-27T10:15:02.123Z THERMAL VatTemp=30.1C Setpoint=30.0C n=${first + i}`,
    seq: first + i,
  }));
}
