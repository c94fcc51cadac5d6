import { ADMISSION_DEFAULTS } from '../admission/policy.js';

/**
 * The push listener's defaults, apart from the server so that the config (and every CLI command
 * that loads it) can read them without loading ws.
 */
export const PUSH_SERVER_DEFAULTS = Object.freeze({
  path: '/push/v1',
  /** ws refuses a longer frame from its length header, before reading the payload (close 1009). */
  maxMessageBytes: 64 * 1024,
  /** Sustained messages per second per printer; above it the server stops reading (it holds, not closes). */
  maxMessagesPerSecond: 20,
  /** Messages a printer may send at once, e.g. re-sending its unacknowledged ones after a reconnect. */
  burstMessages: 64,
  /** Delivered but unacknowledged messages per connection before reading stops. */
  maxPendingAcks: 64,
  /** Messages already read while reading is stopped; beyond it the connection is closed (1008). */
  maxHeldMessages: 1024,
  /** Ping period; a connection that did not answer the previous ping is terminated. 0 turns it off. */
  pingIntervalMs: 30_000,
  /** TLS handshake and HTTP upgrade must complete within this, counted from the TCP accept. */
  handshakeTimeoutMs: 10_000,
  /** Connections at once, authenticated or not (one per printer, and room for attempts and replacements). */
  maxConnections: 64,
  /** Connections from one address not yet authenticated. */
  maxConnectionsPerAddress: ADMISSION_DEFAULTS.maxConnectionsPerAddress,
  /** Slots kept for each printer known by address or certificate; the rest is open to anyone. */
  reservedPerPrinter: ADMISSION_DEFAULTS.reservedPerPrinter,
  /** TLS handshakes under way from addresses not known to be a printer's. */
  maxPendingHandshakes: ADMISSION_DEFAULTS.maxPendingHandshakes,
  /** close() waits this long for close handshakes, then terminates. */
  closeTimeoutMs: 5_000,
});
