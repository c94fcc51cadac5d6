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
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Arithmetic, not a Date: this runs for every log line. */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** The number `count` ASCII digits at `start` spell, or -1 if any is not a digit (or missing). */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index++) {
    const digit = text.charCodeAt(index) - 48; // NaN past the end: fails the test below
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

const HYPHEN = 45;
const COLON = 58;
const PLUS = 43;

/**
 * ms since epoch for an ISO-8601 date-time with a zone, else undefined:
 * `YYYY-MM-DD[T ]hh:mm:ss[(.|,)f{1,9}](Z|(+|-)hh[:]mm)` and nothing after it. A zone is required:
 * a zoneless log time would silently depend on the box's TZ. Read by character codes, not a regex:
 * this runs for every log line, and a match array with its substrings per line was garbage.
 */
export function parseIsoTimestamp(text: string): number | undefined {
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  const dateTimeSeparator = text[10];
  if (text.charCodeAt(4) !== HYPHEN || text.charCodeAt(7) !== HYPHEN || (dateTimeSeparator !== 'T' && dateTimeSeparator !== ' ')) {
    return undefined;
  }
  if (text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return undefined;
  // Before 1970 is no device time, and Date.UTC would read years below 100 as 19xx.
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let index = 19;
  // A fraction of 1 to 9 digits; its first three are the ms ("5" → 500, "123456" → 123).
  let millis = 0;
  if (text[index] === '.' || text[index] === ',') {
    let fractionDigits = 0;
    index++;
    for (let digit = text.charCodeAt(index) - 48; digit >= 0 && digit <= 9; digit = text.charCodeAt(index) - 48) {
      if (fractionDigits < 3) millis = millis * 10 + digit;
      fractionDigits++;
      index++;
    }
    if (fractionDigits === 0 || fractionDigits > 9) return undefined;
    for (let place = fractionDigits; place < 3; place++) millis *= 10;
  }
  let offsetMinutes = 0;
  const zone = text[index];
  if (zone === 'Z') {
    if (text.length !== index + 1) return undefined;
  } else if (zone === '+' || zone === '-') {
    const offsetHours = digitsAt(text, index + 1, 2);
    const colon = text.charCodeAt(index + 3) === COLON ? 1 : 0;
    const offsetMins = digitsAt(text, index + 3 + colon, 2);
    if (offsetHours < 0 || offsetMins < 0 || text.length !== index + 5 + colon) return undefined;
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (zone.charCodeAt(0) === PLUS ? 1 : -1) * (offsetHours * 60 + offsetMins);
  } else {
    return undefined;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

export function convertCapture(type: ValueType, text: string | undefined, maxStringLength: number): Conversion {
  const value = captureValue(type, text, maxStringLength);
  return value === undefined ? { ok: false, reason: failureReason(type, text) } : { ok: true, value };
}

/** convertCapture's value without a result object (the per-line path); undefined when it fails. */
export function captureValue(type: ValueType, text: string | undefined, maxStringLength: number): ReadingValue | undefined {
  if (text === undefined) return undefined;
  switch (type) {
    case 'NUMBER': {
      const value = Number(text);
      return DECIMAL.test(text) && Number.isFinite(value) ? value : undefined;
    }
    case 'INTEGER': {
      const value = Number(text);
      return INTEGER.test(text) && Number.isSafeInteger(value) ? value : undefined;
    }
    case 'BOOLEAN': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      return FALSE_WORDS.has(word) ? false : undefined;
    }
    case 'DATETIME':
      return parseIsoTimestamp(text);
    case 'STRING':
      return text.length > maxStringLength ? undefined : text;
  }
}

/** Why captureValue failed: only the type (and a missing group) decides it. */
function failureReason(type: ValueType, text: string | undefined): string {
  if (text === undefined) return 'group did not match';
  switch (type) {
    case 'NUMBER':
      return 'not a finite number';
    case 'INTEGER':
      return 'not a safe integer';
    case 'BOOLEAN':
      return 'not a boolean';
    case 'DATETIME':
      return 'not an ISO-8601 timestamp with a zone';
    case 'STRING':
      return 'string too long';
  }
}
