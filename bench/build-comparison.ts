/**
 * The end-to-end bench's figures for two builds measured in one run, and their ratios (this tree ÷
 * the other build): below 1 for CPU, latency and memory, above 1 for the sustained rate, means this
 * tree is better. A fast path stays only where it saves enough CPU per event end to end.
 */
import { median, round } from './measures.js';

/** What the comparison reads of one nominal-load run. */
export interface NominalFigures {
  cpu: { childMsPerEvent: number };
  latencyMs: { p99: number };
  rssMb: { steadyMax: number };
}

/** The nominal runs of one build (alternating with the other build's), averaged. */
export interface NominalSummary {
  runs: number;
  cpuMsPerEvent: number;
  latencyP99Ms: number;
  rssSteadyMaxMb: number;
  cpuMsPerEventByRun: number[];
}

/** What the comparison reads of one step of a sustained-rate ladder. */
export interface LadderStep {
  offeredEventsPerSecond: number;
  cpu: { childMsPerEvent: number };
}

export interface BuildFigures {
  nominal: NominalSummary;
  /** Highest offered rate the build kept up with (0: none). */
  sustainedOfferedEventsPerSecond: number;
  steps: readonly LadderStep[];
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** numerator ÷ denominator, rounded; null when either is missing or the denominator is 0. */
export function ratio(numerator: number, denominator: number, digits = 3): number | null {
  const value = numerator / denominator;
  return Number.isFinite(value) ? round(value, digits) : null;
}

export function summarizeNominal(runs: readonly NominalFigures[]): NominalSummary {
  const cpu = runs.map((run) => run.cpu.childMsPerEvent);
  return {
    runs: runs.length,
    cpuMsPerEvent: round(mean(cpu), 4),
    latencyP99Ms: round(mean(runs.map((run) => run.latencyMs.p99)), 1),
    rssSteadyMaxMb: round(mean(runs.map((run) => run.rssMb.steadyMax)), 1),
    cpuMsPerEventByRun: cpu,
  };
}

/**
 * CPU ms per event of two ladders at the offered rates both measured (a refinement step of one has no
 * twin in the other): the median of each, and the median of the ratios rate by rate.
 */
export function costAtSharedRates(
  a: readonly LadderStep[],
  b: readonly LadderStep[],
): { atOfferedEventsPerSecond: number[]; a: number; b: number; aOverB: number } {
  const bByRate = new Map(b.map((step) => [step.offeredEventsPerSecond, step]));
  const pairs = a.flatMap((step) => {
    const twin = bByRate.get(step.offeredEventsPerSecond);
    return twin === undefined ? [] : [{ offered: step.offeredEventsPerSecond, a: step.cpu.childMsPerEvent, b: twin.cpu.childMsPerEvent }];
  });
  return {
    atOfferedEventsPerSecond: pairs.map((pair) => pair.offered),
    a: median(pairs.map((pair) => pair.a)),
    b: median(pairs.map((pair) => pair.b)),
    aOverB: median(pairs.map((pair) => pair.a / pair.b)),
  };
}

/** This tree ÷ the other build, figure by figure. */
export function thisOverAgainst(current: BuildFigures, against: BuildFigures): Record<string, number | null> {
  return {
    /** The deciding figure: a fast path that does not bring this to 0.85 or below does not pay. */
    nominalCpuMsPerEvent: ratio(current.nominal.cpuMsPerEvent, against.nominal.cpuMsPerEvent),
    nominalLatencyP99Ms: ratio(current.nominal.latencyP99Ms, against.nominal.latencyP99Ms),
    nominalRssSteadyMaxMb: ratio(current.nominal.rssSteadyMaxMb, against.nominal.rssSteadyMaxMb),
    sustainedOfferedEventsPerSecond: ratio(current.sustainedOfferedEventsPerSecond, against.sustainedOfferedEventsPerSecond),
    ladderCpuMsPerEvent: ratio(costAtSharedRates(current.steps, against.steps).aOverB, 1),
  };
}
