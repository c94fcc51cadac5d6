export interface BackoffSettings {
  minMs: number;
  maxMs: number;
  /** Up to this fraction is added at random so many clients do not reconnect in step. */
  jitterRatio: number;
}

/** Delay before reconnect attempt `attempt` (0-based): min(max, min·2^attempt)·(1 + random·jitter). */
export function reconnectDelayMs(attempt: number, settings: BackoffSettings, random: () => number): number {
  const exponential = settings.minMs * 2 ** Math.min(attempt, 30);
  return Math.round(Math.min(settings.maxMs, exponential) * (1 + random() * settings.jitterRatio));
}
