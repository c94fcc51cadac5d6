import type { QueuedRow } from './queued-row.js';
import { RowQueue } from './row-queue.js';

/** The rows of one UpdatePropertyValues call: a prefix of the alert lane, then a prefix of the routine lane. */
export interface InFlightCall {
  readonly rows: readonly QueuedRow[];
  readonly alertRows: number;
  readonly routineRows: number;
  /** The rows' estimated bytes; fixed while in flight (only queued rows are conflated). */
  readonly bytes: number;
  /** routineSince before the call took its rows, restored if they come back. */
  readonly routineSince: number | undefined;
}

/** After a rejected multi-row call: send smaller calls until the bad rows are isolated and dropped alone. */
export interface RejectIsolation {
  callLimit: number;
  /** Rows of the rejected call not yet settled; isolation ends when they are. */
  suspectRows: number;
}

/**
 * Why a Thing's rows wait while the others go on. not-found: ThingWorx answered 404 · forbidden: it refused the
 * Thing (403, or 401) while the session check showed the key works · verifying: refused, and the session check that
 * tells a refused key from a refused Thing is under way (nothing is sent for the Thing meanwhile).
 */
export type HoldReason = 'not-found' | 'forbidden' | 'verifying';

export interface ThingHold {
  reason: HoldReason;
  /** The HTTP status that started it. */
  status: number;
  /** When the Thing was first held in this episode. */
  since: number;
  /** Refusals of the Thing in a row while the key worked: the forbidden backoff's attempt number. */
  refusals: number;
}

/**
 * Everything the engine keeps for one Thing. At most one call is in flight, and it always holds the oldest rows
 * of each lane, so a retry re-sends exactly those rows before anything newer (order per Thing).
 */
export class ThingQueue {
  readonly alerts = new RowQueue<QueuedRow>();
  /** Event and state rows, in arrival order. */
  readonly routine = new RowQueue<QueuedRow>();
  /** The queued state row of each item a newer state reading may replace (bounded and kept by LatestByProperty). */
  readonly latestByItem = new Map<string, QueuedRow>();
  readings = 0;
  bytes = 0;
  /** When the oldest routine row not yet taken by a call was queued. */
  routineSince: number | undefined = undefined;
  inFlight: InFlightCall | undefined = undefined;
  /** Consecutive calls answered with `retry`. */
  retryAttempts = 0;
  /** No call before this (retry backoff, 404 or 403 hold). */
  notBefore = 0;
  /** Held alone (404, 403); undefined while the Thing may be sent. */
  hold: ThingHold | undefined = undefined;
  /** The last retried call's detail (`HTTP 503: …`, `TWX_CONNECTION_RESET: …`), while retryAttempts > 0. */
  lastFailure: string | undefined = undefined;
  /** Set once a rejection was logged; cleared by a delivered call, so a rejecting Thing logs once per episode. */
  rejecting = false;
  isolation: RejectIsolation | undefined = undefined;
  /** Order in which this Thing last got a call (0: never), so due Things take turns. */
  lastServedTurn = 0;

  constructor(readonly thing: string) {}

  get hasRows(): boolean {
    return this.alerts.length > 0 || this.routine.length > 0;
  }

  enqueue(row: QueuedRow, now: number): void {
    if (row.lane === 'alert') {
      this.alerts.push(row);
    } else {
      this.routine.push(row);
      this.routineSince ??= now;
    }
    this.readings += 1;
    this.bytes += row.bytes;
  }

  /**
   * When this Thing next wants a call, or undefined if it has nothing to send or a call is in flight.
   * Alerts and full calls go as soon as allowed; routine rows wait for the flush interval to gather a batch.
   */
  dueAt(flushIntervalMs: number, maxRowsPerCall: number, flushNow: boolean): number | undefined {
    if (this.inFlight !== undefined || !this.hasRows || this.hold?.reason === 'verifying') return undefined;
    if (flushNow || this.alerts.length > 0 || this.routine.length >= maxRowsPerCall) return this.notBefore;
    const gatheredAt = (this.routineSince ?? 0) + flushIntervalMs;
    return Math.max(this.notBefore, gatheredAt);
  }

  /** Takes the oldest rows (alerts first) into a call. */
  startCall(maxRows: number): InFlightCall {
    const alertRows = Math.min(maxRows, this.alerts.length);
    const routineRows = Math.min(maxRows - alertRows, this.routine.length);
    // Sliced to size: the array is sent as it is, and usually one lane has all the rows.
    const rows =
      alertRows === 0
        ? this.routine.peekFront(routineRows)
        : routineRows === 0
          ? this.alerts.peekFront(alertRows)
          : this.alerts.peekFront(alertRows).concat(this.routine.peekFront(routineRows));
    let bytes = 0;
    for (const row of rows) {
      row.phase = 'in-flight';
      bytes += row.bytes;
    }
    const call: InFlightCall = { rows, alertRows, routineRows, bytes, routineSince: this.routineSince };
    // Rows left behind are as old as before; if none are, the next routine row starts a new gathering window.
    if (routineRows === this.routine.length) this.routineSince = undefined;
    this.inFlight = call;
    return call;
  }

  /** The call's rows are settled (delivered or dropped): remove them from the front of their lanes. */
  finishCall(call: InFlightCall): void {
    this.alerts.discardFront(call.alertRows);
    this.routine.discardFront(call.routineRows);
    this.readings -= call.rows.length;
    this.bytes -= call.bytes;
    this.inFlight = undefined;
  }

  /** The call failed: its rows are queued again, still at the front, and already due. */
  returnCall(call: InFlightCall): void {
    for (const row of call.rows) row.phase = 'queued';
    if (call.routineRows > 0) {
      const since = call.routineSince ?? 0;
      this.routineSince = this.routineSince === undefined ? since : Math.min(this.routineSince, since);
    }
    this.inFlight = undefined;
  }
}
