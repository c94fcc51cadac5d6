import { AlwaysOnError, limitExceeded } from './errors.js';
import { LONG_STRING_FLAG } from './wire.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads one message's bytes front to back. Every read checks that its bytes are there, and every length is checked
 * against its limit and the bytes left before anything is sliced or decoded: a length field can never make the
 * reader allocate more than the message it was given.
 */
export class Cursor {
  #at: number;

  constructor(
    private readonly bytes: Buffer,
    private readonly maxStringBytes: number,
    start = 0,
  ) {
    this.#at = start;
  }

  get offset(): number {
    return this.#at;
  }

  get remaining(): number {
    return this.bytes.length - this.#at;
  }

  #take(bytes: number, what: string): number {
    if (bytes > this.remaining) {
      throw new AlwaysOnError('AO_ERR_TRUNCATED', `${what} needs ${bytes} bytes, ${this.remaining} left`, { field: what, offset: this.#at });
    }
    const at = this.#at;
    this.#at += bytes;
    return at;
  }

  /** The next byte without consuming it, or undefined at the end. */
  peek(): number | undefined {
    return this.remaining > 0 ? this.bytes[this.#at] : undefined;
  }

  u8(what: string): number {
    return this.bytes.readUInt8(this.#take(1, what));
  }

  u16(what: string): number {
    return this.bytes.readUInt16BE(this.#take(2, what));
  }

  u32(what: string): number {
    return this.bytes.readUInt32BE(this.#take(4, what));
  }

  i32(what: string): number {
    return this.bytes.readInt32BE(this.#take(4, what));
  }

  f64(what: string): number {
    return this.bytes.readDoubleBE(this.#take(8, what));
  }

  /** An unsigned 64-bit count that must fit a JS number exactly. */
  u64(what: string): number {
    const value = this.bytes.readBigUInt64BE(this.#take(8, what));
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new AlwaysOnError('AO_ERR_BAD_VALUE', `${what} ${value} is beyond the exact range of a number`, { field: what });
    }
    return Number(value);
  }

  /** A view of the next `length` bytes (length already checked by the caller against its limit). */
  slice(length: number, what: string): Buffer {
    const at = this.#take(length, what);
    return this.bytes.subarray(at, at + length);
  }

  /** Length (short or long form) then UTF-8; the length is checked before the text is read. */
  string(what: string): string {
    const first = this.u8(what);
    let length = first;
    if (first & 0x80) {
      const rest = this.bytes.readUIntBE(this.#take(3, what), 3);
      length = (((first << 24) | rest) & ~LONG_STRING_FLAG) >>> 0;
    }
    if (length > this.maxStringBytes) throw limitExceeded('AO_ERR_STRING_TOO_LARGE', 'maxStringBytes', length, this.maxStringBytes);
    const view = this.slice(length, what);
    try {
      return UTF8.decode(view);
    } catch {
      throw new AlwaysOnError('AO_ERR_BAD_STRING', `${what} is not UTF-8`, { field: what });
    }
  }
}
