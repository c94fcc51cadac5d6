import type { ReadingValue } from '../../domain/readings.js';
import { PUSH_MESSAGE_LIMITS } from '../../config/defaults.js';

/**
 * Printer → adapter message of the push protocol (PROTOCOLS.md §6), parsed by JSON.parse (the
 * printer is untrusted: no hand-written reader of its bytes) and then checked strictly by hand:
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

/**
 * decodePushMessage for a frame's bytes. ws has checked the frame's size (maxMessageBytes, from its
 * length header, before reading the payload) and that a text frame is valid UTF-8.
 */
export function decodePushFrame(bytes: Buffer, overrides: Partial<PushMessageLimits> = NO_OVERRIDES): PushDecodeResult {
  return decodePushMessage(bytes.toString('utf8'), overrides);
}

export function encodePushMessage(message: PushMessage): string {
  return JSON.stringify({ seq: message.seq, time: message.time, readings: message.readings });
}
