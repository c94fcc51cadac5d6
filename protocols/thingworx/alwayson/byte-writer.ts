import { AlwaysOnError, limitExceeded } from './errors.js';
import { LONG_STRING_FLAG, SHORT_STRING_MAX } from './wire.js';

/** A growable big-endian byte buffer for building one message body. */
export class ByteWriter {
  #buffer: Buffer;
  #length = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxStringBytes: number,
    initialBytes = 256,
  ) {
    this.#buffer = Buffer.allocUnsafe(Math.min(initialBytes, maxBytes));
  }

  get length(): number {
    return this.#length;
  }

  /** Reserves bytes and returns where they start. Call it before reading #buffer: it may replace the buffer. */
  #room(bytes: number): number {
    const at = this.#length;
    const needed = at + bytes;
    if (needed > this.maxBytes) throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', needed, this.maxBytes);
    if (needed > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.maxBytes, Math.max(needed, this.#buffer.length * 2)));
      this.#buffer.copy(grown, 0, 0, at);
      this.#buffer = grown;
    }
    this.#length = needed;
    return at;
  }

  u8(value: number): this {
    const at = this.#room(1);
    this.#buffer.writeUInt8(value, at);
    return this;
  }

  u16(value: number): this {
    const at = this.#room(2);
    this.#buffer.writeUInt16BE(value, at);
    return this;
  }

  u32(value: number): this {
    const at = this.#room(4);
    this.#buffer.writeUInt32BE(value, at);
    return this;
  }

  i32(value: number): this {
    const at = this.#room(4);
    this.#buffer.writeInt32BE(value, at);
    return this;
  }

  f64(value: number): this {
    const at = this.#room(8);
    this.#buffer.writeDoubleBE(value, at);
    return this;
  }

  u64(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new AlwaysOnError('AO_ERR_BAD_VALUE', `an unsigned 64-bit field needs a whole number ≥ 0, got ${value}`);
    }
    // Two u32 halves: exact for every safe integer, and no BigInt per value on the hot path.
    const at = this.#room(8);
    this.#buffer.writeUInt32BE(Math.floor(value / 0x1_0000_0000), at);
    this.#buffer.writeUInt32BE(value >>> 0, at + 4);
    return this;
  }

  bytes(bytes: Uint8Array): this {
    const at = this.#room(bytes.byteLength);
    this.#buffer.set(bytes, at);
    return this;
  }

  /** Length (one byte below 128, else four with the top bit set) then UTF-8. */
  string(text: string): this {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.maxStringBytes) throw limitExceeded('AO_ERR_STRING_TOO_LARGE', 'maxStringBytes', bytes, this.maxStringBytes);
    if (bytes <= SHORT_STRING_MAX) this.u8(bytes);
    else this.u32((bytes | LONG_STRING_FLAG) >>> 0);
    const at = this.#room(bytes);
    this.#buffer.write(text, at, bytes, 'utf8');
    return this;
  }

  /** Starts again, keeping the buffer (one writer serves every message: encoding is synchronous). */
  reset(): this {
    this.#length = 0;
    return this;
  }

  /** Leaves `bytes` to fill later through view() (a header written once the body's size is known). */
  skip(bytes: number): this {
    this.#room(bytes);
    return this;
  }

  /** What was written, in place: valid until the next write or reset. */
  view(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }

  /** A copy of what was written. */
  take(): Buffer {
    return Buffer.from(this.#buffer.subarray(0, this.#length));
  }
}

/** Bytes a string takes on the wire, length included. */
export function encodedStringBytes(text: string): number {
  const bytes = Buffer.byteLength(text, 'utf8');
  return (bytes <= SHORT_STRING_MAX ? 1 : 4) + bytes;
}
