import type { Quality, ReadingValue } from '../../domain/readings.js';
import { NamedVtqRow } from '../../protocols/thingworx/named-vtq.js';
import type { SenderAddress } from './batch.js';

/** alert: priority lane, never conflated · event: kept in order, deduplicated by eventId · state: conflated. */
export type Lane = 'alert' | 'event' | 'state';

/** A sender's batch while any of its readings is not yet done. */
export class BatchTracker {
  constructor(
    readonly batchId: string,
    readonly sender: SenderAddress,
    /** Rows of the batch not yet done, plus events of others it waits for, plus one while it is being admitted. */
    public remaining: number,
  ) {}

  /** Some reading of it went to ThingWorx in an accepted call (not all superseded, suppressed or dropped). */
  sent = false;
}

/**
 * One event (a log line, a push message, a Metricbeat sample: its readings share one eventId) while its rows are
 * queued or in flight: a re-sent copy waits for it. Once every row was accepted, the duplicate filter remembers
 * its id (not this object), so a later copy is suppressed.
 */
export class EventTracker {
  /** Rows not yet settled, times two, plus one once a row was refused: one small integer, as there is one per event. */
  #state = 0;

  constructor(
    readonly eventId: string,
    /** The batch that queued it: that batch's readings of the event are its rows, not copies to wait for. */
    readonly admittedBy: BatchTracker,
  ) {}

  /** Rows not yet settled; rows of one event may go in several calls and retries. */
  get remaining(): number {
    return this.#state >> 1;
  }

  set remaining(rows: number) {
    this.#state = (rows << 1) | (this.#state & 1);
  }

  /** False once ThingWorx refused one of its rows (dropped by policy): then it is not remembered as delivered. */
  get allAccepted(): boolean {
    return (this.#state & 1) === 0;
  }

  set allAccepted(accepted: boolean) {
    this.#state = accepted ? this.#state & ~1 : this.#state | 1;
  }
}

export type RowPhase = 'queued' | 'in-flight' | 'done';

const PHASES: readonly RowPhase[] = ['queued', 'in-flight', 'done'];
const PHASE_BITS: Readonly<Record<RowPhase, number>> = { queued: 0, 'in-flight': 1, done: 2 };
const PHASE_MASK = 0b11;
const LANES: readonly Lane[] = ['alert', 'event', 'state'];
const LANE_BITS: Readonly<Record<Lane, number>> = { alert: 0, event: 1, state: 2 };
const LANE_SHIFT = 2;
const CHARGES_EVENT = 0b10000;

/**
 * One reading while the engine owns it, kept small (one object per queued reading, alive until ThingWorx took it):
 * only what the NamedVTQ row and the bookkeeping need. The sender's Reading object is not retained (printer, unit,
 * source and receivedAt are not sent). Its public fields are the wire row (name, value, time, quality; name is the
 * reading's item), so a call sends the queued rows themselves: no copy to build the call. The bookkeeping is
 * private so that the row still serialises as the wire row (JSON.stringify writes every public own property), and
 * packed: phase, lane and whether the row carries its event's bytes share one small integer, and the bytes are derived.
 */
export class QueuedRow extends NamedVtqRow {
  #flags: number;
  #batch: BatchTracker;
  readonly #event: EventTracker | undefined;

  constructor(
    name: string,
    value: ReadingValue,
    time: number,
    quality: Quality,
    lane: Lane,
    batch: BatchTracker,
    event: EventTracker | undefined,
    /** The first row of a run of its event's readings: the event's own footprint is charged to it. */
    chargesEvent: boolean,
  ) {
    super(name, value, time, quality);
    this.#flags = PHASE_BITS.queued | (LANE_BITS[lane] << LANE_SHIFT) | (chargesEvent ? CHARGES_EVENT : 0);
    this.#batch = batch;
    this.#event = event;
  }

  get phase(): RowPhase {
    return PHASES[this.#flags & PHASE_MASK] as RowPhase;
  }

  set phase(phase: RowPhase) {
    this.#flags = (this.#flags & ~PHASE_MASK) | PHASE_BITS[phase];
  }

  get lane(): Lane {
    return LANES[(this.#flags >> LANE_SHIFT) & 0b11] as Lane;
  }

  /** The batch waiting for this row (a conflated row moves to the newer batch). */
  get batch(): BatchTracker {
    return this.#batch;
  }

  set batch(batch: BatchTracker) {
    this.#batch = batch;
  }

  get event(): EventTracker | undefined {
    return this.#event;
  }

  /** Estimated footprint, as charged to the caps: follows the value when a conflated row takes a newer one. */
  get bytes(): number {
    const rowBytes = estimateRowBytes(this.value);
    const event = this.#event;
    return (this.#flags & CHARGES_EVENT) !== 0 && event !== undefined ? rowBytes + estimateEventBytes(event.eventId) : rowBytes;
  }
}

/**
 * Byte estimate used for the queue's byte cap: cheap (no serialisation), close to what the engine holds on the
 * V8 heap (the memory test measures it), and growing with the strings a sender controls.
 */
export const ROW_SIZE_ESTIMATE = Object.freeze({
  /** The QueuedRow object, its boxed numbers and its queue slot (measured: about 125 B on Node 20, x64; kept at 150). */
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
