/** How the views write times, sizes, counts and rates: short, fixed units, no locale. */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** 3s, 5m, 2h, 4d: whole units, rounded down. A negative duration (clock skew) shows as 0s. */
export function formatAge(ms: number): string {
  const age = Math.max(0, ms);
  if (age < MINUTE) return `${Math.floor(age / SECOND)}s`;
  if (age < HOUR) return `${Math.floor(age / MINUTE)}m`;
  if (age < DAY) return `${Math.floor(age / HOUR)}h`;
  return `${Math.floor(age / DAY)}d`;
}

/** The age of a moment relative to `now`, or "-" when it never happened. */
export function ageSince(at: number | null | undefined, now: number): string {
  return at === null || at === undefined ? '-' : formatAge(now - at);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 512 B, 1.5 KiB, 64.0 MiB. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** 12,345: whole numbers grouped by thousands; anything else as is. */
export function formatCount(count: number): string {
  if (!Number.isSafeInteger(count)) return String(count);
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Per-second rates with one decimal: 0.0, 12.5. */
export function formatRate(perSecond: number): string {
  return perSecond.toFixed(1);
}
