import type { ReadingValue, ValueType } from '../readings.js';

/**
 * Typed conversion of captured text. Strict on purpose: a value that does not parse cleanly is
 * a failure (counted by the caller), never a guess, so a changed log format shows up as failures
 * instead of wrong numbers in ThingWorx.
 */
export type Conversion = { ok: true; value: ReadingValue } | { ok: false; reason: string };

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);
// Date and time, a zone is required: a zoneless log time would silently depend on the box's TZ.
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ms since epoch for an ISO-8601 date-time with a zone (`Z`, `+01:00`, `+0100`), else undefined. */
export function parseIsoTimestamp(text: string): number | undefined {
  const parts = ISO_TIMESTAMP.exec(text);
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [
    number, number, number, number, number, number,
  ];
  // Before 1970 is no device time, and Date.UTC would read years below 100 as 19xx.
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Number((parts[7] ?? '0').padEnd(3, '0').slice(0, 3));
  let offsetMinutes = 0;
  if (!parts[8]) {
    const offsetHours = Number(parts[10]);
    const offsetMins = Number(parts[11]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (parts[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

export function convertCapture(type: ValueType, text: string | undefined, maxStringLength: number): Conversion {
  if (text === undefined) return { ok: false, reason: 'group did not match' };
  switch (type) {
    case 'NUMBER': {
      const value = Number(text);
      if (!DECIMAL.test(text) || !Number.isFinite(value)) return { ok: false, reason: 'not a finite number' };
      return { ok: true, value };
    }
    case 'INTEGER': {
      const value = Number(text);
      if (!INTEGER.test(text) || !Number.isSafeInteger(value)) return { ok: false, reason: 'not a safe integer' };
      return { ok: true, value };
    }
    case 'BOOLEAN': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return { ok: false, reason: 'not a boolean' };
    }
    case 'DATETIME': {
      const value = parseIsoTimestamp(text);
      return value === undefined ? { ok: false, reason: 'not an ISO-8601 timestamp with a zone' } : { ok: true, value };
    }
    case 'STRING':
      if (text.length > maxStringLength) return { ok: false, reason: 'string too long' };
      return { ok: true, value: text };
  }
}
