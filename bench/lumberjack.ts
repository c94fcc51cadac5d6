/**
 * Lumberjack ingest benchmark (`npm run bench`, or `node --import tsx bench/lumberjack.ts`).
 *
 * 1. Ingest: the project's client ships Filebeat-shaped events to the project's server on this
 *    machine (window 2048, compression 3, pipelining 2); the server decodes and ACKs each window at
 *    once (no uplink). Reports events/s and MB/s of uncompressed JSON.
 * 2. Decode cost against a floor, on the same bytes in the same run: our decoder fed 64 KiB chunks,
 *    against plain zlib.inflateSync + JSON.parse of each event with every offset known beforehand;
 *    rounds alternate, and each side's best round is compared.
 * 3. Fairness (issue 13): a healthy printer's publish-to-ACK latency while another Beat sends
 *    maximum-size compressed windows (~32 MB inflated each) back to back, on the server as it is
 *    (inflate off the loop, decoding in slices) and on the blocking baseline (inflateSync, no
 *    slices: the server before the change), one after the other in the same run.
 */
import { type Socket, connect } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { inflateSync } from 'node:zlib';
import { silentLogger } from '../config/logging.js';
import { createBeatsClient } from '../sim/clients/lumberjack-client.js';
import { LumberjackDecoder, drainWindows } from '../protocols/lumberjack/decoder.js';
import { encodeWindow } from '../sim/clients/frame-writer.js';
import { inflateCapped } from '../protocols/lumberjack/inflate.js';
import { createBeatsServer } from '../protocols/lumberjack/server.js';
import { median, percentiles, round } from './measures.js';
import { DEFAULT_LUMBERJACK_LIMITS } from '../config/defaults.js';

export const LUMBERJACK_BENCH = Object.freeze({
  windowSize: 2048,
  compressionLevel: 3,
  pipelining: 2,
  /** Distinct events generated; publishes cycle through them. */
  poolEvents: 16_384,
  /** Events per publish() call; two calls are kept outstanding so the client can pipeline. */
  publishEvents: 8192,
  warmupMs: 500,
  ingestMs: 3000,
  /** Windows decoded per timing round, and rounds per side; each side's best round counts (noise only adds time). */
  decodeWindows: 16,
  decodeRounds: 7,
  socketChunkBytes: 64 * 1024,
  /** Fairness: the heavy Beat's window (events × bytes: ~32 MB, just under maxInflatedBytes). */
  heavyEvents: 8000,
  heavyEventBytes: 3500,
  /** The healthy printer publishes this many events every interval and times each publish to its ACK. */
  healthyEvents: 20,
  healthyIntervalMs: 20,
  fairnessWarmupMs: 500,
  fairnessMs: 4000,
  targets: Object.freeze({ eventsPerSecond: 50_000, decodeCostRatio: 1.5, healthyP99Ms: 250 }),
});

const MESSAGES = [
  (i: number) => `THERMAL VatTemp=${(29.5 + (i % 20) / 10).toFixed(1)}C Setpoint=30.0C`,
  (i: number) => `THERMAL Chamber=${(24 + (i % 15) / 10).toFixed(1)}C Humidity=${30 + (i % 20)}%`,
  (i: number) => `BUILD job=J-${String(40 + (i % 7)).padStart(5, '0')} layer=${i % 1200}/1200 state=building`,
  (i: number) => `LASER power=${(0.95 + (i % 10) / 100).toFixed(2)}W`,
  (i: number) => `RESIN level=${(80 - (i % 300) / 10).toFixed(1)}%`,
];

/** What Filebeat 8 ships for one line of a printer log (about 380 bytes of JSON). */
function filebeatEvent(i: number): Record<string, unknown> {
  const time = new Date(Date.UTC(2026, 10, 27, 10, 15, 0) + i * 7).toISOString();
  return {
    '@timestamp': time,
    '@metadata': { beat: 'filebeat', type: '_doc', version: '8.15.0' },
    log: { offset: i * 72, file: { path: '/var/log/printer.log' } },
    message: `${time} ${MESSAGES[i % MESSAGES.length]!(i)}`,
    input: { type: 'filestream' },
    host: { name: 'printer-01' },
    agent: { id: '6f1a7c52-3b0e-4d2a-9a51-0c8e4b2f7d13', type: 'filebeat', version: '8.15.0' },
  };
}

interface ClientCounts {
  sent: number;
  acked: number;
  resent: number;
}

interface IngestResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  megabytesPerSecond: number;
  client: ClientCounts;
}

type ClientReport = { phase: 'measuring' } | ({ phase: 'done' } & ClientCounts);

/**
 * The server runs here; the client runs in a worker thread, as a Beat would run in its own process,
 * so its JSON encoding and compression do not count as the server's ingest cost.
 */
async function measureIngest(bytesPerEvent: number): Promise<IngestResult> {
  let events = 0;
  const server = createBeatsServer({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger(),
    onWindow: (batch) => {
      events += batch.windowSize;
      batch.handle.ack();
    },
  });
  const { port } = await server.listen();
  // The worker runs this .ts file too; a worker does not inherit tsx, so it registers it first.
  const entry = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(entry, { eval: true, workerData: { role: CLIENT_ROLE, port }, execArgv: [] });
  let started = 0;
  const done = await new Promise<ClientCounts>((resolve, reject) => {
    worker.on('message', (report: ClientReport) => {
      if (report.phase === 'measuring') {
        events = 0;
        started = performance.now();
      } else {
        resolve(report);
      }
    });
    worker.on('error', reject);
  });
  const seconds = (performance.now() - started) / 1000;
  await worker.terminate();
  await server.close();
  return {
    events,
    seconds: round(seconds, 2),
    eventsPerSecond: Math.round(events / seconds),
    megabytesPerSecond: round((events * bytesPerEvent) / seconds / 1e6, 1),
    client: { sent: done.sent, acked: done.acked, resent: done.resent },
  };
}

/** The worker's side: publish pool slices, two calls outstanding so the client can pipeline. */
async function runClient(port: number): Promise<void> {
  const settings = LUMBERJACK_BENCH;
  const pool = eventPool();
  const client = createBeatsClient({
    host: '127.0.0.1',
    port,
    windowSize: settings.windowSize,
    compressionLevel: settings.compressionLevel,
    pipelining: settings.pipelining,
    logger: silentLogger(),
  });
  let next = 0;
  const slice = () => {
    const start = next;
    next = (next + settings.publishEvents) % pool.length;
    return pool.slice(start, start + settings.publishEvents);
  };
  const pump = async (until: number) => {
    while (performance.now() < until) await client.publish(slice());
  };
  const warmupEnd = performance.now() + settings.warmupMs;
  await Promise.all([pump(warmupEnd), pump(warmupEnd)]);
  parentPort?.postMessage({ phase: 'measuring' } satisfies ClientReport);
  const end = performance.now() + settings.ingestMs;
  await Promise.all([pump(end), pump(end)]);
  const { sent, acked, resent } = client.counters();
  parentPort?.postMessage({ phase: 'done', sent, acked, resent } satisfies ClientReport);
  await client.close();
}

const CLIENT_ROLE = 'lumberjack-bench-client';

function eventPool(): Record<string, unknown>[] {
  return Array.from({ length: LUMBERJACK_BENCH.poolEvents }, (_, i) => filebeatEvent(i));
}

interface DecodeResult {
  events: number;
  compressedBytes: number;
  rounds: number;
  oursEventsPerSecond: number;
  floorEventsPerSecond: number;
  /** Our best round's time ÷ the floor's best round's time, on the same bytes. */
  costRatio: number;
  medianCostRatio: number;
}

/** Our decoder against inflate + JSON.parse alone, alternating rounds on the same bytes. */
function measureDecode(pool: readonly Record<string, unknown>[]): DecodeResult {
  const settings = LUMBERJACK_BENCH;
  const windows = Array.from({ length: settings.decodeWindows }, (_, w) => {
    const start = (w * settings.windowSize) % pool.length;
    return encodeWindow(pool.slice(start, start + settings.windowSize), { compressionLevel: settings.compressionLevel });
  });
  const stream = Buffer.concat(windows);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < stream.length; offset += settings.socketChunkBytes) {
    chunks.push(stream.subarray(offset, offset + settings.socketChunkBytes));
  }
  // The floor knows where every payload and every JSON document is: it does no framing at all.
  const floorInput = windows.map((window) => {
    const payload = window.subarray(12); // 2W count, 2C length
    const inflated = inflateSync(payload);
    const spans: [number, number][] = [];
    for (let at = 0; at < inflated.length; ) {
      const length = inflated.readUInt32BE(at + 6);
      spans.push([at + 10, at + 10 + length]);
      at += 10 + length;
    }
    return { payload, spans };
  });
  const events = settings.decodeWindows * settings.windowSize;

  const ours = () => {
    const decoder = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS);
    let decoded = 0;
    for (const chunk of chunks) {
      decoder.push(chunk);
      for (const window of drainWindows(decoder)) decoded += window.events.length;
    }
    return decoded;
  };
  const floor = () => {
    let decoded = 0;
    for (const { payload, spans } of floorInput) {
      const inflated = inflateSync(payload);
      for (const [start, end] of spans) {
        JSON.parse(inflated.toString('utf8', start, end));
        decoded += 1;
      }
    }
    return decoded;
  };
  const timed = (run: () => number) => {
    const started = performance.now();
    if (run() !== events) throw new Error('benchmark decoded the wrong number of events');
    return performance.now() - started;
  };
  timed(ours);
  timed(floor);
  const oursMs: number[] = [];
  const floorMs: number[] = [];
  for (let round = 0; round < settings.decodeRounds; round++) {
    oursMs.push(timed(ours));
    floorMs.push(timed(floor));
  }
  const oursBest = Math.min(...oursMs);
  const floorBest = Math.min(...floorMs);
  return {
    events,
    compressedBytes: stream.length,
    rounds: settings.decodeRounds,
    oursEventsPerSecond: Math.round(events / (oursBest / 1000)),
    floorEventsPerSecond: Math.round(events / (floorBest / 1000)),
    costRatio: round(oursBest / floorBest, 2),
    medianCostRatio: round(median(oursMs) / median(floorMs), 2),
  };
}

interface FairnessResult {
  /** Publish-to-ACK latency of the healthy printer's windows, ms. */
  healthyLatencyMs: { count: number; p50: number; p99: number; max: number };
  heavyWindowsAcked: number;
  /** The longest the event loop was blocked (perf_hooks event-loop delay), ms. */
  maxLoopDelayMs: number;
}

/** A raw Lumberjack sender that writes the same window again as soon as the previous one is ACKed. */
function backToBack(port: number, window: Buffer, events: number): { stop(): number } {
  const socket: Socket = connect(port, '127.0.0.1');
  const ackBytes = 6;
  let acked = 0;
  let pending = Buffer.alloc(0);
  let stopped = false;
  socket.on('error', () => {});
  socket.on('connect', () => socket.write(window));
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= ackBytes) {
      const seq = pending.readUInt32BE(2);
      pending = pending.subarray(ackBytes);
      if (seq === events) {
        acked += 1;
        if (!stopped) socket.write(window);
      }
    }
  });
  return {
    stop: () => {
      stopped = true;
      socket.destroy();
      return acked;
    },
  };
}

/** The healthy printer's latency while another Beat sends maximum-size windows back to back. */
async function measureFairness(heavyWindow: Buffer, baseline: boolean): Promise<FairnessResult> {
  const settings = LUMBERJACK_BENCH;
  const server = createBeatsServer({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger(),
    // The baseline is the server before issue 13: inflate on the event loop, decode a window in one go.
    ...(baseline ? { inflate: inflateCapped, decodeSliceMs: Number.POSITIVE_INFINITY } : {}),
    onWindow: (batch) => batch.handle.ack(),
  });
  const { port } = await server.listen();
  const heavy = backToBack(port, heavyWindow, settings.heavyEvents);
  const client = createBeatsClient({ host: '127.0.0.1', port, compressionLevel: 3, logger: silentLogger() });
  const events = eventPool().slice(0, settings.healthyEvents);
  const latencies: number[] = [];
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const warmupEnd = performance.now() + settings.fairnessWarmupMs;
  const end = warmupEnd + settings.fairnessMs;
  let measuring = false;
  while (performance.now() < end) {
    if (!measuring && performance.now() >= warmupEnd) {
      measuring = true;
      delay.enable();
    }
    const started = performance.now();
    await client.publish(events);
    const took = performance.now() - started;
    if (measuring) latencies.push(took);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, settings.healthyIntervalMs - took)));
  }
  delay.disable();
  const heavyWindowsAcked = heavy.stop();
  await client.close();
  await server.close();
  const measured = percentiles(latencies);
  return {
    healthyLatencyMs: { count: measured.count, p50: round(measured.p50, 1), p99: round(measured.p99, 1), max: round(measured.max, 1) },
    heavyWindowsAcked,
    maxLoopDelayMs: round(delay.max / 1e6, 1),
  };
}

export async function measureFairnessBoth(): Promise<{
  inflatedBytes: number;
  compressedBytes: number;
  ours: FairnessResult;
  blockingBaseline: FairnessResult;
}> {
  const settings = LUMBERJACK_BENCH;
  const filler = 'x'.repeat(settings.heavyEventBytes);
  const heavyEvents = Array.from({ length: settings.heavyEvents }, (_, i) => ({ ...filebeatEvent(i), message: `${i} ${filler}` }));
  const heavyWindow = encodeWindow(heavyEvents, { compressionLevel: 1 });
  const inflatedBytes = inflateSync(heavyWindow.subarray(12)).length;
  if (inflatedBytes > DEFAULT_LUMBERJACK_LIMITS.maxInflatedBytes) throw new Error('the heavy window inflates past the limit');
  const ours = await measureFairness(heavyWindow, false);
  const blockingBaseline = await measureFairness(heavyWindow, true);
  return { inflatedBytes, compressedBytes: heavyWindow.length, ours, blockingBaseline };
}

export async function runBenchmark(): Promise<Record<string, unknown>> {
  const settings = LUMBERJACK_BENCH;
  const pool = eventPool();
  const poolBytes = pool.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)), 0);
  const decode = measureDecode(pool);
  const ingest = await measureIngest(poolBytes / pool.length);
  const fairness = await measureFairnessBoth();
  return {
    what: 'Lumberjack v2 ingest (decode + ACK, no uplink): server here, the project client in a worker thread, over 127.0.0.1',
    settings: {
      windowSize: settings.windowSize,
      compressionLevel: settings.compressionLevel,
      pipelining: settings.pipelining,
      ingestMs: settings.ingestMs,
    },
    eventJsonBytes: Math.round(poolBytes / pool.length),
    ingest,
    decode,
    fairness: {
      what: 'a healthy printer (20 events every 20 ms, project client) while another Beat sends ~32 MB windows back to back',
      ...fairness,
    },
    targets: settings.targets,
    met: {
      eventsPerSecond: ingest.eventsPerSecond >= settings.targets.eventsPerSecond,
      decodeCostRatio: decode.costRatio <= settings.targets.decodeCostRatio,
      healthyP99Ms: fairness.ours.healthyLatencyMs.p99 <= settings.targets.healthyP99Ms,
    },
  };
}

const role = isMainThread ? undefined : (workerData as { role?: unknown; port?: unknown } | null);
if (role?.role === CLIENT_ROLE && typeof role.port === 'number') {
  await runClient(role.port);
} else if (isMainThread && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await runBenchmark(), null, 2)}\n`);
}
