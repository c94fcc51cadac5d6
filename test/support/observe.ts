/**
 * Proving that something does NOT happen is the one place a test needs a stretch of clock time:
 * there is no event to wait on. Such a window is named here, never a bare sleep, and a caller first
 * waits (with `until`) for a positive sign that the system is live and in the state under test, so
 * the silence cannot be just a machine too loaded to have done anything yet. A late timer on a
 * loaded machine only makes a window longer, which makes the check stricter, never weaker.
 */
import { setTimeout as delay } from 'node:timers/promises';

export const OBSERVE_DEFAULTS = { everyMs: 10 } as const;

/**
 * Checks `condition` throughout `ms` (not once at the end) and throws at its first break, naming
 * `what` and when it broke. Use it for "stays open", "nothing more arrives", "still one attempt".
 */
export async function assertStaysTrue(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const start = performance.now();
  for (;;) {
    if (!(await condition())) {
      throw new Error(`${what} stopped holding after ${Math.round(performance.now() - start)} ms of a ${ms} ms window`);
    }
    if (performance.now() - start >= ms) return;
    await delay(OBSERVE_DEFAULTS.everyMs);
  }
}

/**
 * A deliberate quiet stretch of `ms` in which the subject is left alone: for silence that is itself
 * the input (a peer saying nothing, a server not there yet), or an observation whose outcome is read
 * afterwards. `why` says what the silence proves; it is documentation for the reader of the test.
 */
export async function observeQuietly(ms: number, why: string): Promise<void> {
  if (why === '') throw new Error('a quiet window says why it is needed');
  await delay(ms);
}
