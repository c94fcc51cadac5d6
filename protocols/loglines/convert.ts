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

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Arithmetic, not a Date: this runs for every log line. */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** The first three digits of a fraction of a second as ms ("5" → 500, "123456" → 123), without building strings. */
function millisOf(fraction: string | undefined): number {
  let millis = 0;
  for (let index = 0; index < 3; index++) {
    millis = millis * 10 + (fraction !== undefined && index < fraction.length ? fraction.charCodeAt(index) - 48 : 0);
  }
  return millis;
}

/** ms since epoch for an ISO-8601 date-time with a zone (`Z`, `+01:00`, `+0100`), else undefined. */
export function parseIsoTimestamp(text: string): number | undefined {
  const parts = ISO_TIMESTAMP.exec(text);
  if (!parts) return undefined;
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  const hour = Number(parts[4]);
  const minute = Number(parts[5]);
  const second = Number(parts[6]);
  // Before 1970 is no device time, and Date.UTC would read years below 100 as 19xx.
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = millisOf(parts[7]);
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
