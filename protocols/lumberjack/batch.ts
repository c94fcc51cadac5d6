import type { ProtocolVersion } from './wire.js';

/** Who is on the other end of a connection. */
export interface PeerIdentity {
  remoteAddress: string;
  remotePort: number;
  /** Subject of the verified client certificate ("CN=printer-01"), TLS only. */
  tlsSubject?: string;
}

/**
 * Which configured printer a connection belongs to, as early as it can be told: at the connection
 * (no event: TLS subject, remote address) and at the first event of its first window. Undefined:
 * not known (yet); at the first event that refuses the connection before its window is built.
 */
export type BeatsIdentify = (peer: PeerIdentity, firstEvent?: unknown) => string | undefined;

/**
 * Who acknowledges a Beats window, and when: the way back to the Beat for one window.
 *
 * The Lumberjack connection that read the window implements it (`BeatsConnection`, connection.ts) and
 * hands it over with the window's events. In the adapter the ingress routes both to the printer's
 * collector (`WindowReceived`), which keeps only this handle, not the events. Once the uplink reports
 * every reading made from the window delivered to ThingWorx, the collector calls `ack()`: that is when
 * the Beat may forget the events. While the uplink is busy it calls `pause()`, and `resume()` when told
 * there is space again. A window nobody will deliver (no collector, the collector stopped first) is
 * `reject()`ed: the connection closes and the Beat re-sends it.
 */
export interface BeatsWindowHandle {
  /**
   * The first `count` events (default: all) are safe; all of them releases the window. Monotonic and
   * idempotent; ACKs reach the Beat in window order, whatever order the windows are acknowledged in.
   * A no-op once the connection is closed. Throws LJ_ERR_ACK_OUT_OF_RANGE for a count outside
   * 0..windowSize.
   */
  ack(count?: number): void;
  /** Closes the connection gracefully without acknowledging, so the Beat re-sends. */
  reject(reason: string): void;
  /** Stop reading from this connection (the application is busy); TCP backpressure reaches the Beat. */
  pause(): void;
  /** Read again. */
  resume(): void;
}

/**
 * One complete window, handed to the application. The transport knows nothing of what the events
 * mean (after go-lumber's lj.Batch, whose ACK is here the handle's).
 */
export interface BeatsBatch {
  readonly connectionId: string;
  readonly peer: PeerIdentity;
  /** Parsed JSON documents (v2) or key/value maps with a null prototype (v1), in window order. */
  readonly events: readonly unknown[];
  readonly windowSize: number;
  readonly protocolVersion: ProtocolVersion;
  /** When the window was complete, ms since epoch. */
  readonly receivedAt: number;
  /** Acknowledges, rejects or holds back this window; it does not keep the events alive, so keep it, not the batch. */
  readonly handle: BeatsWindowHandle;
}

/** A connection as operators see it (CLI views). */
export interface ConnectionInfo {
  id: string;
  peer: PeerIdentity;
  connectedAt: number;
  windowsReceived: number;
  eventsReceived: number;
  eventsAcked: number;
  /** Windows handed to the application and not fully acknowledged. */
  windowsPending: number;
  /** Decoded bytes not yet acknowledged, the window being assembled included. */
  bytesInFlight: number;
  busy: boolean;
  /** False while reading is paused (busy, or bytes in flight at the limit). */
  reading: boolean;
}
