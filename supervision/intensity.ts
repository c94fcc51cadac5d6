/**
 * OTP restart intensity: more than `intensity` restarts within `periodMs` means the supervisor
 * gives up and escalates. Pure: a list of restart times in, a verdict out.
 */

export interface IntensityOptions {
  intensity: number;
  periodMs: number;
}

/** Restart times still inside the window ending at `now`. */
export function withinWindow(times: readonly number[], now: number, periodMs: number): number[] {
  return times.filter((at) => now - at < periodMs);
}

/**
 * Count one more restart at `now`. `exceeded` is true when this restart would be one too many:
 * the supervisor must then stop its children and itself instead of restarting.
 */
export function recordRestart(times: readonly number[], now: number, options: IntensityOptions): { times: number[]; exceeded: boolean } {
  const recent = [...withinWindow(times, now, options.periodMs), now];
  return { times: recent, exceeded: recent.length > options.intensity };
}
