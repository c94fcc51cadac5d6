import { LumberjackError, limitExceeded } from './errors.js';
import { type Frame, FrameReader } from './frame-reader.js';
import { inflateCapped } from './inflate.js';
import { type JsonFieldSelection, selectFields } from './field-selection.js';
import type { LumberjackLimits } from './limits.js';
import type { ProtocolVersion } from './wire.js';

/** One complete window: what the server hands the application as a batch. */
export interface LumberjackWindow {
  version: ProtocolVersion;
  /**
   * Parsed JSON documents (v2 `J`), pruned to the decoder's field selection when it has one (see
   * field-selection.ts), or key/value maps with a null prototype (v1 `D`).
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
  /**
   * A `C` frame arrived: the caller inflates `payload` with the cap `maxBytes` (async on a live
   * connection) and hands the result, or the LumberjackError, to `inflated()` before the next step.
   */
  | { kind: 'inflate'; payload: Buffer; maxBytes: number }
  | { kind: 'window'; window: LumberjackWindow };

export type DecoderLimits = Pick<
  LumberjackLimits,
  'maxWindowEvents' | 'maxEventBytes' | 'maxCompressedBytes' | 'maxInflatedBytes' | 'maxBytesInFlight'
>;

const NEED_MORE: DecodeStep = Object.freeze({ kind: 'need-more' });
const FRAME_DONE: DecodeStep = Object.freeze({ kind: 'frame' });

/**
 * Turns frames into windows: `W n` opens a window that n data frames (`J`, `D`, or inside `C`)
 * fill. A `C` payload is not inflated here: step() asks the caller to (an `inflate` step), so a
 * live connection can inflate off the event loop while the decoder stays a pure state machine. The
 * inflated bytes are read by a second FrameReader, where only data frames are allowed, one frame
 * per step like the outer ones. So `step()` handles at most one frame, and the caller can stop
 * between frames (backpressure, bytes in flight, its share of the event loop) without the decoder
 * buffering ahead. After the first error the decoder stays failed and rethrows it.
 */
export class LumberjackDecoder {
  private readonly reader: FrameReader;
  private window: LumberjackWindow | undefined;
  /** Events the open window announced. */
  private expected = 0;
  private failure: LumberjackError | undefined;
  /** True from an `inflate` step until inflated() is called. */
  private awaitingInflate = false;
  /** The inflated payload of the current `C` frame, read frame by frame. */
  private inner: FrameReader | undefined;

  /**
   * `eventFields`: the fields of each JSON event the application reads; the rest is parsed and let
   * go (a window's documents, held until acknowledged, keep their selected fields only).
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

  /** Events decoded so far into the window being assembled. */
  get windowEvents(): number {
    return this.window?.events.length ?? 0;
  }

  /** The first event of the window being assembled (who sends it, before the rest is built). */
  get firstEvent(): unknown {
    return this.window?.events[0];
  }

  /** Bytes received and not yet consumed, inflated bytes not yet read included. */
  get bufferedBytes(): number {
    return this.reader.bufferedBytes + (this.inner?.bufferedBytes ?? 0);
  }

  /** True when the stream so far ended exactly after a complete window. */
  get atWindowBoundary(): boolean {
    return this.window === undefined && this.inner === undefined && !this.awaitingInflate && this.reader.atFrameBoundary;
  }

  /** Throws LumberjackError; the stream is unusable afterwards. */
  step(): DecodeStep {
    if (this.failure) throw this.failure;
    if (this.awaitingInflate) throw new Error('LumberjackDecoder.step() called before inflated()');
    try {
      if (this.inner) return this.stepInner(this.inner);
      const frame = this.reader.read();
      if (frame === undefined) return NEED_MORE;
      return this.accept(frame);
    } catch (error) {
      if (error instanceof LumberjackError) this.failure = error;
      throw error;
    }
  }

  /**
   * The outcome of the inflate the last step asked for: the inflated bytes, or the error (the
   * decoder then fails with it, as if step() had thrown it).
   */
  inflated(result: Buffer | LumberjackError): void {
    if (!this.awaitingInflate) throw new Error('LumberjackDecoder.inflated() without an inflate step');
    this.awaitingInflate = false;
    if (result instanceof LumberjackError) {
      this.failure = result;
      return;
    }
    this.inner = new FrameReader(this.limits);
    this.inner.push(result);
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
    if (frame.type === 'compressed') {
      this.awaitingInflate = true;
      return { kind: 'inflate', payload: frame.payload, maxBytes: this.limits.maxInflatedBytes };
    }
    this.acceptData(window, frame);
    return this.windowStep(window);
  }

  private windowStep(window: LumberjackWindow): DecodeStep {
    if (window.events.length < this.expected) return FRAME_DONE;
    this.window = undefined;
    return { kind: 'window', window };
  }

  /**
   * One data frame of the inflated payload. The window is handed over only once the payload is
   * read to its end, so a frame after the window's last event is still refused (overflow).
   */
  private stepInner(inner: FrameReader): DecodeStep {
    const window = this.window!;
    const frame = inner.read();
    if (frame === undefined) {
      if (!inner.atFrameBoundary) {
        throw new LumberjackError('LJ_ERR_TRUNCATED_COMPRESSED', 'compressed frame ends inside a frame', {
          trailingBytes: inner.bufferedBytes,
        });
      }
      this.inner = undefined;
      return this.windowStep(window);
    }
    if (frame.type === 'window' || frame.type === 'compressed') {
      throw new LumberjackError('LJ_ERR_UNEXPECTED_FRAME', `'${frame.type}' frame inside a compressed frame`, {
        frameType: frame.type,
      });
    }
    this.acceptData(window, frame);
    return FRAME_DONE;
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

  /** The payload is at most maxEventBytes (the frame reader refused a longer one before reading it). */
  private parseJson(payload: Buffer, seq: number): unknown {
    let document: unknown;
    try {
      document = JSON.parse(payload.toString('utf8'));
    } catch {
      throw new LumberjackError('LJ_ERR_BAD_JSON', `event seq ${seq} is not valid JSON`, { seq, bytes: payload.length });
    }
    return this.eventFields === undefined ? document : selectFields(document, this.eventFields);
  }
}

/**
 * Every window the buffered bytes complete, inflating synchronously (tests, benchmarks, replay;
 * never a live connection); throws like step().
 */
export function drainWindows(decoder: LumberjackDecoder): LumberjackWindow[] {
  const windows: LumberjackWindow[] = [];
  for (;;) {
    const step = decoder.step();
    if (step.kind === 'need-more') return windows;
    if (step.kind === 'window') windows.push(step.window);
    else if (step.kind === 'inflate') decoder.inflated(inflateOrError(step.payload, step.maxBytes));
  }
}

function inflateOrError(payload: Buffer, maxBytes: number): Buffer | LumberjackError {
  try {
    return inflateCapped(payload, maxBytes);
  } catch (error) {
    if (error instanceof LumberjackError) return error;
    throw error;
  }
}
