/**
 * Waiting in tests on the thing itself, not on the clock: a fixed sleep is either too long on a fast
 * machine or too short on a loaded one. Every wait names what it waits for, so a timeout says which.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface UntilOptions {
  /** Generous by default: the machine may be small and busy. A timeout is a failure, never a pass. */
  timeoutMs?: number;
  /** What is awaited, for the timeout's message. */
  what?: string;
  /** How often the condition is checked. */
  everyMs?: number;
}

export const UNTIL_DEFAULTS = { timeoutMs: 10_000, what: 'condition', everyMs: 10 } as const;

/** Resolves once `condition` holds; rejects after `timeoutMs`, naming `what`. */
export async function until(condition: () => boolean | Promise<boolean>, options: UntilOptions = {}): Promise<void> {
  const { timeoutMs, what, everyMs } = { ...UNTIL_DEFAULTS, ...options };
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(everyMs);
  }
}
