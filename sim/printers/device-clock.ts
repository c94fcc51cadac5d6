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

/** `.000Z` … `.999Z`: the end of an ISO time, built once. */
const MILLIS_SUFFIX: readonly string[] = Array.from({ length: 1000 }, (_, ms) => `.${String(ms).padStart(3, '0')}Z`);
/** 9999-12-31T23:59:59.999Z: later times have another ISO form. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
let cachedSecond = Number.NaN;
let cachedSecondPrefix = '';
let lastTime = Number.NaN;
let lastIso = '';

/**
 * `new Date(time).toISOString()`, the same text, for device times: a printer writes thousands of
 * lines a second, so the part up to the second is formatted once a second (and the Beats document
 * of a line asks again for the line's own time).
 */
export function isoTime(time: number): string {
  if (time === lastTime) return lastIso;
  if (!Number.isInteger(time) || time < 0 || time > LAST_FOUR_DIGIT_YEAR_MS) return new Date(time).toISOString();
  const second = Math.floor(time / 1000);
  if (second !== cachedSecond) {
    cachedSecondPrefix = new Date(second * 1000).toISOString().slice(0, 19);
    cachedSecond = second;
  }
  lastIso = cachedSecondPrefix + MILLIS_SUFFIX[time - second * 1000];
  lastTime = time;
  return lastIso;
}
