/**
 * The whole system on one machine, on loopback: the ThingWorx stand-in over real TLS (a throw-away
 * CA), up to 20 simulated printers speaking Beats, push and PIP/1, and the real adapter between
 * them. Used by `3dconnect demo` / `npm start`, the integration tests and the benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { controlRequest } from '../protocols/control/client.js';
import { type AdapterProcess, startAdapterProcess } from './adapter-process.js';
import { healthPath, INGRESS_PATH } from '../actors/paths.js';
import { type Daemon, startDaemon } from '../actors/daemon.js';
import { type Logger, silentLogger } from '../config/logging.js';
import type { AdapterConfig } from '../config/types.js';
import { validateConfig } from '../config/validate.js';
import { createTestPki, type TestPki } from './pki.js';
import { accountDeliveries, eventTotals } from './printers/delivery-account.js';
import { createRunningAccount, type RunningAccount } from './printers/running-account.js';
import {
  type Excursions,
  type FleetCounters,
  printerConfigFor,
  type SimRates,
  type SimulatedFleet,
  startExcursions,
  startSimulatedFleet,
} from './printers/index.js';
import { startThingworxStandIn, type ThingworxStandIn } from './thingworx/stand-in.js';

export const DEMO_DEFAULTS = {
  printers: 20,
  seed: 42,
  rates: { linesPerSecond: 20, metricDocsPerSecond: 1, pushMessagesPerSecond: 10 } satisfies SimRates,
  pollIntervalMs: 2_000,
  appKeyEnv: 'DEMO_3DCONNECT_TWX_APP_KEY',
  drainTimeoutMs: 30_000,
  /** Rows the stand-in keeps when the demo runs bounded (its account keeps none of its own). */
  boundedStandInRows: 20_000,
} as const;

export interface DemoOptions {
  printers?: number;
  seed?: number;
  rates?: SimRates;
  /** The adapter's logger (the demo keeps it quiet by default). */
  logger?: Logger;
  /** Raw config sections merged over the generated ones (tests tune limits and supervision). */
  configOverrides?: Record<string, unknown>;
  /**
   * Printers cross their limits now and then (excursions.ts), so alerts are raised and cleared. Off
   * unless asked: tests that count alerts force their own values.
   */
  excursions?: boolean;
  /**
   * Memory that stays flat however long the demo runs: the account is kept as it goes (running-account.ts),
   * with counters per printer, instead of every expected reading and every row; the stand-in keeps only its
   * latest rows. Off unless asked: tests that read the stand-in's rows (standIn.records) need them all.
   */
  bounded?: boolean;
  /**
   * The adapter runs as its own process (`3dconnect run`), so its memory is measured apart from the
   * simulators' and the stand-in's. `demo.daemon` is then unavailable: use the control socket.
   * The command is node's arguments before `run --config FILE` (default: this process's entry script).
   */
  adapterProcess?: boolean | { command: readonly string[] };
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
  /** Alert transitions the printers' health actors made (a restarted health actor's count starts again). */
  alerts_raised: number;
  alerts_cleared: number;
  /** Peak RSS of the demo's process: the simulators and the stand-in, and the adapter too unless it runs apart. */
  max_rss_mb: number;
  /** Peak RSS of the adapter's own process, when it runs apart (adapterProcess); null otherwise. */
  adapter_max_rss_mb: number | null;
}

export interface Demo {
  config: AdapterConfig;
  /** The adapter in this process; throws when it runs as its own process (adapterProcess). */
  daemon: Daemon;
  /** The adapter's own process, when it runs apart. */
  adapter: AdapterProcess | undefined;
  standIn: ThingworxStandIn;
  fleet: SimulatedFleet;
  pki: TestPki;
  startedAt: number;
  maxRssMb(): number;
  /** Peak RSS of the adapter's own process so far; undefined when it runs in this process. */
  adapterMaxRssMb(): number | undefined;
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
  const running: RunningAccount | undefined = options.bounded ? createRunningAccount() : undefined;
  const standIn = await startThingworxStandIn({
    appKey,
    things: 'any',
    tls: { cert: pki.serverCert, key: pki.serverKey },
    ...(running ? { maxRecords: DEMO_DEFAULTS.boundedStandInRows, onRow: running.row } : {}),
  });
  const fleet = await startSimulatedFleet({
    count: options.printers ?? DEMO_DEFAULTS.printers,
    seed: options.seed ?? DEMO_DEFAULTS.seed,
    rates: options.rates ?? DEMO_DEFAULTS.rates,
    ...(running ? { ledger: { keepExpected: false, onExpected: running.expect } } : {}),
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

  let daemon: Daemon | undefined;
  let adapter: AdapterProcess | undefined;
  let ports: { beats: number; push: number };
  if (options.adapterProcess) {
    // The same configuration as a file; at info, so the child announces its listeners' ports.
    const configFile = `${pki.dir}/adapter.json`;
    writeFileSync(configFile, JSON.stringify({ ...raw, log: { level: 'info' } }, null, 2), { mode: 0o600 });
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.LOG_LEVEL;
    const command = typeof options.adapterProcess === 'object' ? options.adapterProcess.command : undefined;
    adapter = await startAdapterProcess({ configFile, env, ...(command ? { command } : {}) });
    ports = adapter.ports;
  } else {
    daemon = await startDaemon(config, { logger: options.logger ?? silentLogger() });
    const ingress = await daemon.tree.registry.ask(INGRESS_PATH, { type: 'Describe' }, 5_000);
    if (!ingress.beats || !ingress.push) throw new Error('demo: the adapter did not open its printer listeners');
    ports = { beats: ingress.beats.port, push: ingress.push.port };
  }
  await fleet.start({
    beats: { host: '127.0.0.1', port: ports.beats },
    push: { url: `ws://127.0.0.1:${ports.push}/push/v1` },
  });

  const excursions: Excursions | undefined = options.excursions
    ? startExcursions(fleet.printers, { seed: options.seed ?? DEMO_DEFAULTS.seed })
    : undefined;

  const startedAt = Date.now();
  let maxRss = process.memoryUsage().rss;
  let adapterMaxRss = 0;
  const rssSampler = setInterval(() => {
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
    if (adapter && !adapter.exited()) adapterMaxRss = Math.max(adapterMaxRss, adapter.rssMb() || 0);
  }, 250);
  rssSampler.unref();
  const maxRssMb = () => Math.round((Math.max(maxRss, process.memoryUsage().rss) / 2 ** 20) * 10) / 10;
  const adapterMaxRssMb = () => (adapter ? Math.round(adapterMaxRss * 10) / 10 : undefined);

  async function alertCounts(): Promise<{ raised: number; cleared: number }> {
    if (daemon === undefined) {
      // The adapter runs apart: what its control socket counted (every transition since it started).
      try {
        const reply = (await controlRequest(config.control.socket, 'events')) as {
          totals?: { alertsRaised?: number; alertsCleared?: number };
        };
        return { raised: reply.totals?.alertsRaised ?? 0, cleared: reply.totals?.alertsCleared ?? 0 };
      } catch {
        return { raised: 0, cleared: 0 };
      }
    }
    let raised = 0;
    let cleared = 0;
    for (const printer of config.printers) {
      try {
        const view = await daemon.tree.registry.ask(healthPath(printer.id), { type: 'Describe' }, 2_000);
        raised += view.alertsRaised;
        cleared += view.alertsCleared;
      } catch {
        // A health actor restarting: its count starts again; the summary says what it can see.
      }
    }
    return { raised, cleared };
  }

  return {
    config,
    get daemon(): Daemon {
      if (daemon === undefined) throw new Error('demo: the adapter runs as its own process; use its control socket');
      return daemon;
    },
    adapter,
    adapterMaxRssMb,
    standIn,
    fleet,
    pki,
    startedAt,
    maxRssMb,
    async quiesce(timeoutMs = DEMO_DEFAULTS.drainTimeoutMs) {
      // Excursions end first: forcing a value produces an event, which would outlive the drain.
      excursions?.stop();
      fleet.setRates({ linesPerSecond: 0, metricDocsPerSecond: 0, pushMessagesPerSecond: 0 });
      await fleet.drained(timeoutMs);
    },
    async summary() {
      const alerts = await alertCounts();
      const common = {
        printers: config.printers.length,
        duration_s: Math.round((Date.now() - startedAt) / 100) / 10,
        per_source: fleet.counters().totals,
        alerts_raised: alerts.raised,
        alerts_cleared: alerts.cleared,
        max_rss_mb: maxRssMb(),
        adapter_max_rss_mb: adapterMaxRssMb() ?? null,
      };
      if (running) {
        const totals = eventTotals(fleet);
        const account = running.summary();
        return {
          ...common,
          events_sent: totals.sent,
          events_acked: totals.acked,
          // As delivery-account.ts counts it: an event without readings (a JOBFILE line) has nothing to lose.
          events_delivered: totals.acked - account.lost,
          readings_expected:
            common.per_source.filebeat.readings_acked + common.per_source.metricbeat.readings_acked + common.per_source.push.readings_acked,
          readings_recorded: account.rows,
          duplicates: account.duplicates,
          lost: account.lost,
          leaked: running.holdsText(fleet.forbiddenStrings()),
        };
      }
      const account = accountDeliveries(fleet, standIn.records);
      const recorded = JSON.stringify(standIn.records.map((r) => r.value));
      const leaked = fleet.forbiddenStrings().filter((text) => recorded.includes(text)).length;
      return {
        ...common,
        events_sent: account.sent,
        events_acked: account.acked,
        events_delivered: account.delivered,
        readings_expected: fleet.expectedAcked().length,
        readings_recorded: standIn.records.length,
        duplicates: account.duplicates,
        lost: account.lost,
        leaked,
      };
    },
    async stop() {
      excursions?.stop();
      clearInterval(rssSampler);
      await fleet.stop();
      await daemon?.stop();
      await adapter?.stop();
      await standIn.stop();
      pki.cleanup();
    },
  };
}
