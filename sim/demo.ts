/**
 * The whole system on one machine, on loopback: the ThingWorx stand-in over real TLS (a throw-away
 * CA), up to 20 simulated printers speaking Beats, push and PIP/1, and the real adapter between
 * them. Used by `3dconnect demo` / `npm start`, the integration tests and the benchmarks.
 */
import { randomBytes } from 'node:crypto';
import type { HealthView } from '../actors/health/behaviour.js';
import type { IngressView } from '../actors/ingress/messages.js';
import { healthPath, INGRESS_PATH } from '../actors/paths.js';
import { type Daemon, startDaemon } from '../cli/daemon.js';
import { type Logger, silentLogger } from '../config/logging.js';
import type { AdapterConfig } from '../config/types.js';
import { validateConfig } from '../config/validate.js';
import { createTestPki, type TestPki } from './pki.js';
import { accountDeliveries } from './printers/delivery-account.js';
import { type FleetCounters, printerConfigFor, type SimRates, type SimulatedFleet, startSimulatedFleet } from './printers/index.js';
import { startThingworxStandIn, type ThingworxStandIn } from './thingworx/stand-in.js';

export const DEMO_DEFAULTS = {
  printers: 20,
  seed: 42,
  rates: { linesPerSecond: 20, metricDocsPerSecond: 1, pushMessagesPerSecond: 10 } satisfies SimRates,
  pollIntervalMs: 2_000,
  appKeyEnv: 'DEMO_3DCONNECT_TWX_APP_KEY',
  drainTimeoutMs: 30_000,
} as const;

export interface DemoOptions {
  printers?: number;
  seed?: number;
  rates?: SimRates;
  /** The adapter's logger (the demo keeps it quiet by default). */
  logger?: Logger;
  /** Raw config sections merged over the generated ones (tests tune limits and supervision). */
  configOverrides?: Record<string, unknown>;
  /** How the adapter talks to the stand-in: REST (the default) or the AlwaysOn WebSocket session. */
  transport?: 'rest' | 'alwayson';
}

export interface DemoSummary {
  printers: number;
  duration_s: number;
  events_sent: number;
  events_acked: number;
  /** Acknowledged events whose every expected reading ThingWorx holds. */
  events_delivered: number;
  readings_expected: number;
  readings_recorded: number;
  /** Acknowledged events ThingWorx got more than once (at-least-once re-sends). */
  duplicates: number;
  /** Acknowledged events with an expected reading ThingWorx does not hold. Must be 0. */
  lost: number;
  /** Raw lines or job-file names found in ThingWorx. Must be 0. */
  leaked: number;
  per_source: FleetCounters['totals'];
  alerts_raised: number;
  max_rss_mb: number;
}

export interface Demo {
  config: AdapterConfig;
  daemon: Daemon;
  standIn: ThingworxStandIn;
  fleet: SimulatedFleet;
  pki: TestPki;
  startedAt: number;
  maxRssMb(): number;
  /** Stops the printers producing and waits until every event they sent is acknowledged. */
  quiesce(timeoutMs?: number): Promise<void>;
  summary(): Promise<DemoSummary>;
  stop(): Promise<void>;
}

let demos = 0;


export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const pki = createTestPki('printer-demo');
  const appKey = randomBytes(16).toString('hex');
  // One variable per demo: tests may run several demos in one process.
  const appKeyEnv = `${DEMO_DEFAULTS.appKeyEnv}_${++demos}`;
  process.env[appKeyEnv] = appKey;
  const standIn = await startThingworxStandIn({ appKey, things: 'any', tls: { cert: pki.serverCert, key: pki.serverKey } });
  const fleet = await startSimulatedFleet({
    count: options.printers ?? DEMO_DEFAULTS.printers,
    seed: options.seed ?? DEMO_DEFAULTS.seed,
    rates: options.rates ?? DEMO_DEFAULTS.rates,
  });
  Object.assign(process.env, fleet.pushTokenEnv());

  const raw: Record<string, unknown> = {
    adapter: { id: 'demo', thing: '3DConnect-Adapter-demo' },
    log: { level: 'warn' },
    thingworx: {
      url: standIn.url.replace('127.0.0.1', 'localhost'),
      transport: options.transport ?? 'rest',
      appKey: { env: appKeyEnv },
      tls: { caFile: pki.caCertFile, allowSelfSigned: false, allowInsecureHttp: false },
      healthIntervalMs: 5_000,
    },
    listeners: {
      beats: { enabled: true, host: '127.0.0.1', port: 0 },
      push: { enabled: true, host: '127.0.0.1', port: 0, path: '/push/v1' },
    },
    control: { socket: `${pki.dir}/control.sock` },
    uplink: { flushIntervalMs: 50 },
    printers: fleet.printers.map((sim) => printerConfigFor(sim, { pollIntervalMs: DEMO_DEFAULTS.pollIntervalMs })),
    ...options.configOverrides,
  };
  const validated = validateConfig(raw);
  if (!validated.ok) throw new Error(`demo configuration is invalid:\n${validated.errors.join('\n')}`);
  const config = validated.config;

  const daemon = await startDaemon(config, { logger: options.logger ?? silentLogger() });
  const ingress = await daemon.tree.registry.ask<IngressView>(INGRESS_PATH, { type: 'Describe' }, 5_000);
  if (!ingress.beats || !ingress.push) throw new Error('demo: the adapter did not open its printer listeners');
  await fleet.start({
    beats: { host: '127.0.0.1', port: ingress.beats.port },
    push: { url: `ws://127.0.0.1:${ingress.push.port}/push/v1` },
  });

  const startedAt = Date.now();
  let maxRss = process.memoryUsage().rss;
  const rssSampler = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
  }, 250);
  rssSampler.unref();
  const maxRssMb = () => Math.round((Math.max(maxRss, process.memoryUsage().rss) / 2 ** 20) * 10) / 10;

  async function alertsRaised(): Promise<number> {
    let raised = 0;
    for (const printer of config.printers) {
      try {
        const view = await daemon.tree.registry.ask<HealthView>(healthPath(printer.id), { type: 'Describe' }, 2_000);
        raised += view.alertsRaised;
      } catch {
        // A health actor restarting: its count starts again; the summary says what it can see.
      }
    }
    return raised;
  }

  return {
    config,
    daemon,
    standIn,
    fleet,
    pki,
    startedAt,
    maxRssMb,
    async quiesce(timeoutMs = DEMO_DEFAULTS.drainTimeoutMs) {
      fleet.setRates({ linesPerSecond: 0, metricDocsPerSecond: 0, pushMessagesPerSecond: 0 });
      await fleet.drained(timeoutMs);
    },
    async summary() {
      const account = accountDeliveries(fleet, standIn.records);
      const recorded = JSON.stringify(standIn.records.map((r) => r.value));
      const leaked = fleet.forbiddenStrings().filter((text) => recorded.includes(text)).length;
      return {
        printers: config.printers.length,
        duration_s: Math.round((Date.now() - startedAt) / 100) / 10,
        events_sent: account.sent,
        events_acked: account.acked,
        events_delivered: account.delivered,
        readings_expected: fleet.expectedAcked().length,
        readings_recorded: standIn.records.length,
        duplicates: account.duplicates,
        lost: account.lost,
        leaked,
        per_source: fleet.counters().totals,
        alerts_raised: await alertsRaised(),
        max_rss_mb: maxRssMb(),
      };
    },
    async stop() {
      clearInterval(rssSampler);
      await fleet.stop();
      await daemon.stop();
      await standIn.stop();
      pki.cleanup();
    },
  };
}
