import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import test from 'ava';
import { silentLogger } from '../../config/logging.js';
import { LumberjackDecoder, drainWindows } from '../../protocols/lumberjack/decoder.js';
import { LumberjackError } from '../../protocols/lumberjack/errors.js';
import { encodeKeyValueWindow, encodeWindow } from '../../sim/clients/frame-writer.js';
import { createBeatsServer } from '../../protocols/lumberjack/server.js';
import { CAPTURES, eventually, filebeatEvents, randomSplit, rawPeer, seededRandom } from './support.js';
import { DEFAULT_LUMBERJACK_LIMITS } from '../../config/defaults.js';

const PARSER_STREAMS = 100_000;
const SOCKET_STREAMS = 300;
const MiB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const [syncCompressed, syncPlain, asyncCompressed] = CAPTURES.map((c) => c.bytes) as [Buffer, Buffer, Buffer];
/** Mutation seeds, weighted towards small ones: a mutated 300-event capture costs a full inflate. */
const SEEDS: readonly Buffer[] = [
  syncCompressed,
  syncCompressed,
  asyncCompressed,
  encodeWindow(filebeatEvents(2), { compressionLevel: 3 }),
  encodeKeyValueWindow([{ line: 'c' }], { compressionLevel: 5 }),
  ...Array<Buffer>(4).fill(syncPlain),
  ...Array<Buffer>(4).fill(encodeWindow(filebeatEvents(3), { compressionLevel: 0 })),
  ...Array<Buffer>(3).fill(encodeKeyValueWindow([{ line: 'a', file: '/x' }, { line: 'b' }], { compressionLevel: 0 })),
];
const FRAME_TYPES = Buffer.from('WJDCA');

/** A stream derived from the seeds by one of several mutations, or made up. */
function mutatedStream(random: () => number): Buffer {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const byte = () => Math.floor(random() * 256);
  const seed = pick(SEEDS);
  switch (Math.floor(random() * 6)) {
    case 0: {
      const copy = Buffer.from(seed);
      for (let i = 1 + Math.floor(random() * 8); i > 0; i--) copy[Math.floor(random() * copy.length)] = byte();
      return copy;
    }
    case 1:
      return seed.subarray(0, Math.floor(random() * seed.length));
    case 2: {
      const other = pick(SEEDS);
      return Buffer.concat([seed.subarray(0, Math.floor(random() * seed.length)), other.subarray(Math.floor(random() * other.length))]);
    }
    case 3:
      return Buffer.from(Array.from({ length: Math.floor(random() * 256) }, byte));
    case 4: {
      // Plausible headers with implausible numbers: the limits' territory.
      const parts: Buffer[] = [];
      for (let frames = 1 + Math.floor(random() * 6); frames > 0; frames--) {
        const header = Buffer.alloc(10);
        header[0] = random() < 0.9 ? pick([0x31, 0x32]) : byte();
        header[1] = random() < 0.9 ? pick([...FRAME_TYPES]) : byte();
        header.writeUInt32BE(random() < 0.5 ? Math.floor(random() * 8) : Math.floor(random() * 0xffff_ffff), 2);
        header.writeUInt32BE(random() < 0.5 ? Math.floor(random() * 64) : Math.floor(random() * 0xffff_ffff), 6);
        parts.push(header, Buffer.from(Array.from({ length: Math.floor(random() * 64) }, byte)));
      }
      return Buffer.concat(parts);
    }
    default: {
      const at = Math.floor(random() * seed.length);
      const insert = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 16) }, byte));
      return Buffer.concat([seed.subarray(0, at), insert, seed.subarray(at)]);
    }
  }
}

const memory = () => {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

/** Heap and buffers in use once garbage is gone; zlib's native handles need a few rounds to let go. */
async function settledMemory(): Promise<number> {
  for (let round = 0; round < 6; round++) {
    collectGarbage();
    // Not a wait for a condition: a few turns with timers for native finalizers, before a measurement.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return memory();
}

const FUZZ_EVENT_FIELDS = { '@timestamp': true, message: true, log: { file: { path: true }, offset: true } } as const;

test.serial(`${PARSER_STREAMS} mutated, truncated and random streams through the parser: only coded errors, memory bounded`, async (t) => {
  const random = seededRandom(0x3d_c0_ee);
  const outcomes = new Map<string, number>();
  const unexpected: string[] = [];
  const baseline = await settledMemory();
  let mostRetained = 0;
  const began = performance.now();
  for (let stream = 1; stream <= PARSER_STREAMS; stream++) {
    // Half the streams build whole documents, half only selected fields (as the adapter's listener does).
    const decoder = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS, stream % 2 === 0 ? FUZZ_EVENT_FIELDS : undefined);
    let outcome = 'incomplete';
    try {
      for (const piece of randomSplit(mutatedStream(random), random, 8)) {
        decoder.push(piece);
        drainWindows(decoder);
      }
      if (decoder.atWindowBoundary) outcome = 'clean';
    } catch (error) {
      if (error instanceof LumberjackError) outcome = error.code;
      else if (unexpected.length < 5) unexpected.push(`stream ${stream}: ${String(error)}`);
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (stream % 25_000 === 0) mostRetained = Math.max(mostRetained, (await settledMemory()) - baseline);
  }
  const seconds = (performance.now() - began) / 1000;
  t.deepEqual(unexpected, []);
  // Nothing accumulates: what is left after each quarter of the run is noise, not the streams.
  t.true(mostRetained < 16 * MiB, `retained ${(mostRetained / MiB).toFixed(1)} MiB`);
  // The corpus reaches the interesting places: clean decodes and most of the error codes.
  t.true((outcomes.get('clean') ?? 0) > 1000);
  for (const code of [
    'LJ_ERR_BAD_VERSION',
    'LJ_ERR_BAD_FRAME_TYPE',
    'LJ_ERR_UNEXPECTED_FRAME',
    'LJ_ERR_BAD_JSON',
    'LJ_ERR_INFLATE_FAILED',
    'LJ_ERR_WINDOW_TOO_LARGE',
    'LJ_ERR_EVENT_TOO_LARGE',
    'LJ_ERR_COMPRESSED_TOO_LARGE',
  ]) {
    t.true((outcomes.get(code) ?? 0) > 0, `${code} never seen`);
  }
  t.log(`${seconds.toFixed(1)} s`, Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])));
});

test.serial(`${SOCKET_STREAMS} bad streams through a real server: each ends only its own connection`, async (t) => {
  const server = createBeatsServer({ host: '127.0.0.1', port: 0, logger: silentLogger(), onWindow: (batch) => batch.handle.ack() });
  const { port } = await server.listen();
  t.teardown(() => server.close());
  const random = seededRandom(0xbad);
  const send = (bytes: Buffer) =>
    new Promise<void>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => socket.end(bytes));
      socket.on('error', () => {}); // a reset on a stream the server refused is fine
      socket.on('close', () => resolve());
      socket.resume();
    });
  const streams = Array.from({ length: SOCKET_STREAMS }, () => mutatedStream(random));
  collectGarbage();
  const baseline = memory();
  for (let batch = 0; batch < streams.length; batch += 20) {
    await Promise.all(streams.slice(batch, batch + 20).map(send));
  }
  // The server is unharmed: a well-formed replay gets exactly its ACKs.
  const peer = await rawPeer(port);
  peer.socket.write(CAPTURES[2]!.bytes);
  t.deepEqual(await peer.receivedAtLeast(CAPTURES[2]!.acks.length), CAPTURES[2]!.acks);
  peer.socket.end();
  await peer.closed;
  collectGarbage();
  t.true(memory() - baseline < 32 * MiB);
  await eventually(() => server.connections().length === 0, 10_000, 'every fuzzed connection closed');
  t.deepEqual(server.connections(), []);
});
