import type { Quality, Reading, ReadingValue } from '../../protocols/readings.js';

/** alert: priority lane, never conflated · event: kept in order, deduplicated by eventId · state: conflated. */
export type Lane = 'alert' | 'event' | 'state';

/** A sender's batch while any of its readings is not yet done. */
export class BatchTracker {
  constructor(
    readonly batchId: string,
    readonly sender: string,
    /** Readings of the batch that are not yet delivered, suppressed, superseded or dropped. */
    public remaining: number,
  ) {}
}

export type RowPhase = 'queued' | 'in-flight' | 'done';

/**
 * One reading while the engine owns it, kept small: only what the NamedVTQ row and the bookkeeping need.
 * The sender's Reading object is not retained (printer, unit, source and receivedAt are not sent).
 */
export class QueuedRow {
  phase: RowPhase = 'queued';
  /** Batches of re-sent copies of this event that arrived while it was queued or in flight. */
  waiters: BatchTracker[] | undefined = undefined;

  constructor(
    readonly item: string,
    public value: ReadingValue,
    public time: number,
    public quality: Quality,
    readonly lane: Lane,
    public batch: BatchTracker,
    readonly eventId: string | undefined,
    /** Estimated footprint, as charged to the caps when queued. */
    public bytes: number,
  ) {}
}

/**
 * Byte estimate used for the queue's byte cap: cheap (no serialisation), close to what a QueuedRow costs on
 * the V8 heap (the memory test measures it), and growing with the strings a sender controls.
 */
export const ROW_SIZE_ESTIMATE = Object.freeze({
  /** The QueuedRow object and its boxed numbers (measured: about 150 B on Node 20, x64). */
  baseBytes: 150,
  /** A string's characters, counted at two bytes in case they are not Latin-1. */
  bytesPerChar: 2,
  /** The string header of an event id and its entry in the duplicate index. */
  eventIdIndexBytes: 64,
});

export function estimateRowBytes(reading: Pick<Reading, 'value' | 'eventId'>): number {
  let bytes = ROW_SIZE_ESTIMATE.baseBytes;
  if (typeof reading.value === 'string') bytes += reading.value.length * ROW_SIZE_ESTIMATE.bytesPerChar;
  if (reading.eventId !== undefined) {
    bytes += ROW_SIZE_ESTIMATE.eventIdIndexBytes + reading.eventId.length * ROW_SIZE_ESTIMATE.bytesPerChar;
  }
  return bytes;
}
