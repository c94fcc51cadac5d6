/**
 * Restart backoff between restarts of one child: exponential with jitter, capped, and reset after
 * the child has run quietly for a while (Akka's restartWithBackoff, with OTP's prompt first restart).
 * Pure: time and randomness come in as arguments.
 */

export interface BackoffOptions {
  minMs: number;
  maxMs: number;
  /** Jitter: the delay is stretched by up to this fraction. */
  randomFactor: number;
  /** A child that ran this long since its last start is considered healthy again. Default (min+max)/2. */
  resetAfterMs?: number;
}

export const BACKOFF_DEFAULTS: Readonly<BackoffOptions> = {
  minMs: 100,
  maxMs: 30_000,
  randomFactor: 0.2,
};

/**
 * Delay before a restart when `n` restarts of the same child happened since it was last quiet.
 * n = 0 is the first restart after a quiet period: no delay, so a killed child runs again promptly.
 * Otherwise min(maxMs, minMs·2^n)·(1 + random·randomFactor).
 */
export function backoffDelay(n: number, options: BackoffOptions, random: () => number): number {
  if (n <= 0) return 0;
  // 2^n overflows to Infinity for large n, which Math.min caps at maxMs.
  const base = Math.min(options.maxMs, options.minMs * 2 ** n);
  return Math.round(base * (1 + random() * options.randomFactor));
}

export function resetAfterMs(options: BackoffOptions): number {
  return options.resetAfterMs ?? (options.minMs + options.maxMs) / 2;
}

/** Per-child bookkeeping: restarts since it was last quiet, and when it last started (if it has run since its last failure). */
export interface BackoffState {
  consecutive: number;
  lastStartedAt: number | undefined;
}

export const initialBackoffState = (): BackoffState => ({ consecutive: 0, lastStartedAt: undefined });

/** The child started successfully at `now`. */
export function backoffStarted(state: BackoffState, now: number): BackoffState {
  return { ...state, lastStartedAt: now };
}

/**
 * The child died (or failed to start) at `now` and will be restarted: how long to wait, and the
 * state after counting this restart. A child that ran quietly for resetAfterMs starts from zero.
 */
export function backoffOnFailure(
  state: BackoffState,
  now: number,
  options: BackoffOptions,
  random: () => number,
): { delayMs: number; next: BackoffState } {
  const quiet = state.lastStartedAt !== undefined && now - state.lastStartedAt >= resetAfterMs(options);
  const n = quiet ? 0 : state.consecutive;
  // It has not run since this failure: only a start after it can begin a new quiet period.
  return { delayMs: backoffDelay(n, options, random), next: { consecutive: n + 1, lastStartedAt: undefined } };
}
