import type { Quality, ReadingValue } from '../../protocols/readings.js';

/** alert: priority lane, never conflated · event: kept in order, deduplicated by eventId · state: conflated. */
export type Lane = 'alert' | 'event' | 'state';

/** A sender's batch while any of its readings is not yet done. */
export class BatchTracker {
  constructor(
    readonly batchId: string,
    readonly sender: string,
    /** Rows of the batch not yet done, plus events of others it waits for, plus one while it is being admitted. */
    public remaining: number,
  ) {}
}

/**
 * One event (a log line, a push message, a Metricbeat sample: its readings share one eventId) while its rows are
 * queued or in flight: a re-sent copy waits for it. Once every row was accepted, the duplicate filter remembers
 * its id (not this object), so a later copy is suppressed.
 */
export class EventTracker {
  /** Rows not yet settled; rows of one event may go in several calls and retries. */
  remaining = 0;
  /** False once ThingWorx refused one of its rows (dropped by policy): then it is not remembered as delivered. */
  allAccepted = true;
  /** Batches of re-sent copies that arrived while it was pending; acknowledged when it settles. */
  waiters: BatchTracker[] | undefined = undefined;

  constructor(
    readonly eventId: string,
    /** The batch that queued it: that batch's readings of the event are its rows, not copies to wait for. */
    readonly admittedBy: BatchTracker,
  ) {}
}

export type RowPhase = 'queued' | 'in-flight' | 'done';

/**
 * One reading while the engine owns it, kept small: only what the NamedVTQ row and the bookkeeping need.
 * The sender's Reading object is not retained (printer, unit, source and receivedAt are not sent).
 * Its name, value, time and quality make it a VtqRow, so a call sends the queued rows themselves (no copies).
 */
export class QueuedRow {
  phase: RowPhase = 'queued';

  constructor(
    /** The property name (the reading's item). */
    readonly name: string,
    public value: ReadingValue,
    public time: number,
    public quality: Quality,
    readonly lane: Lane,
    public batch: BatchTracker,
    readonly event: EventTracker | undefined,
    /** Estimated footprint, as charged to the caps when queued. */
    public bytes: number,
  ) {}
}

/**
 * Byte estimate used for the queue's byte cap: cheap (no serialisation), close to what the engine holds on the
 * V8 heap (the memory test measures it), and growing with the strings a sender controls.
 */
export const ROW_SIZE_ESTIMATE = Object.freeze({
  /** The QueuedRow object, its boxed numbers and its queue slot (measured: about 150 B on Node 20, x64). */
  baseBytes: 150,
  /** A string's characters, counted at two bytes in case they are not Latin-1. */
  bytesPerChar: 2,
  /** Per event, charged to its first row: the EventTracker, its entry in the duplicate index, the id's header. */
  eventBytes: 120,
});

export function estimateRowBytes(value: ReadingValue): number {
  return typeof value === 'string'
    ? ROW_SIZE_ESTIMATE.baseBytes + value.length * ROW_SIZE_ESTIMATE.bytesPerChar
    : ROW_SIZE_ESTIMATE.baseBytes;
}

export function estimateEventBytes(eventId: string): number {
  return ROW_SIZE_ESTIMATE.eventBytes + eventId.length * ROW_SIZE_ESTIMATE.bytesPerChar;
}
