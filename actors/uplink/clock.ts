/**
 * Time as the delivery engine sees it. Injected so tests can drive flush intervals, backoffs and TTLs
 * without waiting; the default is monotonic, so a wall-clock jump cannot stall or storm the uplink.
 */
export interface UplinkClock {
  /** Milliseconds on a monotonic scale; only differences matter. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: UplinkClock = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
