import type { UplinkCounterSnapshot } from './counters.js';
import type { SessionState } from './session.js';

/** One Thing's share of the queue, for the CLI. */
export interface ThingStatus {
  thing: string;
  queuedReadings: number;
  queuedBytes: number;
  alertReadings: number;
  inFlightRows: number;
  /** ThingWorx answered 404 for this Thing; its rows wait, the others go on. */
  heldNotFound: boolean;
  retryAttempts: number;
  /** Until the next call may start (backoff, hold, Retry-After); 0 when it may go now. */
  waitMs: number;
}

/** What `status()` returns: plain, JSON-serialisable data. */
export interface UplinkStatus {
  session: SessionState;
  /** Why the session cannot send: the last failed session check (stable code or HTTP status first); null once one succeeds. */
  sessionDetail: string | null;
  endpointHost: string | null;
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
