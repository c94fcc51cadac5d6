import { ByteQueue } from '../byte-queue.js';
import { LumberjackError, limitExceeded } from './errors.js';
import type { LumberjackLimits } from './limits.js';
import { FRAME_COMPRESSED, FRAME_DATA, FRAME_JSON, FRAME_WINDOW, type ProtocolVersion, VERSION_1, VERSION_2 } from './wire.js';

/** One frame as it stands on the wire; what a window means is the decoder's business. */
export type Frame =
  | { type: 'window'; version: ProtocolVersion; count: number }
  /** `payload` is the event's UTF-8 JSON, a view into the received bytes where it can be. */
  | { type: 'json'; version: ProtocolVersion; seq: number; payload: Buffer; bytes: number }
  | { type: 'data'; version: ProtocolVersion; seq: number; fields: Record<string, string>; bytes: number }
  | { type: 'compressed'; version: ProtocolVersion; payload: Buffer };

export type FrameLimits = Pick<LumberjackLimits, 'maxWindowEvents' | 'maxEventBytes' | 'maxCompressedBytes'>;

// Parser states: each names the bytes it waits for (after ws's receiver).
const GET_HEADER = 0;
const GET_WINDOW_COUNT = 1;
const GET_JSON_HEADER = 2;
const GET_JSON_PAYLOAD = 3;
const GET_DATA_HEADER = 4;
const GET_DATA_KEY_LENGTH = 5;
const GET_DATA_KEY = 6;
const GET_DATA_VALUE_LENGTH = 7;
const GET_DATA_VALUE = 8;
const GET_COMPRESSED_LENGTH = 9;
const GET_COMPRESSED_PAYLOAD = 10;

/** What each frame type reads after its two header bytes. */
const FRAME_START: ReadonlyMap<number, { state: number; bytes: number }> = new Map([
  [FRAME_WINDOW, { state: GET_WINDOW_COUNT, bytes: 4 }], // count
  [FRAME_JSON, { state: GET_JSON_HEADER, bytes: 8 }], // seq, length
  [FRAME_DATA, { state: GET_DATA_HEADER, bytes: 8 }], // seq, pair count
  [FRAME_COMPRESSED, { state: GET_COMPRESSED_LENGTH, bytes: 4 }], // length
]);

/** Per key/value pair on the wire: a u32 key length and a u32 value length. */
const DATA_PAIR_OVERHEAD = 8;

/**
 * Chunk-fed state machine that turns Lumberjack bytes into frames. It consumes exactly the bytes a
 * state needs, checks every length against its limit as soon as the length is read (before waiting
 * for or allocating the payload), and never holds more than the bytes it was given. The frames it
 * yields are the same however the input is split.
 */
export class FrameReader {
  private readonly queue = new ByteQueue();
  private state = GET_HEADER;
  private version: ProtocolVersion = 2;
  private seq = 0;
  private needed = 2;
  private pairsLeft = 0;
  private dataBytes = 0;
  private key = '';
  private fields: Record<string, string> = Object.create(null);

  constructor(private readonly limits: FrameLimits) {}

  push(chunk: Buffer): void {
    this.queue.push(chunk);
  }

  /** Bytes received and not yet consumed. */
  get bufferedBytes(): number {
    return this.queue.length;
  }

  /** True between frames with nothing buffered: the input so far was whole frames. */
  get atFrameBoundary(): boolean {
    return this.state === GET_HEADER && this.queue.length === 0;
  }

  /** The next complete frame, or undefined until more bytes arrive. Throws LumberjackError. */
  read(): Frame | undefined {
    for (;;) {
      if (this.queue.length < this.needed) return undefined;
      const frame = this.advance();
      if (frame !== undefined) return frame;
    }
  }

  /** Runs one state on `needed` available bytes; returns a frame when one completes. */
  private advance(): Frame | undefined {
    const q = this.queue;
    switch (this.state) {
      case GET_HEADER:
        this.version = parseVersion(q.consumeUInt8());
        this.enterFrame(q.consumeUInt8());
        return undefined;
      case GET_WINDOW_COUNT: {
        const count = q.consumeUInt32();
        if (count > this.limits.maxWindowEvents) {
          throw limitExceeded('LJ_ERR_WINDOW_TOO_LARGE', 'maxWindowEvents', count, this.limits.maxWindowEvents);
        }
        return this.frameDone({ type: 'window', version: this.version, count });
      }
      case GET_JSON_HEADER: {
        this.seq = q.consumeUInt32();
        const length = q.consumeUInt32();
        if (length > this.limits.maxEventBytes) {
          throw limitExceeded('LJ_ERR_EVENT_TOO_LARGE', 'maxEventBytes', length, this.limits.maxEventBytes);
        }
        this.expect(GET_JSON_PAYLOAD, length);
        return undefined;
      }
      case GET_JSON_PAYLOAD: {
        const bytes = this.needed;
        return this.frameDone({ type: 'json', version: this.version, seq: this.seq, payload: q.consume(bytes), bytes });
      }
      case GET_DATA_HEADER: {
        this.seq = q.consumeUInt32();
        this.pairsLeft = q.consumeUInt32();
        this.dataBytes = this.pairsLeft * DATA_PAIR_OVERHEAD;
        if (this.dataBytes > this.limits.maxEventBytes) {
          throw limitExceeded('LJ_ERR_EVENT_TOO_LARGE', 'maxEventBytes', this.dataBytes, this.limits.maxEventBytes);
        }
        this.fields = Object.create(null);
        if (this.pairsLeft === 0) return this.dataFrameDone();
        this.expect(GET_DATA_KEY_LENGTH, 4);
        return undefined;
      }
      case GET_DATA_KEY_LENGTH:
        this.expect(GET_DATA_KEY, this.countDataBytes(q.consumeUInt32()));
        return undefined;
      case GET_DATA_KEY:
        this.key = q.consumeText(this.needed);
        this.expect(GET_DATA_VALUE_LENGTH, 4);
        return undefined;
      case GET_DATA_VALUE_LENGTH:
        this.expect(GET_DATA_VALUE, this.countDataBytes(q.consumeUInt32()));
        return undefined;
      case GET_DATA_VALUE: {
        this.fields[this.key] = q.consumeText(this.needed);
        this.pairsLeft -= 1;
        if (this.pairsLeft === 0) return this.dataFrameDone();
        this.expect(GET_DATA_KEY_LENGTH, 4);
        return undefined;
      }
      case GET_COMPRESSED_LENGTH: {
        const length = q.consumeUInt32();
        if (length > this.limits.maxCompressedBytes) {
          throw limitExceeded('LJ_ERR_COMPRESSED_TOO_LARGE', 'maxCompressedBytes', length, this.limits.maxCompressedBytes);
        }
        this.expect(GET_COMPRESSED_PAYLOAD, length);
        return undefined;
      }
      case GET_COMPRESSED_PAYLOAD:
        return this.frameDone({ type: 'compressed', version: this.version, payload: q.consume(this.needed) });
      default:
        throw new Error(`unreachable parser state ${this.state}`);
    }
  }

  private enterFrame(type: number): void {
    const next = FRAME_START.get(type);
    if (next === undefined) {
      throw new LumberjackError('LJ_ERR_BAD_FRAME_TYPE', `unknown frame type 0x${hex(type)}`, { frameType: hex(type) });
    }
    this.expect(next.state, next.bytes);
  }

  /** Adds a key or value length (already read) to the frame's size and checks it before reading it. */
  private countDataBytes(length: number): number {
    this.dataBytes += length;
    if (this.dataBytes > this.limits.maxEventBytes) {
      throw limitExceeded('LJ_ERR_EVENT_TOO_LARGE', 'maxEventBytes', this.dataBytes, this.limits.maxEventBytes);
    }
    return length;
  }

  private dataFrameDone(): Frame {
    const fields = this.fields;
    this.fields = Object.create(null);
    return this.frameDone({ type: 'data', version: this.version, seq: this.seq, fields, bytes: this.dataBytes });
  }

  private frameDone(frame: Frame): Frame {
    this.expect(GET_HEADER, 2);
    return frame;
  }

  private expect(state: number, bytes: number): void {
    this.state = state;
    this.needed = bytes;
  }
}

function parseVersion(byte: number): ProtocolVersion {
  if (byte === VERSION_2) return 2;
  if (byte === VERSION_1) return 1;
  throw new LumberjackError('LJ_ERR_BAD_VERSION', `unknown protocol version byte 0x${hex(byte)}`, { version: hex(byte) });
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
