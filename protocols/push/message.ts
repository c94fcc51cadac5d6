import {
  asciiBytes,
  BACKSLASH,
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COMMA,
  DIGIT_0,
  DOT,
  EXACT_DECIMAL_DIGITS,
  EXACT_POWERS_OF_TEN,
  isDigitByte,
  LOWER_E,
  MINUS,
  QUOTE,
  UPPER_E,
} from '../json-grammar.js';
import type { ReadingValue } from '../readings.js';
import { PUSH_MESSAGE_LIMITS } from '../../config/defaults.js';

/**
 * Printer → adapter message of the push protocol (PROTOCOLS.md §6), decoded strictly by hand:
 * `{"seq":<u53>,"time":<ms>,"readings":[{"item":"…","value":…,"unit"?:"…"}]}`. Unknown fields,
 * wrong types and anything beyond the limits are refused with a stable code and the JSON path.
 * Pure: text in, a message or a problem out; it never throws.
 */
export interface PushReading {
  item: string;
  value: ReadingValue;
  unit?: string;
}

export interface PushMessage {
  /** The printer's message number; the adapter acknowledges exactly this number. */
  seq: number;
  /** Device time of every reading in the message, ms since epoch. */
  time: number;
  readings: PushReading[];
}

export type PushMessageLimits = { [K in keyof typeof PUSH_MESSAGE_LIMITS]: number };

export type PushMessageErrorCode =
  | 'PUSH_BAD_JSON'
  | 'PUSH_NOT_AN_OBJECT'
  | 'PUSH_UNKNOWN_FIELD'
  | 'PUSH_BAD_SEQ'
  | 'PUSH_BAD_TIME'
  | 'PUSH_BAD_READINGS'
  | 'PUSH_TOO_MANY_READINGS'
  | 'PUSH_BAD_ITEM'
  | 'PUSH_DUPLICATE_ITEM'
  | 'PUSH_BAD_VALUE'
  | 'PUSH_BAD_UNIT';

export interface PushMessageProblem {
  code: PushMessageErrorCode;
  message: string;
  /** Where in the message, e.g. "readings[3].item"; "" for the whole message. */
  path: string;
}

export type PushDecodeResult = { ok: true; message: PushMessage } | { ok: false; problem: PushMessageProblem };

/** Same charset as log-rule items: the name becomes a ThingWorx property name. */
export const PUSH_ITEM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Latest instant a JS Date can hold. */
const MAX_TIME_MS = 8.64e15;
const CONTROL_CHARACTER = /\p{Cc}/u;
const MESSAGE_FIELDS = new Set(['seq', 'time', 'readings']);
const READING_FIELDS = new Set(['item', 'value', 'unit']);
/** The default, shared so that a message without overrides does not copy the limits. */
const NO_OVERRIDES: Partial<PushMessageLimits> = Object.freeze({});
/** Up to this many readings, duplicate items are found by a scan instead of a Set per message. */
const DUPLICATE_SCAN_MAX_READINGS = 32;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuse(code: PushMessageErrorCode, path: string, message: string): PushDecodeResult {
  return { ok: false, problem: { code, message: path ? `${path}: ${message}` : message, path } };
}

/** The first unknown key, shown short and escaped: it is untrusted text going into replies and logs. */
function unknownField(value: Record<string, unknown>, known: ReadonlySet<string>): string | undefined {
  // A loop, not Object.keys().find(): this runs for every reading of every message.
  let key: string | undefined;
  for (const candidate in value) {
    if (!known.has(candidate)) {
      key = candidate;
      break;
    }
  }
  if (key === undefined) return undefined;
  if (/^[A-Za-z0-9_]{1,32}$/.test(key)) return key;
  return `${JSON.stringify(key.slice(0, 24))}${key.length > 24 ? '…' : ''}`;
}

/** Only a refusal needs the path; built then, not for every good reading. */
function readingPath(index: number, field?: string): string {
  return `readings[${index}]${field === undefined ? '' : `.${field}`}`;
}

/**
 * Checks one reading in place; undefined when it is valid. A valid object has exactly the fields of a
 * PushReading (unknown ones are refused), so the message keeps it as is instead of a copy per reading.
 */
function checkReading(value: unknown, index: number, limits: PushMessageLimits): PushDecodeResult | undefined {
  if (!isRecord(value)) return refuse('PUSH_BAD_READINGS', readingPath(index), 'must be an object');
  const unknown = unknownField(value, READING_FIELDS);
  if (unknown !== undefined) return refuse('PUSH_UNKNOWN_FIELD', readingPath(index, unknown), 'unknown field');
  const { item, value: raw, unit } = value;
  if (typeof item !== 'string' || !PUSH_ITEM_NAME.test(item)) {
    return refuse('PUSH_BAD_ITEM', readingPath(index, 'item'), `must be a string matching ${PUSH_ITEM_NAME.source}`);
  }
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return refuse('PUSH_BAD_VALUE', readingPath(index, 'value'), 'must be a finite number');
  } else if (typeof raw === 'string') {
    if (raw.length > limits.maxStringValueLength || CONTROL_CHARACTER.test(raw)) {
      return refuse(
        'PUSH_BAD_VALUE',
        readingPath(index, 'value'),
        `a string value must be at most ${limits.maxStringValueLength} characters without control characters`,
      );
    }
  } else if (typeof raw !== 'boolean') {
    return refuse('PUSH_BAD_VALUE', readingPath(index, 'value'), 'must be a number, a string or a boolean');
  }
  if (unit !== undefined) {
    if (typeof unit !== 'string' || unit.length === 0 || unit.length > limits.maxUnitLength || CONTROL_CHARACTER.test(unit)) {
      return refuse('PUSH_BAD_UNIT', readingPath(index, 'unit'), `must be 1–${limits.maxUnitLength} characters without control characters`);
    }
  }
  return undefined;
}

/** Whether an earlier reading of the message has this item; a scan beats a Set for the usual handful of readings. */
function itemSeenBefore(readings: readonly unknown[], index: number, item: string): boolean {
  for (let earlier = 0; earlier < index; earlier++) {
    if ((readings[earlier] as PushReading).item === item) return true;
  }
  return false;
}

/**
 * The limits to check against. A server passes every limit (see createPushServer), so for its
 * messages this is the object itself, not a merged copy per message.
 */
function resolveLimits(overrides: Partial<PushMessageLimits>): PushMessageLimits {
  if (overrides === NO_OVERRIDES) return PUSH_MESSAGE_LIMITS;
  const { maxReadingsPerMessage, maxStringValueLength, maxUnitLength } = overrides;
  if (maxReadingsPerMessage !== undefined && maxStringValueLength !== undefined && maxUnitLength !== undefined) {
    return overrides as PushMessageLimits;
  }
  return { ...PUSH_MESSAGE_LIMITS, ...overrides };
}

/** Validates an already parsed value (the client checks what it is about to send with this). */
export function validatePushMessage(value: unknown, overrides: Partial<PushMessageLimits> = NO_OVERRIDES): PushDecodeResult {
  const limits = resolveLimits(overrides);
  if (!isRecord(value)) return refuse('PUSH_NOT_AN_OBJECT', '', 'a message must be a JSON object');
  const unknown = unknownField(value, MESSAGE_FIELDS);
  if (unknown !== undefined) return refuse('PUSH_UNKNOWN_FIELD', unknown, 'unknown field');
  const { seq, time, readings } = value;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    return refuse('PUSH_BAD_SEQ', 'seq', 'must be an integer from 0 to 2^53-1');
  }
  if (typeof time !== 'number' || !Number.isInteger(time) || time < 0 || time > MAX_TIME_MS) {
    return refuse('PUSH_BAD_TIME', 'time', 'must be an integer number of ms since 1970');
  }
  if (!Array.isArray(readings)) return refuse('PUSH_BAD_READINGS', 'readings', 'must be an array');
  if (readings.length > limits.maxReadingsPerMessage) {
    return refuse('PUSH_TOO_MANY_READINGS', 'readings', `more than ${limits.maxReadingsPerMessage} readings`);
  }
  // A Set only for long messages: for a few dozen readings the scan is cheaper than building one.
  const items = readings.length > DUPLICATE_SCAN_MAX_READINGS ? new Set<string>() : undefined;
  for (let index = 0; index < readings.length; index++) {
    const problem = checkReading(readings[index], index, limits);
    if (problem !== undefined) return problem;
    const { item } = readings[index] as PushReading;
    // One message has one time: two values for one item would contradict each other.
    const duplicate = items === undefined ? itemSeenBefore(readings, index, item) : items.has(item);
    if (duplicate) return refuse('PUSH_DUPLICATE_ITEM', `readings[${index}].item`, 'item appears twice');
    items?.add(item);
  }
  // Every reading was checked in place; the array holds exactly them.
  return { ok: true, message: { seq, time, readings: readings as PushReading[] } };
}

export function decodePushMessage(text: string, overrides: Partial<PushMessageLimits> = NO_OVERRIDES): PushDecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // V8's message quotes the input; the reply and the log must not echo it.
    return refuse('PUSH_BAD_JSON', '', 'not valid JSON');
  }
  return validatePushMessage(parsed, overrides);
}

const MESSAGE_START = asciiBytes('{"seq":');
const TIME_KEY = asciiBytes(',"time":');
const READINGS_KEY = asciiBytes(',"readings":[');
const READING_START = asciiBytes('{"item":');
const VALUE_KEY = asciiBytes(',"value":');
const UNIT_KEY = asciiBytes(',"unit":');
const TRUE = asciiBytes('true');
const FALSE = asciiBytes('false');
const FIRST_NON_ASCII = 0x80;
const DELETE = 0x7f;
/** A longer integer may be beyond 2^53 (or 8.64e15), which the strict path refuses. */
const MAX_INTEGER_DIGITS = 16;
const MAX_ITEM_NAME_LENGTH = 64;

/** PUSH_ITEM_NAME, byte by byte: a letter first, then letters, digits and `_`. */
function isItemNameByte(byte: number, first: boolean): boolean {
  const letter = (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
  return first ? letter : letter || isDigitByte(byte) || byte === 0x5f;
}

/**
 * Reads a message written as printers and JSON.stringify write it (the keys in order, no
 * whitespace, no escapes, plain numbers) straight from the frame's bytes: no text of the whole
 * frame, no parsed objects to check and drop. It only ever accepts what validatePushMessage
 * accepts, with the same values; at anything else `read` gives up (undefined), and the frame takes
 * the strict path, which decides every refusal. Strings equal to the previous message's at the
 * same place are that string again: a printer repeats its items, units and states message after message.
 */
class CanonicalMessageReader {
  private at = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly limits: PushMessageLimits,
    private readonly previous: PushMessage | undefined,
  ) {}

  read(): PushMessage | undefined {
    if (!this.skip(MESSAGE_START)) return undefined;
    const seq = this.integer();
    if (!Number.isSafeInteger(seq) || !this.skip(TIME_KEY)) return undefined;
    const time = this.integer();
    if (!(time <= MAX_TIME_MS) || !this.skip(READINGS_KEY)) return undefined;
    const readings: PushReading[] = [];
    if (this.bytes[this.at] === CLOSE_ARRAY) this.at++;
    else {
      for (;;) {
        // Long messages: the strict path's Set finds duplicate items; the scan below is for a few dozen.
        if (readings.length >= Math.min(this.limits.maxReadingsPerMessage, DUPLICATE_SCAN_MAX_READINGS)) return undefined;
        const reading = this.reading(readings.length);
        if (reading === undefined || itemSeenBefore(readings, readings.length, reading.item)) return undefined;
        readings.push(reading);
        const next = this.bytes[this.at++];
        if (next === CLOSE_ARRAY) break;
        if (next !== COMMA) return undefined;
      }
    }
    if (this.bytes[this.at++] !== CLOSE_OBJECT || this.at !== this.bytes.length) return undefined;
    return { seq, time, readings };
  }

  private reading(index: number): PushReading | undefined {
    const known = this.previous?.readings[index];
    if (!this.skip(READING_START)) return undefined;
    const item = this.itemName(known?.item);
    if (item === undefined || !this.skip(VALUE_KEY)) return undefined;
    const value = this.value(typeof known?.value === 'string' ? known.value : undefined);
    if (value === undefined) return undefined;
    if (this.bytes[this.at] === CLOSE_OBJECT) {
      this.at++;
      return { item, value };
    }
    if (!this.skip(UNIT_KEY)) return undefined;
    const unit = this.string(known?.unit, this.limits.maxUnitLength);
    if (unit === undefined || unit.length === 0 || this.bytes[this.at++] !== CLOSE_OBJECT) return undefined;
    return { item, value, unit };
  }

  private itemName(known: string | undefined): string | undefined {
    const start = this.at + 1;
    const item = this.string(known, MAX_ITEM_NAME_LENGTH);
    if (item === undefined || item.length === 0) return undefined;
    for (let index = 0; index < item.length; index++) {
      if (!isItemNameByte(this.bytes[start + index] as number, index === 0)) return undefined;
    }
    return item;
  }

  private value(known: string | undefined): ReadingValue | undefined {
    const first = this.bytes[this.at];
    if (first === QUOTE) return this.string(known, this.limits.maxStringValueLength);
    if (first === MINUS || isDigitByte(first)) return this.number();
    if (this.skip(TRUE)) return true;
    if (this.skip(FALSE)) return false;
    return undefined;
  }

  /** Consumes `literal` if the bytes continue with it. */
  private skip(literal: Uint8Array): boolean {
    const { bytes, at } = this;
    if (at + literal.length > bytes.length) return false;
    for (let index = 0; index < literal.length; index++) {
      if (bytes[at + index] !== literal[index]) return false;
    }
    this.at = at + literal.length;
    return true;
  }

  /** Digits only, no leading zero; NaN for anything else (a sign, a fraction, an exponent, too long). */
  private integer(): number {
    const { bytes } = this;
    const start = this.at;
    let value = 0;
    while (isDigitByte(bytes[this.at])) value = value * 10 + ((bytes[this.at++] as number) - DIGIT_0);
    const digits = this.at - start;
    if (digits === 0 || digits > MAX_INTEGER_DIGITS || (digits > 1 && bytes[start] === DIGIT_0)) return Number.NaN;
    const next = bytes[this.at];
    return next === DOT || next === LOWER_E || next === UPPER_E ? Number.NaN : value;
  }

  /** -?int(.frac)? with at most 15 digits, as JSON.parse reads it; undefined for any other form. */
  private number(): number | undefined {
    const { bytes } = this;
    const negative = bytes[this.at] === MINUS;
    if (negative) this.at++;
    const start = this.at;
    let mantissa = 0;
    while (isDigitByte(bytes[this.at])) mantissa = mantissa * 10 + ((bytes[this.at++] as number) - DIGIT_0);
    const integerDigits = this.at - start;
    if (integerDigits === 0 || (integerDigits > 1 && bytes[start] === DIGIT_0)) return undefined;
    let decimals = 0;
    if (bytes[this.at] === DOT) {
      this.at++;
      while (isDigitByte(bytes[this.at])) {
        mantissa = mantissa * 10 + ((bytes[this.at++] as number) - DIGIT_0);
        decimals++;
      }
      if (decimals === 0) return undefined;
    }
    const next = bytes[this.at];
    if (integerDigits + decimals > EXACT_DECIMAL_DIGITS || next === LOWER_E || next === UPPER_E) return undefined;
    const magnitude = mantissa / (EXACT_POWERS_OF_TEN[decimals] as number);
    return negative ? -magnitude : magnitude;
  }

  /**
   * A string without escapes or control characters, at most `maxLength` characters; undefined
   * otherwise. UTF-8 is decoded as the strict path decodes the whole frame (a quote byte never
   * splits a character, so the pieces decode alike).
   */
  private string(known: string | undefined, maxLength: number): string | undefined {
    const { bytes } = this;
    if (bytes[this.at] !== QUOTE) return undefined;
    const start = this.at + 1;
    let end = start;
    let ascii = true;
    for (;;) {
      const byte = bytes[end];
      if (byte === undefined || byte < 0x20 || byte === BACKSLASH || byte === DELETE) return undefined;
      if (byte === QUOTE) break;
      if (byte >= FIRST_NON_ASCII) ascii = false;
      end++;
    }
    this.at = end + 1;
    if (ascii) {
      if (end - start > maxLength) return undefined;
      if (known !== undefined && sameAscii(bytes, start, end, known)) return known;
      return bytes.toString('latin1', start, end);
    }
    const text = bytes.toString('utf8', start, end);
    if (text.length > maxLength || CONTROL_CHARACTER.test(text)) return undefined;
    return text === known ? known : text;
  }
}

function sameAscii(bytes: Buffer, start: number, end: number, text: string): boolean {
  if (text.length !== end - start) return false;
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) !== bytes[start + index]) return false;
  }
  return true;
}

/**
 * decodePushMessage for a frame's bytes (UTF-8). `previous`, the last message decoded on the same
 * connection, only saves work: the result is what decodePushMessage gives for the same text.
 */
export function decodePushFrame(
  bytes: Buffer,
  overrides: Partial<PushMessageLimits> = NO_OVERRIDES,
  previous?: PushMessage,
): PushDecodeResult {
  const message = new CanonicalMessageReader(bytes, resolveLimits(overrides), previous).read();
  if (message !== undefined) return { ok: true, message };
  return decodePushMessage(bytes.toString('utf8'), overrides);
}

export function encodePushMessage(message: PushMessage): string {
  return JSON.stringify({ seq: message.seq, time: message.time, readings: message.readings });
}
