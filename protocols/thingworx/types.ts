import type { Quality, ReadingValue, ValueType } from '../../domain/readings.js';

/** One row of a NamedVTQ InfoTable (PROTOCOLS.md §2). */
export interface VtqRow {
  name: string;
  value: ReadingValue;
  /** ms since epoch */
  time: number;
  quality: Quality;
  /** Base type the value is sent as; inferred from the JS value when absent. */
  baseType?: ValueType;
}

/**
 * What one call to ThingWorx came to, as the uplink needs to act on it.
 * - delivered: 200, every row accepted.
 * - unauthorized: 401/403 — the app key was refused, or only this Thing (403: the key's user lacks permission on it,
 *   or ThingWorx said 403 for a 404); the session check tells which. The CSRF filter's 403 is ours to avoid.
 * - not-found: 404 — this Thing (or a property/service) is unknown; hold that Thing only.
 * - rejected: 400/405/406/413 or another 4xx that a retry cannot fix; the batch is bad as sent.
 * - retry: 5xx, 429, timeout, reset, refused — try again later; retryAfterMs when the server said.
 */
export type DeliveryOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'unauthorized'; status: number }
  | { kind: 'not-found'; status: number }
  | { kind: 'rejected'; status: number; detail: string }
  | { kind: 'retry'; status?: number; retryAfterMs?: number; detail: string };

/** The narrow face of a ThingWorx transport (REST now, AlwaysOn later) that the uplink uses. */
export interface ThingworxTransport {
  /**
   * POST UpdatePropertyValues for one Thing with these rows. Never throws: every failure is an outcome.
   * The rows are the caller's (the uplink's queued rows): read them before the promise settles, do not keep them.
   */
  updatePropertyValues(thing: string, rows: readonly VtqRow[]): Promise<DeliveryOutcome>;
  /**
   * A cheap authenticated GET of the adapter's own Thing: at start-up, after a refused or unanswered call, and while
   * unauthorized or unreachable (the probe). Any answer but 401/403 proves the key works and ThingWorx answers.
   */
  checkSession(thing: string): Promise<DeliveryOutcome>;
  /**
   * The Things to bind changed (a reload added or removed printers): a session transport binds the added ones and
   * unbinds the removed ones now, rather than at their first push. Never throws; absent for REST (nothing is bound).
   */
  thingsChanged?(): Promise<void>;
  /** Close keep-alive sockets. */
  close(): Promise<void>;
  /** What the transport's own connection looks like, for `3dconnect uplink`; absent for REST (one call is one request). */
  describe?(): TransportStatus;
}

/** A session transport's state (AlwaysOn): plain, JSON-serialisable data. */
export interface TransportStatus {
  transport: 'rest' | 'alwayson';
  /** idle: no socket and none planned · connecting · open: authenticated · waiting: reconnect scheduled · closed */
  state: 'idle' | 'connecting' | 'open' | 'waiting' | 'closed';
  /** The id AUTH gave; null while there is no session. */
  sessionId: number | null;
  boundThings: string[];
  /** How long ago the last WebSocket pong came; null before the first. */
  lastPongAgoMs: number | null;
  /** Sessions established again after a drop. */
  reconnects: number;
  /** Until the planned reconnect; null when none is planned. */
  reconnectInMs: number | null;
  /** Why the last session ended or could not start (stable code first); null when none failed. */
  lastError: string | null;
}
