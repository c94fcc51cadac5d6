/**
 * The chaos monkey's fault schedule: generated whole, up front, as a pure function of the seed and
 * the run's shape, so one seed replays one schedule exactly. Executing it is monkey.ts's job.
 */
import type { PipGarbageKind } from '../../sim/printers/pip-server.js';
import { seededRandom } from '../../sim/seeded-random.js';
import { draws, type Random } from './draws.js';

/** Every kind of actor in the adapter tree the monkey hits. */
export const ACTOR_ROLES = ['collector', 'poller', 'health', 'printer', 'fleet', 'ingress', 'uplink', 'control'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

/** Faults outside the adapter: the ThingWorx stand-in, the printer-facing network, the printers' PIP servers. */
export const SURROUNDING_FAULTS = [
  'twx-5xx',
  'twx-latency',
  'twx-reset',
  'twx-retry-after',
  'twx-outage',
  'beats-reset',
  'push-reset',
  'pip-timeout',
  'pip-reset',
  'pip-garbage',
] as const;

export type FaultKind = `kill-${ActorRole}` | `crash-${ActorRole}` | (typeof SURROUNDING_FAULTS)[number];

/** Kills and crashes of every kind of actor: the faults inside the adapter. */
export const ACTOR_FAULT_KINDS: readonly FaultKind[] = ACTOR_ROLES.flatMap((role) => [`kill-${role}`, `crash-${role}`] as const);

export const FAULT_KINDS: readonly FaultKind[] = [...ACTOR_FAULT_KINDS, ...SURROUNDING_FAULTS];

/** What to do at one moment. A durational fault has an inject step and a later clear step. */
export type FaultAction =
  | { type: 'kill' | 'crash'; role: ActorRole; printer?: string }
  | { type: 'twx-errors'; rate: number; status: 500 | 502 | 503 }
  | { type: 'twx-latency'; ms: number }
  | { type: 'twx-resets'; rate: number; point: 'before' | 'after' }
  | { type: 'twx-retry-after'; seconds: number | null; requests: number; status: 503 | 429 }
  | { type: 'twx-outage'; on: boolean; mode: 'reset' | 'hang' }
  | { type: 'net-reset'; listener: 'beats' | 'push'; share: number; pickSeed: number }
  | { type: 'pip-answering'; printer: string; answering: boolean }
  | { type: 'pip-reset'; printer: string }
  | { type: 'pip-garbage'; printer: string; garbage: PipGarbageKind; count: number };

export interface FaultStep {
  /** ms after the monkey starts. */
  atMs: number;
  kind: FaultKind;
  phase: 'inject' | 'clear';
  action: FaultAction;
}

export interface ScheduleShape {
  /** No fault is active past this (every durational fault is cleared by then). */
  durationMs: number;
  /** Printer ids the printer-scoped faults choose from. */
  printers: readonly string[];
  meanGapMs?: number;
  /** Only these kinds (all of FAULT_KINDS when absent), e.g. only actor kills while a phase owns ThingWorx's faults. */
  kinds?: readonly FaultKind[];
}

export const SCHEDULE_DEFAULTS = {
  /** Mean time between two faults (exponential gaps, clamped to min/max). */
  meanGapMs: 400,
  minGapMs: 40,
  maxGapMs: 2_500,
  /** Traffic flows for this long before the first fault. */
  startAfterMs: 1_500,
  /** Every kind is placed at least once, somewhere in this leading share of the run. */
  coverageShare: 0.8,
  /** Two durational faults on one channel (say, two outages) never overlap; this much quiet between them. */
  channelGapMs: 100,
  /** Shorter than this left of the run: the durational fault is dropped. */
  minFaultMs: 300,
  /** A whole-ThingWorx outage is rare: at most this many per started minute of run. */
  maxOutagesPerMinute: 2,
  durationsMs: {
    'twx-5xx': [500, 4_000],
    'twx-latency': [500, 4_000],
    'twx-reset': [500, 3_000],
    'twx-retry-after': [1_000, 3_000],
    'twx-outage': [1_500, 5_000],
    // Past the printer client's 5 s call timeout, so polls really time out.
    'pip-timeout': [1_000, 7_000],
  },
} as const;

/**
 * Relative weights. Workers are hit most (there are 60 of them), the shared actors less, the fleet
 * (which takes all 20 printers down with it) least.
 */
export const FAULT_WEIGHTS: Readonly<Record<FaultKind, number>> = {
  'kill-collector': 6,
  'crash-collector': 6,
  'kill-poller': 4,
  'crash-poller': 4,
  'kill-health': 4,
  'crash-health': 4,
  'kill-printer': 3,
  'crash-printer': 3,
  'kill-fleet': 0.6,
  'crash-fleet': 0.6,
  'kill-ingress': 1.2,
  'crash-ingress': 1.2,
  'kill-uplink': 1.2,
  'crash-uplink': 1.2,
  'kill-control': 0.5,
  'crash-control': 0.5,
  'twx-5xx': 4,
  'twx-latency': 3,
  'twx-reset': 3,
  'twx-retry-after': 2,
  'twx-outage': 1,
  'beats-reset': 3,
  'push-reset': 3,
  'pip-timeout': 3,
  'pip-reset': 2,
  'pip-garbage': 2,
};

const PIP_GARBAGE: readonly PipGarbageKind[] = ['not-json', 'wrong-id', 'bad-result', 'oversized'];

type DurationalKind = keyof typeof SCHEDULE_DEFAULTS.durationsMs;

function isDurational(kind: FaultKind): kind is DurationalKind {
  return kind in SCHEDULE_DEFAULTS.durationsMs;
}

function weightedKind(random: Random, kinds: readonly FaultKind[]): FaultKind {
  const total = kinds.reduce((sum, kind) => sum + FAULT_WEIGHTS[kind], 0);
  let left = random() * total;
  for (const kind of kinds) {
    left -= FAULT_WEIGHTS[kind];
    if (left < 0) return kind;
  }
  return kinds[kinds.length - 1]!;
}

/** Fault times: exponential gaps, so faults sometimes bunch up and sometimes leave the system alone. */
function faultTimes(random: Random, durationMs: number, meanGapMs: number): number[] {
  const times: number[] = [];
  for (let at = SCHEDULE_DEFAULTS.startAfterMs; at < durationMs; ) {
    times.push(Math.round(at));
    const gap = -Math.log(1 - random()) * meanGapMs;
    at += Math.min(SCHEDULE_DEFAULTS.maxGapMs, Math.max(SCHEDULE_DEFAULTS.minGapMs, gap));
  }
  return times;
}

/** Every kind at least once, at random places in the leading share of the run (when there is room). */
function withEveryKind(
  random: Random,
  times: readonly number[],
  kinds: FaultKind[],
  durationMs: number,
  every: readonly FaultKind[],
): void {
  const eligible = times.flatMap((at, index) => (at < durationMs * SCHEDULE_DEFAULTS.coverageShare ? [index] : []));
  for (let i = eligible.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!];
  }
  every.forEach((kind, n) => {
    const index = eligible[n];
    if (index !== undefined) kinds[index] = kind;
  });
}

interface Durational {
  channel: string;
  inject: FaultAction;
  clear: FaultAction;
}

function durationalFault(kind: DurationalKind, random: Random, printers: readonly string[]): Durational {
  const d = draws(random);
  switch (kind) {
    case 'twx-5xx':
      return {
        channel: kind,
        inject: { type: 'twx-errors', rate: d.pick([0.3, 0.6, 1]), status: d.pick([500, 502, 503] as const) },
        clear: { type: 'twx-errors', rate: 0, status: 500 },
      };
    case 'twx-latency':
      return { channel: kind, inject: { type: 'twx-latency', ms: d.between(100, 1_500) }, clear: { type: 'twx-latency', ms: 0 } };
    case 'twx-reset':
      return {
        channel: kind,
        inject: { type: 'twx-resets', rate: d.pick([0.1, 0.3, 0.5]), point: d.pick(['before', 'after'] as const) },
        clear: { type: 'twx-resets', rate: 0, point: 'before' },
      };
    case 'twx-retry-after': {
      const status = d.pick([503, 429] as const);
      return {
        channel: kind,
        inject: { type: 'twx-retry-after', seconds: d.between(1, 2), requests: d.between(1, 20), status },
        clear: { type: 'twx-retry-after', seconds: null, requests: 0, status },
      };
    }
    case 'twx-outage': {
      const mode = d.pick(['reset', 'hang'] as const);
      return { channel: kind, inject: { type: 'twx-outage', on: true, mode }, clear: { type: 'twx-outage', on: false, mode } };
    }
    case 'pip-timeout': {
      const printer = d.pick(printers);
      return {
        channel: `pip:${printer}`,
        inject: { type: 'pip-answering', printer, answering: false },
        clear: { type: 'pip-answering', printer, answering: true },
      };
    }
  }
}

function instantFault(kind: Exclude<FaultKind, DurationalKind>, random: Random, printers: readonly string[]): FaultAction {
  const d = draws(random);
  switch (kind) {
    case 'beats-reset':
    case 'push-reset':
      return {
        type: 'net-reset',
        listener: kind === 'beats-reset' ? 'beats' : 'push',
        share: d.pick([0.25, 0.5, 1]),
        pickSeed: d.int(2 ** 31),
      };
    case 'pip-reset':
      return { type: 'pip-reset', printer: d.pick(printers) };
    case 'pip-garbage':
      return { type: 'pip-garbage', printer: d.pick(printers), garbage: d.pick(PIP_GARBAGE), count: d.between(1, 3) };
    default: {
      const [verb, role] = kind.split('-') as ['kill' | 'crash', ActorRole];
      const scoped = role === 'collector' || role === 'poller' || role === 'health' || role === 'printer';
      return scoped ? { type: verb, role, printer: d.pick(printers) } : { type: verb, role };
    }
  }
}

/**
 * The whole schedule for one run: sorted by time, every durational fault cleared before
 * `durationMs`, every fault kind present when the run is long enough (about 20 s or more).
 */
export function buildSchedule(seed: number, shape: ScheduleShape): FaultStep[] {
  if (shape.printers.length === 0) throw new RangeError('a chaos schedule needs at least one printer');
  const allowed = shape.kinds ?? FAULT_KINDS;
  if (allowed.length === 0) throw new RangeError('a chaos schedule needs at least one fault kind');
  const random = seededRandom(seed);
  const times = faultTimes(random, shape.durationMs, shape.meanGapMs ?? SCHEDULE_DEFAULTS.meanGapMs);
  const kinds = times.map(() => weightedKind(random, allowed));
  withEveryKind(random, times, kinds, shape.durationMs, allowed);

  const steps: FaultStep[] = [];
  const busyUntil = new Map<string, number>();
  let outages = 0;
  const maxOutages = SCHEDULE_DEFAULTS.maxOutagesPerMinute * Math.ceil(shape.durationMs / 60_000);
  times.forEach((at, index) => {
    let kind = kinds[index]!;
    if (kind === 'twx-outage' && outages >= maxOutages) kind = 'twx-5xx';
    if (!isDurational(kind)) {
      steps.push({ atMs: at, kind, phase: 'inject', action: instantFault(kind, random, shape.printers) });
      return;
    }
    const fault = durationalFault(kind, random, shape.printers);
    const [minMs, maxMs] = SCHEDULE_DEFAULTS.durationsMs[kind];
    const wanted = draws(random).between(minMs, maxMs);
    const start = Math.max(at, (busyUntil.get(fault.channel) ?? -Infinity) + SCHEDULE_DEFAULTS.channelGapMs);
    const end = Math.min(start + wanted, shape.durationMs);
    if (end - start < SCHEDULE_DEFAULTS.minFaultMs) return;
    busyUntil.set(fault.channel, end);
    if (kind === 'twx-outage') outages += 1;
    steps.push({ atMs: start, kind, phase: 'inject', action: fault.inject });
    steps.push({ atMs: end, kind, phase: 'clear', action: fault.clear });
  });
  // Stable: a clear and an inject at the same moment keep their generated order.
  return steps
    .map((step, order) => ({ step, order }))
    .sort((a, b) => a.step.atMs - b.step.atMs || a.order - b.order)
    .map(({ step }) => step);
}

/** Injections per kind (clear steps are not faults). */
export function injectionsByKind(steps: readonly FaultStep[]): Partial<Record<FaultKind, number>> {
  const counts: Partial<Record<FaultKind, number>> = {};
  for (const step of steps) if (step.phase === 'inject') counts[step.kind] = (counts[step.kind] ?? 0) + 1;
  return counts;
}
