/**
 * Uplink benchmark (`npm run bench uplink`, or `node --import tsx bench/uplink.ts`).
 *
 * The real uplink actor (supervision tree, delivery engine, REST transport, production defaults) sends to
 * the ThingWorx stand-in over loopback HTTPS; the stand-in runs in its own process, as ThingWorx would.
 * 1. Saturation: a sender keeps a window of batches outstanding and offers one more per Delivered;
 *    readings/s delivered (ThingWorx answered 200), and our CPU per reading.
 * 2. Latency at 2,000 readings/s offered: batch offered → Delivered notice, p50/p99.
 * 3. Baseline in the same run, same stand-in: plain node:https keep-alive requests posting the same
 *    UpdatePropertyValues batches (the uplink's measured rows per call, as many in flight as the uplink
 *    allows; at 2,000 readings/s the sender's batches, posted as they are made). Ratios are ours ÷ baseline.
 *    Saturation rounds alternate between the two sides and each side's best round counts.
 * 3b. The same uplink with transport alwayson (one authenticated WebSocket session, UpdateSubscribedPropertyValues
 *    in the binary protocol) against the same stand-in process, its saturation rounds interleaved with REST's, and
 *    its latency at the same rate: ratios are AlwaysOn ÷ REST.
 * 4. Memory per queued reading: with the stand-in down (connections reset), N readings offered to the
 *    engine with its caps raised; heap after a forced GC, before and after, divided by N. Readings come in
 *    events of readingsPerEvent (as everywhere here); also reported without event ids, and one reading per event.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:https';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { adapterEnvironment } from '../actors/adapter.js';
import { ADAPTER_PATH, UPLINK_PATH } from '../actors/paths.js';
import type { UplinkBatch } from '../actors/uplink/batch.js';
import { uplinkBehaviour } from '../actors/uplink/behaviour.js';
import { DeliveryEngine } from '../actors/uplink/delivery-engine.js';
import type { UplinkMessage, UplinkNotice } from '../actors/uplink/messages.js';
import type { UplinkStatus } from '../actors/uplink/status.js';
import { silentLogger } from '../config/logging.js';
import type { AdapterConfig } from '../config/types.js';
import { validateConfig } from '../config/validate.js';
import type { Reading } from '../domain/readings.js';
import { createRestTransport } from '../protocols/thingworx/rest-transport.js';
import { createTestPki, type TestPki } from '../sim/pki.js';
import { startThingworxStandIn } from '../sim/thingworx/stand-in.js';
import { actorAddress, type Behaviour, startTree, supervisorSpec, type Tree, workerSpec } from '../supervision/index.js';
import { round } from './measures.js';

export const UPLINK_BENCH = Object.freeze({
  things: 8,
  readingsPerBatch: 100,
  /** Readings of one event (a log line, a push message) share its id: about five in the profiled mix. */
  readingsPerEvent: 5,
  /** Sender batches outstanding at saturation: enough to fill every call slot with full calls. */
  saturationWindowBatches: 240,
  saturationRounds: 3,
  warmupMs: 1_000,
  saturationMs: 3_000,
  latencyReadingsPerSecond: 2_000,
  latencyMs: 5_000,
  /** Offers are made on this tick, as many as are due by then. */
  tickMs: 10,
  drainTimeoutMs: 30_000,
  queuedReadings: 100_000,
  targets: Object.freeze({ bytesPerQueuedReading: 300 }),
  /** Heap per queued reading the issue quotes for comparison. */
  comparisonBytesPerQueuedReading: 2_300,
});

const ITEMS = ['VatTemperature', 'ChamberTemperature', 'ChamberHumidity', 'LaserPower', 'ResinLevel', 'Layer'] as const;
const ADAPTER_THING = 'Adapter-bench';
const SENDER_PATH = actorAddress<UplinkNotice>(`${ADAPTER_PATH}/sender`);
const APP_KEY_ENV = 'BENCH_3DCONNECT_TWX_APP_KEY';
const DEVICE_EPOCH = Date.UTC(2026, 10, 27, 10, 0, 0);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// ── readings and batches ─────────────────────────────────────────────────────

const thingName = (index: number): string => `Printer-b${String(index + 1).padStart(2, '0')}`;

/**
 * Filebeat-like readings of one printer: log lines of `readingsPerEvent` readings, each line's readings with its
 * event id (so the duplicate index is paid for, as in use). readingsPerEvent 0: no event ids (polls).
 */
class BatchMaker {
  #seq = 0;
  #batches = 0;

  readings(thing: string, count: number, readingsPerEvent: number = UPLINK_BENCH.readingsPerEvent): Reading[] {
    const readings: Reading[] = [];
    let eventId: string | undefined;
    for (let i = 0; i < count; i++) {
      const seq = ++this.#seq;
      // One id string per line, shared by its readings, as domain/loglines and protocols/push make them.
      if (readingsPerEvent > 0 && i % readingsPerEvent === 0) eventId = `${thing}/filebeat//var/log/printer.log@${seq * 73}`;
      const reading: Reading = {
        printer: thing,
        item: ITEMS[seq % ITEMS.length] ?? 'Layer',
        value: 20 + (seq % 1000) / 100,
        unit: 'C',
        time: DEVICE_EPOCH + seq,
        receivedAt: Date.now(),
        quality: 'GOOD',
        source: 'filebeat',
      };
      if (eventId !== undefined) reading.eventId = eventId;
      readings.push(reading);
    }
    return readings;
  }

  batch(thingIndex: number, count: number): UplinkBatch {
    const thing = thingName(thingIndex);
    return { batchId: `b${++this.#batches}`, sender: SENDER_PATH, thing, lane: 'event', readings: this.readings(thing, count) };
  }
}

// ── the stand-in, in its own process ─────────────────────────────────────────

interface StandInProcess {
  url: string;
  stop(): Promise<void>;
}

async function startStandInProcess(pki: TestPki, appKey: string): Promise<StandInProcess> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const main = fileURLToPath(new URL('../sim/thingworx/main.ts', import.meta.url));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', main, '--things', 'any', '--cert', pki.serverCertFile, '--key', pki.serverKeyFile],
    { cwd: root, env: { ...process.env, TWX_SIM_APP_KEY: appKey, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited.then(() => {
      throw new Error('the stand-in process exited before it listened');
    }),
  ]);
  lines.close();
  const url = (JSON.parse(first) as { url?: unknown }).url;
  if (typeof url !== 'string') throw new Error(`the stand-in process printed no URL: ${first}`);
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ── our side: the uplink actor and a sender ──────────────────────────────────

/** The sender's view: when each batch was offered, and a hook per Delivered. */
class BenchSender {
  onDelivered: (batchId: string, at: number) => void = () => {};
  busy = 0;

  note(notice: UplinkNotice): void {
    if (notice.type === 'Delivered') this.onDelivered(notice.batchId, performance.now());
    else if (notice.type === 'OfferAnswered' && notice.result.kind !== 'accepted') this.busy += 1;
  }
}

interface Uplink {
  config: AdapterConfig;
  sender: BenchSender;
  offer(batch: UplinkBatch): void;
  status(): Promise<UplinkStatus>;
  stop(): Promise<void>;
}

type TransportKind = AdapterConfig['thingworx']['transport'];

function benchConfig(url: string, caFile: string, transport: TransportKind): AdapterConfig {
  const validated = validateConfig({
    adapter: { id: 'bench', thing: ADAPTER_THING },
    log: { level: 'silent' },
    thingworx: { url, transport, appKey: { env: APP_KEY_ENV }, tls: { caFile, allowSelfSigned: false, allowInsecureHttp: false } },
    printers: [],
  });
  if (!validated.ok) throw new Error(`bench configuration is invalid:\n${validated.errors.join('\n')}`);
  return validated.config;
}

async function startUplink(url: string, caFile: string, transport: TransportKind = 'rest'): Promise<Uplink> {
  const config = benchConfig(url, caFile, transport);
  const sender = new BenchSender();
  const senderBehaviour: Behaviour<BenchSender, UplinkNotice> = {
    init: () => sender,
    handle: (state, notice) => {
      state.note(notice);
      return state;
    },
  };
  const tree: Tree = await startTree(
    supervisorSpec(ADAPTER_PATH, {}, [
      workerSpec('sender', senderBehaviour),
      workerSpec('uplink', uplinkBehaviour(adapterEnvironment(config)), { shutdownMs: 15_000 }),
    ]),
    { logger: silentLogger() },
  );
  const status = () => tree.registry.ask(UPLINK_PATH, { type: 'Describe' }, 10_000);
  const start = performance.now();
  while ((await status()).session !== 'ready') {
    if (performance.now() - start > UPLINK_BENCH.drainTimeoutMs) throw new Error('the uplink session did not become ready');
    await delay(20);
  }
  return {
    config,
    sender,
    offer(batch) {
      const message: UplinkMessage = { type: 'Offer', batch };
      if (!tree.registry.tell(UPLINK_PATH, message)) throw new Error('the uplink is not running');
    },
    status,
    stop: () => tree.stop(),
  };
}

interface Throughput {
  readingsPerSecond: number;
  /** CPU time of this process (user + system) per reading delivered: the client's cost, the stand-in excluded. */
  cpuMicrosPerReading: number;
}

/** Saturation: a window of batches outstanding; every Delivered makes room for one more. */
async function oursAtSaturation(uplink: Uplink, maker: BatchMaker): Promise<Throughput & { rowsPerCall: number }> {
  const settings = UPLINK_BENCH;
  let outstanding = 0;
  let turn = 0;
  let offering = true;
  const offerOne = () => {
    uplink.offer(maker.batch(turn++ % settings.things, settings.readingsPerBatch));
    outstanding += 1;
  };
  uplink.sender.onDelivered = () => {
    outstanding -= 1;
    if (offering) offerOne();
  };
  for (let i = 0; i < settings.saturationWindowBatches; i++) offerOne();
  await delay(settings.warmupMs);
  const before = (await uplink.status()).counters;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await delay(settings.saturationMs);
  const after = (await uplink.status()).counters;
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  offering = false;
  await waitUntil('the saturation window delivered', () => outstanding === 0);
  const readings = after.deliveredReadings - before.deliveredReadings;
  return {
    readingsPerSecond: Math.round(readings / seconds),
    rowsPerCall: round(readings / Math.max(1, after.deliveredCalls - before.deliveredCalls), 1),
    cpuMicrosPerReading: round((cpu.user + cpu.system) / Math.max(1, readings), 2),
  };
}

/** Offers `readingsPerSecond` in sender batches on a fixed schedule; latency is offer → Delivered. */
async function oursAtRate(uplink: Uplink, maker: BatchMaker, readingsPerSecond: number): Promise<LatencyResult> {
  const offeredAt = new Map<string, number>();
  const latencies: number[] = [];
  let measureFrom = Number.POSITIVE_INFINITY;
  uplink.sender.onDelivered = (batchId, at) => {
    const offered = offeredAt.get(batchId);
    offeredAt.delete(batchId);
    if (offered !== undefined && offered >= measureFrom) latencies.push(at - offered);
  };
  let turn = 0;
  const result = await runSchedule(readingsPerSecond, (isMeasured) => {
    const batch = maker.batch(turn++ % UPLINK_BENCH.things, UPLINK_BENCH.readingsPerBatch);
    const now = performance.now();
    if (isMeasured && measureFrom === Number.POSITIVE_INFINITY) measureFrom = now;
    offeredAt.set(batch.batchId, now);
    uplink.offer(batch);
  });
  await waitUntil('the rate run delivered', () => offeredAt.size === 0);
  return latencySummary(latencies, result.measuredBatches, result.seconds);
}

// ── the baseline: plain keep-alive HTTPS ─────────────────────────────────────

interface Baseline {
  /** POSTs UpdatePropertyValues with these readings as NamedVTQ rows; resolves with the HTTP status. */
  post(thing: string, readings: readonly Reading[]): Promise<number>;
  close(): void;
}

function startBaseline(url: string, ca: string, appKey: string, maxSockets: number): Baseline {
  const origin = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets, ca, minVersion: 'TLSv1.2' });
  const dataShape = {
    fieldDefinitions: {
      name: { name: 'name', baseType: 'STRING' },
      value: { name: 'value', baseType: 'VARIANT' },
      time: { name: 'time', baseType: 'DATETIME' },
      quality: { name: 'quality', baseType: 'STRING' },
    },
  };
  return {
    post(thing, readings) {
      const rows = readings.map((r) => ({ name: r.item, value: r.value, time: r.time, quality: r.quality }));
      const body = JSON.stringify({ values: { dataShape, rows } });
      return new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            hostname: origin.hostname,
            port: origin.port,
            method: 'POST',
            path: `/Thingworx/Things/${encodeURIComponent(thing)}/Services/UpdatePropertyValues`,
            headers: {
              appKey,
              'Content-Type': 'application/json',
              Accept: 'application/json',
              'Content-Length': Buffer.byteLength(body),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** `concurrency` loops posting `rowsPerRequest` rows each, back to back, to the Things in turn. */
async function baselineAtSaturation(
  baseline: Baseline,
  maker: BatchMaker,
  rowsPerRequest: number,
  concurrency: number,
): Promise<Throughput> {
  const settings = UPLINK_BENCH;
  let delivered = 0;
  let turn = 0;
  const loop = async (until: number) => {
    while (performance.now() < until) {
      const thing = thingName(turn++ % settings.things);
      const status = await baseline.post(thing, maker.readings(thing, rowsPerRequest));
      if (status !== 200) throw new Error(`baseline request answered ${status}`);
      delivered += rowsPerRequest;
    }
  };
  const loops = (until: number) => Promise.all(Array.from({ length: concurrency }, () => loop(until)));
  await loops(performance.now() + settings.warmupMs);
  delivered = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await loops(started + settings.saturationMs);
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  return {
    readingsPerSecond: Math.round(delivered / seconds),
    cpuMicrosPerReading: round((cpu.user + cpu.system) / Math.max(1, delivered), 2),
  };
}

/** The sender's batches at the same rate, each posted as soon as it is made; latency is made → 200. */
async function baselineAtRate(baseline: Baseline, maker: BatchMaker, readingsPerSecond: number): Promise<LatencyResult> {
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  let turn = 0;
  const result = await runSchedule(readingsPerSecond, (isMeasured) => {
    const thing = thingName(turn++ % UPLINK_BENCH.things);
    const readings = maker.readings(thing, UPLINK_BENCH.readingsPerBatch);
    const started = performance.now();
    const done = baseline.post(thing, readings).then((status) => {
      if (status !== 200) throw new Error(`baseline request answered ${status}`);
      if (isMeasured) latencies.push(performance.now() - started);
      pending.delete(done);
    });
    pending.add(done);
  });
  await Promise.all(pending);
  return latencySummary(latencies, result.measuredBatches, result.seconds);
}

// ── shared measurement plumbing ──────────────────────────────────────────────

interface LatencyResult {
  batches: number;
  offeredReadingsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Calls `offer` for every batch due at `readingsPerSecond`: a warm-up, then the measured span. */
async function runSchedule(readingsPerSecond: number, offer: (isMeasured: boolean) => void) {
  const settings = UPLINK_BENCH;
  const batchesPerMs = readingsPerSecond / settings.readingsPerBatch / 1000;
  const started = performance.now();
  const measureFrom = started + settings.warmupMs;
  const end = measureFrom + settings.latencyMs;
  let made = 0;
  let measuredBatches = 0;
  while (performance.now() < end) {
    const due = Math.floor((performance.now() - started) * batchesPerMs);
    for (; made < due; made++) {
      const isMeasured = performance.now() >= measureFrom;
      if (isMeasured) measuredBatches += 1;
      offer(isMeasured);
    }
    await delay(settings.tickMs);
  }
  return { measuredBatches, seconds: settings.latencyMs / 1000 };
}

function latencySummary(latencies: number[], batches: number, seconds: number): LatencyResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN, 1);
  return {
    batches,
    offeredReadingsPerSecond: Math.round((batches * UPLINK_BENCH.readingsPerBatch) / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: round(sorted.at(-1) ?? Number.NaN, 1),
  };
}

async function waitUntil(what: string, condition: () => boolean): Promise<void> {
  const deadline = performance.now() + UPLINK_BENCH.drainTimeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await delay(10);
  }
}

// ── memory per queued reading during an outage ───────────────────────────────

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Heap per reading queued while ThingWorx is down (every connection reset), the engine's caps raised. */
async function bytesPerQueuedReading(pki: TestPki, count: number, readingsPerEvent: number): Promise<number> {
  const appKey = randomBytes(16).toString('hex');
  const standIn = await startThingworxStandIn({ appKey, things: 'any', tls: { cert: pki.serverCert, key: pki.serverKey } });
  standIn.faults.setOutage(true, 'reset');
  const logger = silentLogger();
  const transport = createRestTransport({ baseUrl: standIn.url, appKey, tls: { ca: pki.caCert }, logger });
  const engine = new DeliveryEngine({
    transport,
    sessionCheckThing: ADAPTER_THING,
    limits: { maxQueuedReadings: count, maxQueuedBytes: 2 ** 30, perThingShare: 1, alertReserve: 0 },
    logger,
    onDelivered: () => {},
  });
  engine.start();
  const maker = new BatchMaker();
  const before = heapAfterGc();
  const perBatch = UPLINK_BENCH.readingsPerBatch;
  for (let b = 0; b < count / perBatch; b++) {
    const thing = thingName(b % 20);
    const readings = maker.readings(thing, perBatch, readingsPerEvent);
    const result = engine.offer({ batchId: `m${b}`, sender: SENDER_PATH, thing, lane: 'event', readings });
    if (result.kind !== 'accepted') throw new Error(`bench: batch ${b} not queued: ${JSON.stringify(result)}`);
  }
  const after = heapAfterGc();
  const queued = engine.status().queue.readings;
  await engine.stop({ drainMs: 0 });
  await transport.close();
  await standIn.stop();
  if (queued !== count) throw new Error(`bench: ${queued} of ${count} readings queued`);
  return (after - before) / count;
}

// ── the run ──────────────────────────────────────────────────────────────────

export async function runBenchmark(): Promise<Record<string, unknown>> {
  const settings = UPLINK_BENCH;
  const pki = createTestPki('uplink-bench');
  const appKey = randomBytes(16).toString('hex');
  const previousKey = process.env[APP_KEY_ENV];
  process.env[APP_KEY_ENV] = appKey;
  let standIn: StandInProcess | undefined;
  let uplink: Uplink | undefined;
  let alwaysOn: Uplink | undefined;
  let baseline: Baseline | undefined;
  try {
    // Memory first, on a quiet heap; a small run warms the code paths so compilation is not counted.
    await bytesPerQueuedReading(pki, 10_000, settings.readingsPerEvent);
    const withEventIds = await bytesPerQueuedReading(pki, settings.queuedReadings, settings.readingsPerEvent);
    const withoutEventIds = await bytesPerQueuedReading(pki, settings.queuedReadings, 0);
    const oneReadingPerEvent = await bytesPerQueuedReading(pki, settings.queuedReadings, 1);

    standIn = await startStandInProcess(pki, appKey);
    uplink = await startUplink(standIn.url, pki.caCertFile);
    alwaysOn = await startUplink(standIn.url, pki.caCertFile, 'alwayson');
    const { maxInFlight, maxRowsPerCall, flushIntervalMs } = uplink.config.uplink;
    baseline = startBaseline(standIn.url, pki.caCert, appKey, maxInFlight);
    const maker = new BatchMaker();

    const oursRounds: Array<Throughput & { rowsPerCall: number }> = [];
    const baselineRounds: Throughput[] = [];
    const alwaysOnRounds: Array<Throughput & { rowsPerCall: number }> = [];
    for (let round = 0; round < settings.saturationRounds; round++) {
      oursRounds.push(await oursAtSaturation(uplink, maker));
      alwaysOnRounds.push(await oursAtSaturation(alwaysOn, maker));
      // The same UpdatePropertyValues batches: as many rows per request as the uplink put in its calls.
      const rowsPerRequest = Math.max(1, Math.round(oursRounds[0]?.rowsPerCall ?? maxRowsPerCall));
      baselineRounds.push(await baselineAtSaturation(baseline, maker, rowsPerRequest, maxInFlight));
    }
    const ours = best(oursRounds);
    const base = best(baselineRounds);
    const aon = best(alwaysOnRounds);
    const oursLatency = await oursAtRate(uplink, maker, settings.latencyReadingsPerSecond);
    const alwaysOnLatency = await oursAtRate(alwaysOn, maker, settings.latencyReadingsPerSecond);
    const baseLatency = await baselineAtRate(baseline, maker, settings.latencyReadingsPerSecond);
    const busyAnswers = uplink.sender.busy;

    return {
      what: 'Uplink actor → ThingWorx stand-in (own process) over loopback HTTPS, against plain node:https keep-alive POSTs of the same batches',
      settings: {
        things: settings.things,
        readingsPerBatch: settings.readingsPerBatch,
        readingsPerEvent: settings.readingsPerEvent,
        saturationWindowBatches: settings.saturationWindowBatches,
        saturationMs: settings.saturationMs,
        saturationRounds: settings.saturationRounds,
        latencyMs: settings.latencyMs,
        uplink: { maxInFlight, maxRowsPerCall, flushIntervalMs },
      },
      saturation: {
        ours: { ...ours, rounds: oursRounds.map((r) => r.readingsPerSecond) },
        baseline: {
          ...base,
          rowsPerRequest: Math.round(oursRounds[0]?.rowsPerCall ?? maxRowsPerCall),
          requestsInFlight: maxInFlight,
          rounds: baselineRounds.map((r) => r.readingsPerSecond),
        },
        throughputRatio: round(ours.readingsPerSecond / base.readingsPerSecond, 2),
        cpuPerReadingRatio: round(ours.cpuMicrosPerReading / base.cpuMicrosPerReading, 2),
        busyAnswers,
      },
      latency: {
        note: `ours includes waiting for the flush interval (${flushIntervalMs} ms) that gathers rows into calls; the baseline posts each batch at once`,
        ours: { ...oursLatency, p50BeyondFlushMs: round(oursLatency.p50Ms - flushIntervalMs, 1) },
        baseline: baseLatency,
        p50Ratio: round(oursLatency.p50Ms / baseLatency.p50Ms, 2),
        p99Ratio: round(oursLatency.p99Ms / baseLatency.p99Ms, 2),
      },
      alwaysOn: {
        what: 'the same uplink with transport alwayson: one WebSocket session, binary UpdateSubscribedPropertyValues; ratios are AlwaysOn ÷ REST',
        saturation: { ...aon, rounds: alwaysOnRounds.map((r) => r.readingsPerSecond) },
        latency: alwaysOnLatency,
        busyAnswers: alwaysOn.sender.busy,
        vsRest: {
          throughputRatio: round(aon.readingsPerSecond / ours.readingsPerSecond, 2),
          cpuPerReadingRatio: round(aon.cpuMicrosPerReading / ours.cpuMicrosPerReading, 2),
          p50Ratio: round(alwaysOnLatency.p50Ms / oursLatency.p50Ms, 2),
          p99Ratio: round(alwaysOnLatency.p99Ms / oursLatency.p99Ms, 2),
        },
      },
      memory: {
        readingsQueued: settings.queuedReadings,
        bytesPerQueuedReading: Math.round(withEventIds),
        bytesPerQueuedReadingWithoutEventIds: Math.round(withoutEventIds),
        bytesPerQueuedReadingOneReadingPerEvent: Math.round(oneReadingPerEvent),
        comparisonBytesPerQueuedReading: settings.comparisonBytesPerQueuedReading,
        ratioToComparison: round(withEventIds / settings.comparisonBytesPerQueuedReading, 3),
      },
      targets: settings.targets,
      met: { bytesPerQueuedReading: withEventIds <= settings.targets.bytesPerQueuedReading },
    };
  } finally {
    baseline?.close();
    await uplink?.stop();
    await alwaysOn?.stop();
    await standIn?.stop();
    pki.cleanup();
    if (previousKey === undefined) delete process.env[APP_KEY_ENV];
    else process.env[APP_KEY_ENV] = previousKey;
  }
}

function best<T extends Throughput>(rounds: readonly T[]): T {
  const first = rounds[0];
  if (first === undefined) throw new Error('bench: no rounds');
  return rounds.reduce((a, b) => (b.readingsPerSecond > a.readingsPerSecond ? b : a), first);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await runBenchmark(), null, 2)}\n`);
}
