import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COMMA, DIGIT_0, DIGIT_9, DOT, EXACT_DECIMAL_DIGITS, EXACT_POWERS_OF_TEN, LOWER_E, MINUS, PLUS, QUOTE, UPPER_E } from '../../protocols/json-grammar.js';
import type { Quality, ValueType } from '../../domain/readings.js';
import { type DecodedRows, EXPECTED_FIELDS, type VtqValue } from './infotable-decoder.js';

/**
 * The fast path for UpdatePropertyValues: reads the body bytes straight into DecodedRows when they are
 * in the exact form the adapter writes (compact JSON of a NamedVTQ InfoTable: no whitespace, rows keyed
 * name, value, time, quality in that order, plain values, times in ms). The stand-in takes ~150,000
 * rows/s in the end-to-end bench; JSON.parse's row objects plus a decoding pass over them were most of
 * its work and garbage. Pure. Anything else (another key order, whitespace, escapes, typed values,
 * a refusal) answers false: the general path (JSON.parse + decodeUpdatePropertyValues) then
 * decides, so what is accepted, refused and recorded, and every error message, stay its own.
 */

const FIELD_DEFINITIONS = Object.fromEntries(Object.entries(EXPECTED_FIELDS).map(([name, baseType]) => [name, { name, baseType }]));
const PREFIX = Buffer.from(`{"values":{"dataShape":${JSON.stringify({ fieldDefinitions: FIELD_DEFINITIONS })},"rows":[`, 'latin1');
const NAME_KEY = Buffer.from('{"name":"', 'latin1');
const VALUE_KEY = Buffer.from(',"value":', 'latin1');
const TIME_KEY = Buffer.from(',"time":', 'latin1');
const QUALITY_KEY = Buffer.from(',"quality":"', 'latin1');


const QUALITY_NAMES: readonly Quality[] = ['GOOD', 'BAD', 'UNKNOWN'];
const QUALITY_BYTES = QUALITY_NAMES.map((quality) => Buffer.from(quality, 'latin1'));

/**
 * Short ASCII strings seen before (property names, state values), by hash: a repeated one costs no
 * allocation, and the records hold one copy. Bounded, since a hostile client may send endless new names.
 */
const INTERNED = new Map<number, string>();
const INTERNED_MAX_ENTRIES = 4096;
const INTERNED_MAX_LENGTH = 64;

/** `bytes[start, end)` (ASCII, hashed as `hash`) as a string, shared when it was seen before. */
function internedAscii(bytes: Buffer, start: number, end: number, hash: number): string {
  const length = end - start;
  if (length > INTERNED_MAX_LENGTH) return bytes.toString('latin1', start, end);
  const known = INTERNED.get(hash);
  if (known !== undefined && known.length === length) {
    let same = true;
    for (let index = 0; index < length; index++) {
      if (known.charCodeAt(index) !== bytes[start + index]) {
        same = false;
        break;
      }
    }
    if (same) return known;
  }
  const text = bytes.toString('latin1', start, end);
  if (known === undefined && INTERNED.size < INTERNED_MAX_ENTRIES) INTERNED.set(hash, text);
  return text;
}

/** Where the scan is; `value`/`baseType` hold the last value read (no object per value). */
class Cursor {
  at = 0;
  number = 0;
  text = '';
  value: VtqValue = 0;
  baseType: ValueType = 'NUMBER';
  constructor(readonly bytes: Buffer) {}

  /** Consumes `expected` when the bytes continue with it. */
  literal(expected: Buffer): boolean {
    const { bytes } = this;
    const end = this.at + expected.length;
    if (end > bytes.length) return false;
    for (let index = 0; index < expected.length; index++) {
      if (bytes[this.at + index] !== expected[index]) return false;
    }
    this.at = end;
    return true;
  }

  /** The rest of a string whose opening quote is consumed, into `text`; false on escapes, control characters or no end. */
  string(): boolean {
    const { bytes } = this;
    const start = this.at;
    let ascii = true;
    let hash = 0;
    for (let index = start; index < bytes.length; index++) {
      const byte = bytes[index] as number;
      if (byte === QUOTE) {
        this.text = ascii ? internedAscii(bytes, start, index, hash) : bytes.toString('utf8', start, index);
        this.at = index + 1;
        return true;
      }
      if (byte === BACKSLASH || byte < 0x20) return false;
      if (byte >= 0x80) ascii = false;
      hash = (Math.imul(hash, 31) + byte) | 0;
    }
    return false;
  }

  /** A JSON number (RFC 8259 grammar) into `number`; false when the bytes are not one. */
  jsonNumber(): boolean {
    const { bytes } = this;
    const start = this.at;
    let index = start;
    const negative = bytes[index] === MINUS;
    if (negative) index++;
    const first = bytes[index];
    if (first === undefined || first < DIGIT_0 || first > DIGIT_9) return false;
    let digits = 0;
    let mantissa = 0;
    if (first === DIGIT_0) index++;
    else {
      while (index < bytes.length && (bytes[index] as number) >= DIGIT_0 && (bytes[index] as number) <= DIGIT_9) {
        mantissa = mantissa * 10 + ((bytes[index] as number) - DIGIT_0);
        digits++;
        index++;
      }
    }
    let decimals = 0;
    if (bytes[index] === DOT) {
      index++;
      const fractionStart = index;
      while (index < bytes.length && (bytes[index] as number) >= DIGIT_0 && (bytes[index] as number) <= DIGIT_9) {
        mantissa = mantissa * 10 + ((bytes[index] as number) - DIGIT_0);
        index++;
      }
      decimals = index - fractionStart;
      if (decimals === 0) return false;
      // Leading zeros of the mantissa are not significant digits.
      digits = mantissa === 0 ? 0 : digits + decimals;
    }
    let exponent = false;
    if (bytes[index] === LOWER_E || bytes[index] === UPPER_E) {
      exponent = true;
      index++;
      if (bytes[index] === PLUS || bytes[index] === MINUS) index++;
      const exponentStart = index;
      while (index < bytes.length && (bytes[index] as number) >= DIGIT_0 && (bytes[index] as number) <= DIGIT_9) index++;
      if (index === exponentStart) return false;
    }
    this.at = index;
    if (!exponent && digits <= EXACT_DECIMAL_DIGITS && decimals <= EXACT_DECIMAL_DIGITS) {
      // Both operands exact, so IEEE division rounds once, exactly as the decimal conversion does.
      const magnitude = decimals === 0 ? mantissa : mantissa / (EXACT_POWERS_OF_TEN[decimals] as number);
      this.number = negative ? -magnitude : magnitude;
    } else {
      this.number = Number(bytes.toString('latin1', start, index));
    }
    return true;
  }

  /** A plain value: a string, true, false or a finite number; typed values and anything else answer false. */
  plainValue(): boolean {
    const byte = this.bytes[this.at];
    if (byte === QUOTE) {
      this.at++;
      if (!this.string()) return false;
      this.value = this.text;
      this.baseType = 'STRING';
      return true;
    }
    if (byte === 0x74 /* t */ || byte === 0x66 /* f */) {
      const truth = byte === 0x74;
      if (!this.literal(truth ? TRUE : FALSE)) return false;
      this.value = truth;
      this.baseType = 'BOOLEAN';
      return true;
    }
    if (!this.jsonNumber() || !Number.isFinite(this.number)) return false;
    this.value = this.number;
    this.baseType = 'NUMBER';
    return true;
  }

  /** The rest of a quality whose opening quote is consumed, as the shared constant. */
  quality(): Quality | undefined {
    for (let index = 0; index < QUALITY_BYTES.length; index++) {
      const candidate = QUALITY_BYTES[index] as Buffer;
      if (this.literal(candidate)) {
        if (this.bytes[this.at] === QUOTE) {
          this.at++;
          return QUALITY_NAMES[index];
        }
        this.at -= candidate.length;
      }
    }
    return undefined;
  }
}

const TRUE = Buffer.from('true', 'latin1');
const FALSE = Buffer.from('false', 'latin1');

/**
 * True when the body is exactly in the adapter's form and every row is accepted: its rows are then in
 * `rows` (emptied first). False otherwise: the general path decides and explains.
 */
export function scanUpdatePropertyValues(body: Buffer, rows: DecodedRows): boolean {
  rows.reset();
  const cursor = new Cursor(body);
  if (!cursor.literal(PREFIX)) return false;
  if (body[cursor.at] !== CLOSE_ARRAY) {
    for (;;) {
      if (!cursor.literal(NAME_KEY) || !cursor.string() || cursor.text.length === 0) return false;
      const name = cursor.text;
      if (!cursor.literal(VALUE_KEY) || !cursor.plainValue()) return false;
      const { value, baseType } = cursor;
      if (!cursor.literal(TIME_KEY) || !cursor.jsonNumber()) return false;
      const time = cursor.number;
      // Finite and not negative, as the general path requires; -0 passes there too.
      if (!(time >= 0) || !Number.isFinite(time)) return false;
      if (!cursor.literal(QUALITY_KEY)) return false;
      const quality = cursor.quality();
      if (quality === undefined || body[cursor.at] !== CLOSE_OBJECT) return false;
      cursor.at++;
      rows.push(name, value, baseType, time, quality);
      if (body[cursor.at] !== COMMA) break;
      cursor.at++;
    }
  }
  // `]}}` and nothing after it.
  const at = cursor.at;
  return body.length === at + 3 && body[at] === CLOSE_ARRAY && body[at + 1] === CLOSE_OBJECT && body[at + 2] === CLOSE_OBJECT;
}
