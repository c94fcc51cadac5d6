import { BACKSLASH, DIGIT_0, MINUS, QUOTE } from '../json-grammar.js';

/**
 * JSON text written straight into bytes, exactly as `Buffer.from(JSON.stringify(x), 'utf8')` would give it for the
 * primitives it takes. Why not JSON.stringify: for a body of a few hundred rows V8 builds the text in parts joined as
 * a rope, and turning that into bytes first flattens it, so every call allocated about three times the body on the
 * JS heap; here the only per-call allocation is the body itself, off the heap. Pure: values in, bytes out.
 */

/** Printable ASCII is copied as it is; anything else a string holds goes through JSON.stringify. */
const FIRST_PLAIN = 0x20;
const LAST_PLAIN = 0x7e;
/** A safe integer splits into two parts of at most eight digits, each formatted with int32 arithmetic. */
const LOW_DIGITS = 1e8;
/** Room for any number's text (the longest double is 24 characters). */
const NUMBER_ROOM = 32;
const INITIAL_BYTES = 64 * 1024;
/** A writer that grew past this for one large body does not keep that memory for the next. */
const KEEP_BYTES = 1024 * 1024;

export class JsonBytesWriter {
  #buffer: Buffer = Buffer.allocUnsafe(0);
  #at = 0;

  /** Starts a new text; the buffer is reused, as the text is copied out by take(). */
  reset(): void {
    if (this.#buffer.length === 0 || this.#buffer.length > KEEP_BYTES) this.#buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
    this.#at = 0;
  }

  /** Bytes as they are (literal JSON punctuation and keys). */
  raw(bytes: Uint8Array): void {
    this.#room(bytes.length);
    const buffer = this.#buffer;
    let at = this.#at;
    for (let i = 0; i < bytes.length; i++) buffer[at++] = bytes[i] as number;
    this.#at = at;
  }

  /** A JSON string. */
  string(text: string): void {
    // Escaped, each UTF-16 unit takes at most six bytes (\u001f), plus the quotes.
    this.#room(text.length * 6 + 2);
    const buffer = this.#buffer;
    const start = this.#at;
    let at = start;
    buffer[at++] = QUOTE;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < FIRST_PLAIN || code > LAST_PLAIN || code === QUOTE || code === BACKSLASH) {
        // Escapes, non-ASCII and lone surrogates: JSON.stringify decides, the UTF-8 encoder writes.
        this.#at = start + buffer.write(JSON.stringify(text), start, 'utf8');
        return;
      }
      buffer[at++] = code;
    }
    buffer[at++] = QUOTE;
    this.#at = at;
  }

  /** A finite number, as JSON.stringify writes it (-0 as 0). */
  number(value: number): void {
    this.#room(NUMBER_ROOM);
    if (!Number.isSafeInteger(value)) {
      this.#ascii(String(value));
      return;
    }
    let rest = value;
    if (rest < 0) {
      this.#buffer[this.#at++] = MINUS;
      rest = -rest;
    }
    if (rest < LOW_DIGITS) {
      this.#digits(rest, 0);
      return;
    }
    const high = Math.floor(rest / LOW_DIGITS);
    this.#digits(high, 0);
    this.#digits(rest - high * LOW_DIGITS, 8);
  }

  boolean(value: boolean): void {
    this.#ascii(value ? 'true' : 'false');
  }

  /** The text written since reset(), in a buffer of its own. */
  take(): Buffer {
    const text = Buffer.allocUnsafe(this.#at);
    this.#buffer.copy(text, 0, 0, this.#at);
    return text;
  }

  /** Digits of an integer below 1e8, left-padded with zeros to `width`. */
  #digits(value: number, width: number): void {
    let count = 1;
    for (let limit = 10; limit <= value; limit *= 10) count++;
    if (count < width) count = width;
    const buffer = this.#buffer;
    let rest = value | 0;
    const end = this.#at + count;
    for (let at = end - 1; at >= this.#at; at--) {
      const next = (rest / 10) | 0;
      buffer[at] = DIGIT_0 + rest - next * 10;
      rest = next;
    }
    this.#at = end;
  }

  /** Text known to be ASCII without characters to escape (a number's or a literal's). */
  #ascii(text: string): void {
    this.#room(text.length);
    const buffer = this.#buffer;
    let at = this.#at;
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    this.#at = at;
  }

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.#buffer.length * 2, this.#at + bytes));
    this.#buffer.copy(grown, 0, 0, this.#at);
    this.#buffer = grown;
  }
}
