/**
 * The whole system the chaos runs hit, in this process: the demo's parts (the ThingWorx stand-in
 * over TLS, up to 20 simulated printers, the real adapter started as the daemon starts it), with
 * faulty links between the printers and the adapter's listeners, fixed listener ports (so a
 * restarted ingress comes back where the printers look for it), and supervision, queue and client
 * timings tuned so a run heals in seconds rather than minutes.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { startDaemon, type Daemon } from '../../actors/daemon.js';
import { createLogger, type LogLevel, isLogLevel } from '../../config/logging.js';
import type { AdapterConfig } from '../../config/types.js';
import type { BeatsClientOverrides } from '../../sim/clients/lumberjack-client.js';
import { validateConfig } from '../../config/validate.js';
import { DEMO_DEFAULTS } from '../../sim/demo.js';
import { printerConfigFor, type SimRates, type SimulatedFleet, startSimulatedFleet } from '../../sim/printers/index.js';
import { startThingworxStandIn, type ThingworxStandIn } from '../../sim/thingworx/stand-in.js';
import type { Registry } from '../../supervision/index.js';
import { freePort } from '../cli/daemon-support.js';
import { createTestPki, type TestPki } from '../support/certs.js';
import { type FaultyLink, startFaultyLink } from './faulty-link.js';

export const CHAOS_SYSTEM_DEFAULTS = {
  printers: 20,
  /** The demo's load: per printer 20 log lines, 1 Metricbeat document and 10 push messages a second. */
  rates: DEMO_DEFAULTS.rates,
  pollIntervalMs: 2_000,
  thingworx: { requestTimeoutMs: 4_000, healthIntervalMs: 5_000 },
  /** AlwaysOn timings for a run with transport alwayson: the SDK's shape, scaled to a chaos run's pace. */
  alwaysOn: { pingIntervalMs: 5_000, pongTimeoutMs: 3_000, reconnectJitterMs: 500, reconnectMinMs: 200, reconnectMaxMs: 2_000 },
  /**
   * Budgets sized for the monkey's rate (about 2.5 faults a second over the whole tree), so the
   * tree heals instead of giving up; giving up is isolation.test.ts's subject.
   */
  supervision: {
    printer: { intensity: 10, periodMs: 10_000, backoff: { minMs: 50, maxMs: 2_000 } },
    fleet: { intensity: 60, periodMs: 10_000, parkRetryMs: 3_000 },
    adapter: { intensity: 40, periodMs: 10_000, backoff: { minMs: 100, maxMs: 2_000 } },
  },
  /**
   * Caps small enough that an outage fills the queue and backpressure reaches the printers, large
   * enough that one Thing's share (a quarter) holds a full 2048-event Beats window of readings.
   */
  uplink: { maxQueuedReadings: 20_000, maxQueuedBytes: 8 * 1024 * 1024, flushIntervalMs: 50, backoff: { minMs: 100, maxMs: 2_000 } },
  /** Filebeat's own backoff (1 s to 60 s) would make a drain after chaos take minutes. */
  beatsClient: { timeoutMs: 10_000, backoff: { minMs: 200, maxMs: 2_000 } },
  pushClient: { backoff: { minMs: 100, maxMs: 2_000 } },
  /** Adapter log lines kept for a failure report (CHAOS_LOG_LEVEL sets the level; warn by default). */
  keptLogLines: 400,
  logLevel: 'warn' as LogLevel,
} as const;

export interface ChaosSystemOptions {
  printers?: number;
  /** Seeds the simulators and the stand-in's fault draws. */
  seed: number;
  rates?: SimRates;
  /** Raw config sections merged over the chaos defaults (a test tightens supervision, say). */
  configOverrides?: Record<string, unknown>;
  /** The simulated Beats' client settings over the chaos defaults (a smaller window, say). */
  beatsClient?: BeatsClientOverrides;
  /** How the adapter talks to the stand-in; REST unless a run says alwayson. */
  transport?: 'rest' | 'alwayson';
}

export interface ChaosSystem {
  config: AdapterConfig;
  daemon: Daemon;
  registry: Registry;
  standIn: ThingworxStandIn;
  fleet: SimulatedFleet;
  links: { beats: FaultyLink; push: FaultyLink };
  /** True when the adapter's root gave up (the daemon would have exited 70). */
  gaveUp(): boolean;
  /** The last adapter log lines (JSON), oldest first. */
  recentLogs(): string[];
  stop(): Promise<void>;
}

/** A pino destination that keeps only the last lines, for a failure report. */
function logTail(keep: number): { stream: Writable; lines: () => string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.length === 0) continue;
        lines.push(line);
        if (lines.length > keep) lines.shift();
      }
      done();
    },
  });
  return { stream, lines: () => [...lines] };
}

let systems = 0;

export async function startChaosSystem(options: ChaosSystemOptions): Promise<ChaosSystem> {
  const defaults = CHAOS_SYSTEM_DEFAULTS;
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanUp = async () => {
    for (const step of cleanups.reverse()) await step();
  };
  try {
    const pki: TestPki = createTestPki();
    cleanups.push(() => pki.cleanup());
    const appKey = randomBytes(16).toString('hex');
    const appKeyEnv = `CHAOS_3DCONNECT_APP_KEY_${process.pid}_${++systems}`;
    process.env[appKeyEnv] = appKey;
    cleanups.push(() => {
      delete process.env[appKeyEnv];
    });

    const standIn = await startThingworxStandIn({
      appKey,
      things: 'any',
      tls: { cert: pki.serverCert, key: pki.serverKey },
      seed: options.seed,
      // Never evict: a missing record would read as a lost event.
      maxRecords: Number.MAX_SAFE_INTEGER,
    });
    cleanups.push(() => standIn.stop());
    const fleet = await startSimulatedFleet({
      count: options.printers ?? defaults.printers,
      seed: options.seed,
      rates: options.rates ?? defaults.rates,
      beatsClient: { ...defaults.beatsClient, ...options.beatsClient },
      pushClient: { ...defaults.pushClient },
    });
    cleanups.push(() => fleet.stop());
    Object.assign(process.env, fleet.pushTokenEnv());

    const ports = { beats: await freePort(), push: await freePort() };
    const raw: Record<string, unknown> = {
      adapter: { id: 'chaos', thing: '3DConnect-Adapter-chaos' },
      thingworx: {
        url: standIn.url.replace('127.0.0.1', 'localhost'),
        appKey: { env: appKeyEnv },
        tls: { caFile: pki.caCertFile, allowSelfSigned: false, allowInsecureHttp: false },
        ...defaults.thingworx,
        ...(options.transport === 'alwayson' ? { transport: 'alwayson', alwaysOn: defaults.alwaysOn } : {}),
      },
      listeners: {
        beats: { enabled: true, host: '127.0.0.1', port: ports.beats },
        push: { enabled: true, host: '127.0.0.1', port: ports.push, path: '/push/v1' },
      },
      control: { socket: `${pki.dir}/control.sock` },
      uplink: defaults.uplink,
      supervision: defaults.supervision,
      printers: fleet.printers.map((sim) => printerConfigFor(sim, { pollIntervalMs: defaults.pollIntervalMs })),
      ...options.configOverrides,
    };
    const validated = validateConfig(raw);
    if (!validated.ok) throw new Error(`chaos configuration is invalid:\n${validated.errors.join('\n')}`);
    const config = validated.config;

    const level = process.env.CHAOS_LOG_LEVEL;
    const tail = logTail(defaults.keptLogLines);
    const logger = createLogger({ level: isLogLevel(level) ? level : defaults.logLevel, destination: tail.stream });
    const daemon = await startDaemon(config, { logger });
    let gaveUp = false;
    let stopping = false;
    void daemon.exited.then((code) => {
      if (!stopping && code !== 0) gaveUp = true;
    });
    cleanups.push(async () => {
      stopping = true;
      await daemon.stop();
    });

    const links = {
      beats: await startFaultyLink({ host: '127.0.0.1', port: ports.beats }),
      push: await startFaultyLink({ host: '127.0.0.1', port: ports.push }),
    };
    cleanups.push(() => links.beats.stop());
    cleanups.push(() => links.push.stop());
    // Stopped first: the printers stop shipping before anything they talk to goes away.
    cleanups.push(() => fleet.stop());
    await fleet.start({
      beats: { host: '127.0.0.1', port: links.beats.port },
      push: { url: `ws://127.0.0.1:${links.push.port}/push/v1` },
    });

    return {
      config,
      daemon,
      registry: daemon.tree.registry,
      standIn,
      fleet,
      links,
      gaveUp: () => gaveUp,
      recentLogs: tail.lines,
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
