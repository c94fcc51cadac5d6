/**
 * The one backoff of the adapter: exponential with jitter, capped. Every retrying part uses it (restarts here,
 * the uplink's retries, the printer, Beats and push clients' reconnects), each with its own numbers. It lives in
 * supervision/ because this file imports nothing, so protocols/, actors/ and sim/ may all import it.
 * Pure: the attempt number and randomness come in as arguments.
 */

export interface BackoffPolicy {
  minMs: number;
  maxMs: number;
  /** Up to this fraction of the delay is added at random, so many waiters do not retry in step. */
  jitter: number;
}

/** Beyond 2^52 any minimum of 1 ms or more is past any maximum; the cap also keeps minMs = 0 from giving 0·∞. */
const MAX_DOUBLINGS = 52;

/**
 * Delay before retry number `attempt` (0 for the first): min(maxMs, minMs·2^attempt)·(1 + random()·jitter), in
 * whole ms. `random` returns a number in [0, 1).
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const doublings = Math.min(Math.max(0, attempt), MAX_DOUBLINGS);
  const base = Math.min(policy.maxMs, policy.minMs * 2 ** doublings);
  return Math.round(base * (1 + random() * policy.jitter));
}

/**
 * Restart backoff between restarts of one child, reset after the child has run quietly for a while (Akka's
 * restartWithBackoff, with OTP's prompt first restart).
 */
export interface RestartBackoff extends BackoffPolicy {
  /** A child that ran this long since its last start is considered healthy again. Default (min+max)/2. */
  resetAfterMs?: number;
}

/**
 * Delay before a restart when `n` restarts of the same child happened since it was last quiet.
 * n = 0 is the first restart after a quiet period: no delay, so a killed child runs again promptly.
 * Otherwise backoffDelayMs(n): min(maxMs, minMs·2^n)·(1 + random·jitter).
 */
export function restartDelayMs(n: number, options: RestartBackoff, random: () => number): number {
  return n <= 0 ? 0 : backoffDelayMs(n, options, random);
}

export function resetAfterMs(options: RestartBackoff): number {
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
  options: RestartBackoff,
  random: () => number,
): { delayMs: number; next: BackoffState } {
  const quiet = state.lastStartedAt !== undefined && now - state.lastStartedAt >= resetAfterMs(options);
  const n = quiet ? 0 : state.consecutive;
  // It has not run since this failure: only a start after it can begin a new quiet period.
  return { delayMs: restartDelayMs(n, options, random), next: { consecutive: n + 1, lastStartedAt: undefined } };
}
