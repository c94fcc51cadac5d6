import { LumberjackError } from './errors.js';
import { DEFAULT_LUMBERJACK_LIMITS } from '../../config/defaults.js';

/** Every limit and timeout of the Lumberjack server; the values are DEFAULT_LUMBERJACK_LIMITS in config/defaults.ts. */
export interface LumberjackLimits {
  /** Events a `W` frame may announce. go-lumber refuses more than 10,000; Beats send 2048 by default. */
  maxWindowEvents: number;
  /** Bytes of one event: a `J` payload, or a `D` frame's pairs with their length fields. */
  maxEventBytes: number;
  /** Bytes of one `C` frame's zlib payload, as received. */
  maxCompressedBytes: number;
  /** Bytes one `C` frame may inflate to; inflation stops there, so a zlib bomb costs at most this. */
  maxInflatedBytes: number;
  /**
   * Decoded event bytes per connection that are not yet acknowledged (windows handed to the
   * application plus the one being assembled). At the limit the server stops reading that socket;
   * a single window larger than this is refused.
   */
  maxBytesInFlight: number;
  /** Interval of the `A 0` keep-alive while a window waits; at most 3000 (go-lumber's value). */
  keepAliveMs: number;
  /** A window without acknowledgement progress for this long closes the connection gracefully. */
  stallTimeoutMs: number;
  /** A TLS handshake must finish within this. */
  handshakeTimeoutMs: number;
  /**
   * Close a connection with nothing pending after this much silence (FIN); the Beat reconnects on its next publish.
   * 0 keeps idle connections open.
   */
  idleTimeoutMs: number;
  /** The same before the connection's first complete window: a Beat connects when it has events to send. */
  unidentifiedIdleTimeoutMs: number;
  /** After a graceful close (FIN sent), how long to wait for the peer's FIN before destroying. */
  closeGraceMs: number;
  /** TCP keep-alive probe delay, so a vanished peer does not hold a connection forever. */
  tcpKeepAliveMs: number;
  /**
   * Concurrent connections the listener accepts (20 printers, two Beats each, and room); anonymous ones may hold all
   * but the slots kept for printers (protocols/admission).
   */
  maxConnections: number;
}

/** The most a keep-alive interval may be: a Beat must hear from us well within its timeout. */
export const MAX_KEEP_ALIVE_MS = 3000;

const MAY_BE_ZERO: ReadonlySet<keyof LumberjackLimits> = new Set(['idleTimeoutMs', 'unidentifiedIdleTimeoutMs']);

/** Defaults overlaid with `overrides`, each checked; throws LJ_ERR_BAD_OPTIONS naming the bad one. */
export function resolveLimits(overrides: Partial<LumberjackLimits> = {}): LumberjackLimits {
  const limits: LumberjackLimits = { ...DEFAULT_LUMBERJACK_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits) as [keyof LumberjackLimits, number][]) {
    const min = MAY_BE_ZERO.has(name) ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < min) {
      throw new LumberjackError('LJ_ERR_BAD_OPTIONS', `limit ${name} must be an integer >= ${min}`, {
        limit: name,
        value: String(value),
      });
    }
  }
  if (limits.keepAliveMs > MAX_KEEP_ALIVE_MS) {
    throw new LumberjackError('LJ_ERR_BAD_OPTIONS', `limit keepAliveMs must be <= ${MAX_KEEP_ALIVE_MS}`, {
      limit: 'keepAliveMs',
      value: limits.keepAliveMs,
    });
  }
  return limits;
}
