import type { TransportStatus } from '../../protocols/thingworx/types.js';
import type { UplinkCounterSnapshot } from './counters.js';
import type { SessionState } from './session.js';
import type { HoldReason } from './thing-queue.js';

/** Why and since when a Thing is held, and when it is tried again. */
export interface ThingHoldStatus {
  reason: HoldReason;
  /** The HTTP status that started the hold (404, 403, 401). */
  status: number;
  /** How long it has been held (the engine's clock is monotonic, so an age rather than a time). */
  heldForMs: number;
  /** Until the next try; null while the session check that decides it is under way. */
  retryInMs: number | null;
}

/** One Thing's share of the queue, for the CLI. */
export interface ThingStatus {
  thing: string;
  queuedReadings: number;
  queuedBytes: number;
  alertReadings: number;
  inFlightRows: number;
  /** Held alone (its rows wait, the others go on), and why; null while it may be sent. */
  hold: ThingHoldStatus | null;
  retryAttempts: number;
  /** The last retried call's detail while retryAttempts > 0. */
  lastFailure: string | null;
  /** Until the next call may start (backoff, hold, Retry-After); 0 when it may go now. */
  waitMs: number;
}

/** What `status()` returns: plain, JSON-serialisable data. */
export interface UplinkStatus {
  session: SessionState;
  /**
   * Why the session is not ready: the last failed session check (stable code or HTTP status first), or while degraded
   * how many Things are retrying and the last failure; null when ready.
   */
  sessionDetail: string | null;
  endpointHost: string | null;
  /** The session transport's own state (AlwaysOn: session id, bound Things, last pong, reconnects); null for REST. */
  transportSession: TransportStatus | null;
  stopping: boolean;
  queue: {
    readings: number;
    bytes: number;
    maxReadings: number;
    maxBytes: number;
    /** Senders told busy and not yet told there is room again. */
    waitingSenders: number;
  };
  inFlightCalls: number;
  maxInFlight: number;
  sessionChecks: number;
  things: ThingStatus[];
  counters: UplinkCounterSnapshot;
}

/** What `stop()` resolves with. */
export interface StopReport {
  drained: boolean;
  remainingReadings: number;
  inFlightCalls: number;
  /** Batches accepted but never acknowledged: their senders will re-send them. */
  unacknowledged: Array<{ batchId: string; sender: string }>;
}
