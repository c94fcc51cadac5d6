import { readFileSync } from 'node:fs';

/**
 * Figures the benchmarks share: rounding, medians and percentiles, the bench's device clock, and what
 * /proc says of a process (CPU, time spent waiting for a CPU, RSS). Several bench processes compute
 * the same figures, so they compute them with the same code.
 */

export function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentiles(values: ArrayLike<number>): Percentiles {
  if (values.length === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { count: sorted.length, p50: round(at(0.5), 1), p99: round(at(0.99), 1), max: round(sorted[sorted.length - 1]!, 1) };
}

// ---------------------------------------------------------------------------------------------
// Device time ↔ wall time

/** What defines a bench clock; plain numbers, so another process can rebuild the same clock. */
export interface BenchClockParameters {
  /** Wall time (ms) at which the clock started. */
  origin: number;
  speedup: number;
  leadMs: number;
}

export interface BenchClock {
  readonly parameters: BenchClockParameters;
  /** What the simulated printers read as their wall clock. */
  now(): number;
  /** When (wall clock) a device time was produced. */
  wallTimeOf(deviceTime: number): number;
  /** A simulated event's device time, as opposed to an adapter-stamped poll row. */
  isDeviceTime(time: number): boolean;
}

export function createBenchClock(parameters: BenchClockParameters): BenchClock {
  const { origin, speedup, leadMs } = parameters;
  const base = origin + leadMs;
  return {
    parameters: { ...parameters },
    now: () => base + (Date.now() - origin) * speedup,
    wallTimeOf: (deviceTime) => origin + (deviceTime - base) / speedup,
    isDeviceTime: (time) => time >= base,
  };
}

// ---------------------------------------------------------------------------------------------
// A process as /proc sees it

/** RSS in MiB, from /proc (or ps): the one the demo uses for the adapter's own process. */
export { rssMbOfProcess as rssMbOf } from '../sim/adapter-process.js';

/** utime + stime from /proc/<pid>/stat, in clock ticks of 1/100 s (Linux's USER_HZ). */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name start with the 3rd (state); utime is the 14th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Seconds the process's main thread has spent runnable but waiting for a CPU (/proc/<pid>/schedstat,
 * second field, ns): how much a busy machine held it back.
 */
export function runQueueWaitSecondsOf(pid: number | 'self'): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return Number.NaN;
  }
}
