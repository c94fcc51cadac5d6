export interface BackoffPolicy {
  minMs: number;
  maxMs: number;
  /** Up to this fraction is added at random, so many waiters do not retry in step. */
  jitterRatio: number;
}

/**
 * Delay before retry number `attempt` (0 for the first retry): min(max, min·2^attempt)·(1 + random·jitter).
 * Pure: `random` is a number in [0, 1).
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: number): number {
  // 2^attempt overflows to Infinity for huge attempts; Math.min keeps the result finite.
  const base = Math.min(policy.maxMs, policy.minMs * 2 ** Math.max(0, attempt));
  return Math.round(base * (1 + random * policy.jitterRatio));
}
