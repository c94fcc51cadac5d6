/**
 * One chaos run, as CI (chaos.test.ts) and `npm run soak` (soak.ts) do it: start the system, let the
 * seeded monkey loose for the duration, stop the faults, then check every invariant and sum the run
 * up in one line.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Registry } from '../../supervision/index.js';
import {
  accountDeliveries,
  type Convergence,
  eventTotals,
  type DeliveryAccount,
  INVARIANT_DEFAULTS,
  type MemoryReport,
  startMemorySampler,
  unansweredPings,
  waitForAllRunning,
} from './invariants.js';
import { createChaosMonkey, type MonkeyReport } from './monkey.js';
import { FAULT_KINDS } from './schedule.js';
import { replayHint } from './chaos-seed.js';
import { type ChaosSystem, startChaosSystem } from './system.js';
import { BACKOFF_DEFAULTS } from '../../config/defaults.js';

export const CHAOS_RUN_DEFAULTS = {
  /** Once the faults stop, how long the printers may take to get everything acknowledged. */
  drainTimeoutMs: 45_000,
  /** Tree back to running within the largest backoff in effect (with its jitter) plus this. */
  convergenceSlackMs: 2_000,
  /**
   * RSS of this whole process (adapter, 20 simulators, the stand-in with every record, the ledger,
   * ava): a base, plus what the test bookkeeping grows by per minute of load (records and ledger
   * keep every reading so that loss can be checked reading by reading).
   */
  rssBaseMb: 500,
  rssPerMinuteMb: 60,
  progressEveryMs: 5_000,
  runProgressEveryMs: 30_000,
} as const;

export interface ChaosRunOptions {
  seed: number;
  durationMs: number;
  printers?: number;
  /** Overrides the RSS cap computed from the duration. */
  rssCapMb?: number;
  /** Progress lines (the soak prints them; the test keeps quiet). */
  progress?: (line: string) => void;
  /** The uplink's transport (REST unless given). */
  transport?: 'rest' | 'alwayson';
}

export interface ChaosOutcome {
  seed: number;
  /** `chaos seed=… faults=… restarts=… sent=… delivered=… duplicates=… lost=… corrupted=… max_rss_mb=…` */
  summaryLine: string;
  /** Every broken invariant, each ending with the replay hint. Empty: the run passed. */
  violations: string[];
  /** Measurements worth a look even when the run passed. */
  details: string;
  /** The adapter's last log lines, for a failing run's report. */
  recentLogs: string[];
}

/** The largest restart delay the tree can be waiting out when the faults stop (see the bound in README). */
export function convergenceBoundMs(system: ChaosSystem): number {
  const { supervision } = system.config;
  // The adapter gives the fleet supervisor no backoff of its own, so the supervision default applies there.
  const maxBackoffMs = Math.max(supervision.printer.backoff.maxMs, supervision.adapter.backoff.maxMs, BACKOFF_DEFAULTS.maxMs);
  const withJitter = maxBackoffMs * (1 + BACKOFF_DEFAULTS.jitter);
  return Math.max(withJitter, supervision.fleet.parkRetryMs) + CHAOS_RUN_DEFAULTS.convergenceSlackMs;
}

function totalRestarts(registry: Registry): number {
  return registry.snapshot().reduce((sum, row) => sum + row.restarts.total, 0);
}

function faultList(report: MonkeyReport['injected']): string {
  const parts = FAULT_KINDS.flatMap((kind) => (report[kind] ? [`${kind}:${report[kind]}`] : []));
  return parts.length > 0 ? parts.join(',') : 'none';
}

interface Measured {
  monkey: MonkeyReport;
  convergence: Convergence;
  drainMs: number;
  drainError?: string;
  memory: MemoryReport;
  account: DeliveryAccount;
  zombies: string[];
  restarts: number;
  boundMs: number;
}

/** The zero-loss invariant: events missing from ThingWorx, and events that reached it with another value. */
export function deliveryViolations(account: DeliveryAccount): string[] {
  const found: string[] = [];
  const missing = account.lost - account.corrupted;
  if (missing > 0) {
    const examples = account.lostExamples.filter((text) => !account.corruptedExamples.includes(text));
    found.push(`zero loss: ${missing} acknowledged events are not (completely) in ThingWorx, e.g. ${examples.join('; ')}`);
  }
  if (account.corrupted > 0) {
    found.push(
      `zero loss: ${account.corrupted} acknowledged events reached ThingWorx with another value, e.g. ${account.corruptedExamples.join('; ')}`,
    );
  }
  return found;
}

function violationsOf(m: Measured, system: ChaosSystem, seed: number): string[] {
  const hint = replayHint(seed);
  const found = deliveryViolations(m.account);
  if (!m.convergence.converged) {
    found.push(
      `convergence: not all running ${m.boundMs} ms after the faults stopped: ${m.convergence.notRunning.slice(0, 10).join(', ')}`,
    );
  }
  if (m.drainError !== undefined || m.account.sent !== m.account.acked) {
    found.push(
      `convergence: ${m.account.sent - m.account.acked} of ${m.account.sent} sent events never acknowledged (${m.drainError ?? 'drained'})`,
    );
  }
  if (m.zombies.length > 0) found.push(`no zombies: running but not answering a ping: ${m.zombies.join(', ')}`);
  for (const breach of m.memory.violations) found.push(`bounded memory: ${breach}`);
  if (m.memory.queueSamples === 0) found.push('bounded memory: the uplink never answered a queue sample');
  if (system.gaveUp()) found.push('isolation: the adapter root gave up (the daemon would have exited)');
  return found.map((text) => `${text} — ${hint}`);
}

export async function runChaos(options: ChaosRunOptions): Promise<ChaosOutcome> {
  const { seed, durationMs } = options;
  const progress = options.progress ?? (() => undefined);
  const minutes = durationMs / 60_000;
  const rssCapMb = options.rssCapMb ?? Math.round(CHAOS_RUN_DEFAULTS.rssBaseMb + CHAOS_RUN_DEFAULTS.rssPerMinuteMb * minutes);
  const system = await startChaosSystem({
    seed,
    ...(options.printers === undefined ? {} : { printers: options.printers }),
    ...(options.transport === undefined ? {} : { transport: options.transport }),
  });
  let stopSampling = () => {};
  try {
    const { registry, fleet } = system;
    const monkey = createChaosMonkey(
      seed,
      { durationMs, printers: system.config.printers.map((printer) => printer.id) },
      {
        registry,
        thingworx: system.standIn.faults,
        printer: (id) => fleet.printer(id),
        links: system.links,
      },
    );
    const sampler = startMemorySampler(registry, {
      rssMb: rssCapMb,
      mailboxDepth: INVARIANT_DEFAULTS.mailboxDepthCap,
      queueReadings: system.config.uplink.maxQueuedReadings,
      queueBytes: system.config.uplink.maxQueuedBytes,
    });
    // How starved the one event loop (adapter, simulators, stand-in) was: context for slow drains.
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    stopSampling = () => {
      sampler.stop();
      loopDelay.disable();
    };
    progress(
      `chaos ${replayHint(seed)}: ${monkey.schedule.length} steps over ${Math.round(durationMs / 1000)} s, ${system.config.printers.length} printers`,
    );
    const startedAt = Date.now();
    const runProgress = setInterval(() => {
      const { sent, acked } = eventTotals(fleet);
      const injected = Object.values(monkey.report().injected).reduce((sum, count) => sum + count, 0);
      progress(
        `+${Math.round((Date.now() - startedAt) / 1000)} s: faults=${injected} restarts=${totalRestarts(registry)} sent=${sent} acked=${acked}`,
      );
    }, CHAOS_RUN_DEFAULTS.runProgressEveryMs);
    let monkeyReport: MonkeyReport;
    try {
      monkeyReport = await monkey.run();
    } finally {
      clearInterval(runProgress);
      monkey.stop();
    }

    const boundMs = convergenceBoundMs(system);
    const convergence = await waitForAllRunning(registry, boundMs);
    progress(`faults stopped; tree ${convergence.converged ? `running again after ${convergence.tookMs} ms` : 'NOT converged'}`);
    const drainStarted = Date.now();
    fleet.setRates({ linesPerSecond: 0, metricDocsPerSecond: 0, pushMessagesPerSecond: 0 });
    let drainError: string | undefined;
    const drainProgress = setInterval(() => {
      const { sent, acked } = eventTotals(fleet);
      progress(`draining: ${sent - acked} of ${sent} events not yet acknowledged`);
    }, CHAOS_RUN_DEFAULTS.progressEveryMs);
    try {
      await fleet.drained(CHAOS_RUN_DEFAULTS.drainTimeoutMs);
    } catch (error) {
      drainError = error instanceof Error ? error.message : String(error);
    } finally {
      clearInterval(drainProgress);
    }
    const drainMs = Date.now() - drainStarted;
    const memory = sampler.stop();
    loopDelay.disable();
    stopSampling = () => {};
    const measured: Measured = {
      monkey: monkeyReport,
      convergence,
      drainMs,
      ...(drainError === undefined ? {} : { drainError }),
      memory,
      account: accountDeliveries(fleet, system.standIn.records),
      zombies: await unansweredPings(registry),
      restarts: totalRestarts(registry),
      boundMs,
    };
    const { account } = measured;
    const summaryLine =
      `chaos seed=${seed} faults=${faultList(monkeyReport.injected)} restarts=${measured.restarts} sent=${account.sent} ` +
      `delivered=${account.delivered} duplicates=${account.duplicates} lost=${account.lost} corrupted=${account.corrupted} max_rss_mb=${Math.round(memory.maxRssMb)}`;
    const details =
      `converged_ms=${convergence.tookMs} bound_ms=${Math.round(boundMs)} drain_ms=${drainMs} acked=${account.acked} ` +
      `max_queue_readings=${memory.maxQueueReadings} max_queue_bytes=${memory.maxQueueBytes} max_mailbox=${memory.maxMailboxDepth}@${memory.maxMailboxPath} ` +
      `loop_delay_p99_ms=${Math.round(loopDelay.percentile(99) / 1e6)} rss_cap_mb=${rssCapMb} samples=${memory.samples}/${memory.queueSamples} missed=${faultList(monkeyReport.missed)}`;
    return { seed, summaryLine, violations: violationsOf(measured, system, seed), details, recentLogs: system.recentLogs() };
  } finally {
    stopSampling();
    await system.stop();
  }
}
