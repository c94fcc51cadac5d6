/**
 * A printer's device time: the wall clock, but strictly increasing by at least 1 ms per stamp, so
 * every event a simulated printer produces is identifiable downstream by (printer, item, time).
 */
export interface DeviceClock {
  /** The next unique timestamp, ms since epoch. */
  stamp(): number;
  /** The last timestamp handed out (0 before the first). */
  last(): number;
}

export function createDeviceClock(now: () => number = Date.now): DeviceClock {
  let previous = 0;
  return {
    stamp: () => {
      previous = Math.max(Math.floor(now()), previous + 1);
      return previous;
    },
    last: () => previous,
  };
}
