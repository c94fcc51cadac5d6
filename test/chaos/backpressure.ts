/**
 * The chaos phase that fills the uplink queue to its cap: a long ThingWorx outage against a small
 * `maxQueuedReadings`, with the monkey killing and crashing actors all along, then ThingWorx comes
 * back. It must reach the Busy → paused source → held Beats/push path that the 60 s chaos run never
 * reaches (its short outages filled at most 6,000 of 20,000), and lose nothing on the way.
 */
import { collectorPath, INGRESS_PATH, UPLINK_PATH } from '../../actors/paths.js';
import { laneCap } from '../../actors/uplink/queue-caps.js';
import { resolveUplinkLimits } from '../../actors/uplink/limits.js';
import type { BeatsBatch, BeatsWindowHandle } from '../../protocols/lumberjack/batch.js';
import { seededRandom } from '../../sim/seeded-random.js';
import type { Registry, ReplyAddress } from '../../supervision/index.js';
import { replayHint } from './chaos-seed.js';
import {
  accountDeliveries,
  type DeliveryAccount,
  eventTotals,
  INVARIANT_DEFAULTS,
  type MemoryReport,
  startMemorySampler,
  unansweredPings,
  waitForAllRunning,
} from './invariants.js';
import { createChaosMonkey, type MonkeyReport } from './monkey.js';
import { convergenceBoundMs, deliveryViolations } from './run.js';
import { ACTOR_FAULT_KINDS } from './schedule.js';
import { CHAOS_SYSTEM_DEFAULTS, startChaosSystem } from './system.js';
import { until as untilCondition } from '../support/until.js';

export const BACKPRESSURE_PHASE_DEFAULTS = {
  /** Four SLA printers (Filebeat + Metricbeat) and four that push (and run Metricbeat). */
  printers: 8,
  /**
   * The queue under test; the routine lanes may fill 95% of it (1,900). It must be below what the printers can
   * have in flight during an outage, or the queue never fills: a push connection stops being read at 64 unacked
   * messages (~600 readings), and a Beat waits with its 2 pipelined windows, so these 8 printers stall at about
   * 2,500 queued readings (20 printers at about 6,000: why the 20,000 of the 60 s run was never reached). At
   * this load the outage fills it in about 4 s, and again after every uplink kill.
   */
  maxQueuedReadings: 2_000,
  /**
   * One Thing may hold half of it (1,000 readings): the busy answers come from the whole queue being full, not
   * one Thing's share, and a full Beats window still fits (a batch over one Thing's share could never be queued,
   * and the collector would have to drop it).
   */
  perThingShare: 0.5,
  /**
   * Filebeat's bulk_max_size for this phase: a 256-line window makes at most ~470 readings (5-line cycles carry 9),
   * inside one Thing's share; the default 2,048 lines (~3,700 readings) would not fit.
   */
  beatsWindowSize: 256,
  /** Traffic acknowledged before the outage starts, so every source is connected and flowing. */
  warmupAckedEvents: 300,
  /** The outage, with actor kills all along. Long enough to fill the queue twice over. */
  outageMs: 20_000,
  sampleEveryMs: 250,
  /** Between two resets of every Beats connection while no Beat has been held back yet. */
  beatsResetGapMs: 3_000,
  /** Reached the cap: the queue held at least this share of what the routine lanes may hold… */
  atCapShare: 0.9,
  drainTimeoutMs: 45_000,
  /**
   * RSS of the whole test process: Node and ava (~70 MB), the adapter with its capped queue (2,000 readings, a
   * few MB), 8 simulators with their backlogs, the stand-in and the ledger holding every reading of the run
   * (about 3,000 events and 15,000 readings). Measured at about 175 MB on Node 20; 300 MB leaves room for GC
   * timing and Node 24, and still fails if what the outage holds back stops being bounded.
   */
  rssCapMb: 300,
} as const;

export interface BackpressureEvidence {
  /** The most readings the uplink reported queued in one sample, and what the routine lanes may hold. */
  maxQueueReadings: number;
  laneCapReadings: number;
  /** Offers answered Busy because the queue (readings or bytes) was full, summed over uplink incarnations. */
  busyQueueFull: number;
  /** Offers answered Busy for any reason. */
  busyAnswers: number;
  /** The most senders waiting for room in one sample. */
  maxWaitingSenders: number;
  /** Collectors seen waiting for space (their Beats connections and push messages paused). */
  pausedCollectors: string[];
  /** Beats windows whose connection a collector paused (stopped reading: the Beat holds the rest). */
  beatsPauses: number;
  /** Push connections a collector had ingress pause. */
  pushPauses: number;
  uplinkSamples: number;
}

export interface BackpressureOutcome {
  seed: number;
  summaryLine: string;
  violations: string[];
  details: string;
  recentLogs: string[];
  evidence: BackpressureEvidence;
  memory: MemoryReport;
  account: DeliveryAccount;
  monkey: MonkeyReport;
}

const sumOf = (counts: Record<string, number>): number => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** Uplink status and collectors' views, sampled to show the queue at its cap and the sources paused. */
function startBackpressureSampler(
  system: Awaited<ReturnType<typeof startChaosSystem>>,
  laneCapReadings: number,
): { latestQueueReadings(): number; stop(): BackpressureEvidence } {
  const { registry } = system;
  const printers = system.config.printers.map((printer) => printer.id);
  const evidence: BackpressureEvidence = {
    maxQueueReadings: 0,
    laneCapReadings,
    busyQueueFull: 0,
    busyAnswers: 0,
    maxWaitingSenders: 0,
    pausedCollectors: [],
    beatsPauses: 0,
    pushPauses: 0,
    uplinkSamples: 0,
  };
  const paused = new Set<string>();
  // Counters start at 0 in every uplink incarnation: what the last one reached is banked when they drop.
  let banked = { full: 0, any: 0 };
  let last = { full: 0, any: 0 };
  let latest = 0;
  let sampling = false;
  const sample = async () => {
    if (sampling) return;
    sampling = true;
    try {
      const [status, ...views] = await Promise.all([
        registry.ask(UPLINK_PATH, { type: 'Describe' }, INVARIANT_DEFAULTS.uplinkAskMs).catch(() => undefined),
        ...printers.map((id) =>
          registry.ask(collectorPath(id), { type: 'Describe' }, INVARIANT_DEFAULTS.uplinkAskMs).catch(() => undefined),
        ),
      ]);
      views.forEach((view, index) => {
        if (view?.waitingForSpace) paused.add(printers[index]!);
      });
      if (!status) return;
      evidence.uplinkSamples += 1;
      latest = status.queue.readings;
      evidence.maxQueueReadings = Math.max(evidence.maxQueueReadings, latest);
      evidence.maxWaitingSenders = Math.max(evidence.maxWaitingSenders, status.queue.waitingSenders);
      const busy = status.counters.busyByReason;
      const now = { full: (busy['queue-readings-full'] ?? 0) + (busy['queue-bytes-full'] ?? 0), any: sumOf(busy) };
      if (now.any < last.any) banked = { full: banked.full + last.full, any: banked.any + last.any };
      last = now;
    } finally {
      sampling = false;
    }
  };
  const timer = setInterval(() => void sample(), BACKPRESSURE_PHASE_DEFAULTS.sampleEveryMs);
  return {
    latestQueueReadings: () => latest,
    stop() {
      clearInterval(timer);
      return {
        ...evidence,
        busyQueueFull: banked.full + last.full,
        busyAnswers: banked.any + last.any,
        pausedCollectors: [...paused].sort(),
      };
    },
  };
}

/**
 * Counts the pauses collectors make, by kind of source, from outside: a Beats window is routed to its collector
 * through the registry (its window handle's pause is wrapped on the way), a push connection is paused by a PausePush
 * to ingress. Returns the counts and a function that puts the registry back.
 */
function spyOnPauses(registry: Registry): { counts: { beats: number; push: number }; restore(): void } {
  const counts = { beats: 0, push: 0 };
  const tell = registry.tellUnchecked;
  registry.tellUnchecked = (to: string | ReplyAddress, msg: unknown): boolean => {
    const type = typeof msg === 'object' && msg !== null && 'type' in msg ? msg.type : undefined;
    if (type === 'WindowReceived' && 'batch' in (msg as object)) {
      const routed = msg as { type: 'WindowReceived'; batch: BeatsBatch };
      const { handle } = routed.batch;
      const counted: BeatsWindowHandle = {
        ack: (count) => handle.ack(count),
        reject: (reason) => handle.reject(reason),
        pause: () => {
          counts.beats += 1;
          handle.pause();
        },
        resume: () => handle.resume(),
      };
      return tell.call(registry, to, { ...routed, batch: { ...routed.batch, handle: counted } });
    }
    if (type === 'PausePush' && to === INGRESS_PATH && (msg as { paused?: boolean }).paused === true) counts.push += 1;
    return tell.call(registry, to, msg);
  };
  return {
    counts,
    restore: () => {
      registry.tellUnchecked = tell;
    },
  };
}

export function backpressureViolations(evidence: BackpressureEvidence): string[] {
  const found: string[] = [];
  const atCap = Math.floor(evidence.laneCapReadings * BACKPRESSURE_PHASE_DEFAULTS.atCapShare);
  if (evidence.uplinkSamples === 0) found.push('backpressure: the uplink never answered a status sample');
  if (evidence.maxQueueReadings < atCap) {
    found.push(
      `backpressure: the queue never reached its cap: at most ${evidence.maxQueueReadings} readings, cap ${evidence.laneCapReadings}`,
    );
  }
  if (evidence.busyQueueFull === 0) found.push('backpressure: the uplink never answered Busy because its queue was full');
  if (evidence.maxWaitingSenders === 0 || evidence.pausedCollectors.length === 0) {
    found.push(
      `backpressure: no sender waited for room (waiting senders at most ${evidence.maxWaitingSenders}, collectors waiting for space: ${evidence.pausedCollectors.length})`,
    );
  }
  if (evidence.beatsPauses === 0) found.push('backpressure: no Beats connection was paused (held Beats never happened)');
  if (evidence.pushPauses === 0) found.push('backpressure: no push connection was paused');
  return found;
}

export async function runBackpressurePhase(options: { seed: number; progress?: (line: string) => void }): Promise<BackpressureOutcome> {
  const { seed } = options;
  const progress = options.progress ?? (() => undefined);
  const defaults = BACKPRESSURE_PHASE_DEFAULTS;
  const hint = replayHint(seed);
  const system = await startChaosSystem({
    seed,
    printers: defaults.printers,
    configOverrides: {
      uplink: { ...CHAOS_SYSTEM_DEFAULTS.uplink, maxQueuedReadings: defaults.maxQueuedReadings, perThingShare: defaults.perThingShare },
    },
    beatsClient: { windowSize: defaults.beatsWindowSize },
  });
  const stops: Array<() => void> = [];
  try {
    const { registry, fleet, standIn } = system;
    const laneCapReadings = laneCap(resolveUplinkLimits(system.config.uplink), 'event').readings;
    const memorySampler = startMemorySampler(registry, {
      rssMb: defaults.rssCapMb,
      mailboxDepth: INVARIANT_DEFAULTS.mailboxDepthCap,
      queueReadings: system.config.uplink.maxQueuedReadings,
      queueBytes: system.config.uplink.maxQueuedBytes,
    });
    stops.push(() => memorySampler.stop());
    const sampler = startBackpressureSampler(system, laneCapReadings);
    stops.push(() => sampler.stop());
    const pauses = spyOnPauses(registry);
    stops.push(() => pauses.restore());

    await untilCondition(() => eventTotals(fleet).acked >= defaults.warmupAckedEvents, {
      what: `traffic: ${defaults.warmupAckedEvents} events acknowledged — ${hint}`,
      timeoutMs: 30_000,
      everyMs: 100,
    });

    // Even seeds: connections reset (calls fail at once); odd: requests hang until the client's timeout.
    const outageMode = seed % 2 === 0 ? 'reset' : 'hang';
    // Only actor faults: the phase itself owns ThingWorx (the outage), and printer-side faults are the 60 s run's.
    const monkey = createChaosMonkey(
      seed,
      { durationMs: defaults.outageMs, printers: system.config.printers.map((printer) => printer.id), kinds: ACTOR_FAULT_KINDS },
      { registry, thingworx: standIn.faults, printer: (id) => fleet.printer(id), links: system.links },
    );
    stops.push(() => monkey.stop());
    progress(
      `backpressure ${hint}: ${outageMode} outage of ${defaults.outageMs} ms, ${monkey.schedule.length} actor faults, queue cap ${laneCapReadings}`,
    );
    standIn.faults.setOutage(true, outageMode);
    // While the queue is full, every Beat loses its connection and re-sends into it, until a collector holds a
    // Beat back: held Beats, whatever the schedule. (A Beat otherwise just waits on its 2 pipelined windows, which
    // were queued before the queue filled; a reset that meets a just-restarted, empty uplink is tried again.)
    let beatsResets = 0;
    const atCap = Math.floor(laneCapReadings * defaults.atCapShare);
    const resetBeatsAtCap = (async () => {
      const until = Date.now() + defaults.outageMs - defaults.beatsResetGapMs;
      while (Date.now() < until && pauses.counts.beats === 0) {
        // The scenario's pacing, not waits for something: a named gap between resets, and a poll of the sampler.
        if (sampler.latestQueueReadings() >= atCap) {
          beatsResets += system.links.beats.reset(1, seededRandom(seed + beatsResets));
          await new Promise((resolve) => setTimeout(resolve, defaults.beatsResetGapMs));
        } else {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    })();
    let monkeyReport: MonkeyReport;
    try {
      monkeyReport = await monkey.run();
    } finally {
      monkey.stop();
      await resetBeatsAtCap;
      standIn.faults.setOutage(false);
    }
    const recoveredAt = Date.now();

    const boundMs = convergenceBoundMs(system);
    const convergence = await waitForAllRunning(registry, boundMs);
    fleet.setRates({ linesPerSecond: 0, metricDocsPerSecond: 0, pushMessagesPerSecond: 0 });
    let drainError: string | undefined;
    try {
      await fleet.drained(defaults.drainTimeoutMs);
    } catch (error) {
      drainError = error instanceof Error ? error.message : String(error);
    }
    const drainMs = Date.now() - recoveredAt;
    const evidence = { ...sampler.stop(), beatsPauses: pauses.counts.beats, pushPauses: pauses.counts.push };
    const memory = memorySampler.stop();
    pauses.restore();
    stops.length = 0;
    const account = accountDeliveries(fleet, standIn.records);
    const zombies = await unansweredPings(registry);
    const restarts = registry.snapshot().reduce((sum, row) => sum + row.restarts.total, 0);
    const kills = Object.values(monkeyReport.injected).reduce((sum, n) => sum + n, 0);

    const violations = [
      ...deliveryViolations(account),
      ...backpressureViolations(evidence),
      ...memory.violations.map((text) => `bounded memory: ${text}`),
    ];
    if (drainError !== undefined || account.sent !== account.acked) {
      violations.push(
        `convergence: ${account.sent - account.acked} of ${account.sent} sent events never acknowledged (${drainError ?? 'drained'})`,
      );
    }
    if (!convergence.converged)
      violations.push(`convergence: not all running ${boundMs} ms after the outage: ${convergence.notRunning.slice(0, 10).join(', ')}`);
    if (zombies.length > 0) violations.push(`no zombies: running but not answering a ping: ${zombies.join(', ')}`);
    if (system.gaveUp()) violations.push('isolation: the adapter root gave up (the daemon would have exited)');
    if (kills === 0) violations.push('chaos: the monkey killed nothing during the outage');

    const summaryLine =
      `backpressure seed=${seed} outage=${outageMode}:${defaults.outageMs}ms actor_faults=${kills} restarts=${restarts} ` +
      `max_queue=${evidence.maxQueueReadings}/${laneCapReadings} busy_full=${evidence.busyQueueFull} busy=${evidence.busyAnswers} ` +
      `max_waiting_senders=${evidence.maxWaitingSenders} paused_collectors=${evidence.pausedCollectors.length}/${defaults.printers} ` +
      `paused_beats=${evidence.beatsPauses} paused_push=${evidence.pushPauses} beats_resets_at_cap=${beatsResets} ` +
      `sent=${account.sent} lost=${account.lost} corrupted=${account.corrupted} duplicates=${account.duplicates} max_rss_mb=${Math.round(memory.maxRssMb)}`;
    const details =
      `converged_ms=${convergence.tookMs} drain_ms=${drainMs} rss_cap_mb=${defaults.rssCapMb} max_mailbox=${memory.maxMailboxDepth}@${memory.maxMailboxPath} ` +
      `uplink_samples=${evidence.uplinkSamples} paused=${evidence.pausedCollectors.join(',')} faults=${JSON.stringify(monkeyReport.injected)}`;
    return {
      seed,
      summaryLine,
      violations: violations.map((text) => `${text} — ${hint}`),
      details,
      recentLogs: system.recentLogs(),
      evidence,
      memory,
      account,
      monkey: monkeyReport,
    };
  } finally {
    for (const stop of stops) stop();
    await system.stop();
  }
}
