import { LumberjackError, limitExceeded } from './errors.js';
import { type Frame, FrameReader } from './frame-reader.js';
import { inflateCapped } from './inflate.js';
import { type JsonFieldSelection, parseSelectedJson } from './json-select.js';
import type { LumberjackLimits } from './limits.js';
import type { ProtocolVersion } from './wire.js';

/** One complete window: what the server hands the application as a batch. */
export interface LumberjackWindow {
  version: ProtocolVersion;
  /**
   * Parsed JSON documents (v2 `J`), pruned to the decoder's field selection when it has one (see
   * json-select.ts), or key/value maps with a null prototype (v1 `D`).
   */
  events: unknown[];
  /** Each event's seq as sent; an ACK for the first n events carries sequences[n - 1]. */
  sequences: number[];
  /** Decoded bytes (JSON payloads, key/value pairs): the window's weight for maxBytesInFlight. */
  bytes: number;
}

export type DecodeStep =
  | { kind: 'need-more' }
  | { kind: 'frame' }
  | { kind: 'window'; window: LumberjackWindow };

export type DecoderLimits = Pick<
  LumberjackLimits,
  'maxWindowEvents' | 'maxEventBytes' | 'maxCompressedBytes' | 'maxInflatedBytes' | 'maxBytesInFlight'
>;

const NEED_MORE: DecodeStep = Object.freeze({ kind: 'need-more' });
const FRAME_DONE: DecodeStep = Object.freeze({ kind: 'frame' });

/**
 * Turns frames into windows: `W n` opens a window that n data frames (`J`, `D`, or inside `C`)
 * fill. A `C` payload is inflated with a cap and read by a second FrameReader, where only data
 * frames are allowed. `step()` handles at most one outer frame, so the caller can stop between
 * frames (backpressure, bytes in flight) without the decoder buffering ahead.
 * After the first error the decoder stays failed and rethrows it.
 */
export class LumberjackDecoder {
  private readonly reader: FrameReader;
  private window: LumberjackWindow | undefined;
  /** Events the open window announced. */
  private expected = 0;
  private failure: LumberjackError | undefined;

  /**
   * `eventFields`: the fields of each JSON event the application reads; the rest is validated and
   * not built (a window's documents cost their selected fields, not every field they carry).
   */
  constructor(
    private readonly limits: DecoderLimits,
    private readonly eventFields?: JsonFieldSelection,
  ) {
    this.reader = new FrameReader(limits);
  }

  push(chunk: Buffer): void {
    this.reader.push(chunk);
  }

  /** Decoded bytes of the window being assembled. */
  get windowBytes(): number {
    return this.window?.bytes ?? 0;
  }

  /** Bytes received and not yet consumed. */
  get bufferedBytes(): number {
    return this.reader.bufferedBytes;
  }

  /** True when the stream so far ended exactly after a complete window. */
  get atWindowBoundary(): boolean {
    return this.window === undefined && this.reader.atFrameBoundary;
  }

  /** Throws LumberjackError; the stream is unusable afterwards. */
  step(): DecodeStep {
    if (this.failure) throw this.failure;
    try {
      const frame = this.reader.read();
      if (frame === undefined) return NEED_MORE;
      return this.accept(frame);
    } catch (error) {
      if (error instanceof LumberjackError) this.failure = error;
      throw error;
    }
  }

  private accept(frame: Frame): DecodeStep {
    if (frame.type === 'window') {
      if (this.window) {
        throw new LumberjackError('LJ_ERR_UNEXPECTED_FRAME', 'window header inside an unfinished window', {
          expected: this.expected,
          received: this.window.events.length,
        });
      }
      // go-lumber skips empty windows; so do we (nothing to acknowledge).
      if (frame.count === 0) return FRAME_DONE;
      this.window = { version: frame.version, events: [], sequences: [], bytes: 0 };
      this.expected = frame.count;
      return FRAME_DONE;
    }
    const window = this.window;
    if (!window) {
      throw new LumberjackError('LJ_ERR_UNEXPECTED_FRAME', `data frame '${frame.type}' outside a window`, {
        frameType: frame.type,
      });
    }
    if (frame.type === 'compressed') this.acceptCompressed(window, frame.payload);
    else this.acceptData(window, frame);
    if (window.events.length < this.expected) return FRAME_DONE;
    this.window = undefined;
    return { kind: 'window', window };
  }

  private acceptCompressed(window: LumberjackWindow, payload: Buffer): void {
    const inflated = inflateCapped(payload, this.limits.maxInflatedBytes);
    const inner = new FrameReader(this.limits);
    inner.push(inflated);
    for (let frame = inner.read(); frame !== undefined; frame = inner.read()) {
      if (frame.type === 'window' || frame.type === 'compressed') {
        throw new LumberjackError('LJ_ERR_UNEXPECTED_FRAME', `'${frame.type}' frame inside a compressed frame`, {
          frameType: frame.type,
        });
      }
      this.acceptData(window, frame);
    }
    if (!inner.atFrameBoundary) {
      throw new LumberjackError('LJ_ERR_TRUNCATED_COMPRESSED', 'compressed frame ends inside a frame', {
        trailingBytes: inner.bufferedBytes,
      });
    }
  }

  private acceptData(window: LumberjackWindow, frame: Extract<Frame, { type: 'json' | 'data' }>): void {
    if (window.events.length === this.expected) {
      throw new LumberjackError('LJ_ERR_WINDOW_OVERFLOW', 'more events than the window announced', {
        expected: this.expected,
      });
    }
    window.bytes += frame.bytes;
    if (window.bytes > this.limits.maxBytesInFlight) {
      throw limitExceeded('LJ_ERR_IN_FLIGHT_LIMIT', 'maxBytesInFlight', window.bytes, this.limits.maxBytesInFlight);
    }
    window.events.push(frame.type === 'json' ? this.parseJson(frame.payload, frame.seq) : frame.fields);
    window.sequences.push(frame.seq);
  }

  private parseJson(payload: Buffer, seq: number): unknown {
    try {
      if (this.eventFields === undefined) return JSON.parse(payload.toString('utf8'));
      return parseSelectedJson(payload, 0, payload.length, this.eventFields);
    } catch {
      throw new LumberjackError('LJ_ERR_BAD_JSON', `event seq ${seq} is not valid JSON`, { seq, bytes: payload.length });
    }
  }
}

/** Every window the buffered bytes complete (tests, benchmarks, replay); throws like step(). */
export function drainWindows(decoder: LumberjackDecoder): LumberjackWindow[] {
  const windows: LumberjackWindow[] = [];
  for (;;) {
    const step = decoder.step();
    if (step.kind === 'need-more') return windows;
    if (step.kind === 'window') windows.push(step.window);
  }
}
