/** Every timing of the AlwaysOn session, in one place; the defaults are the Edge SDK's (PROTOCOLS.md §3). */
export const ALWAYSON_TRANSPORT_DEFAULTS = {
  path: '/Thingworx/WS',
  /** A WebSocket ping this often… */
  pingIntervalMs: 55_000,
  /** …and a reconnect when its pong has not come within this. */
  pongTimeoutMs: 10_000,
  /** The first reconnect after a drop waits a random 0..this, so many edges do not return in step. */
  reconnectJitterMs: 10_000,
  /** Later reconnects back off from this to reconnectMaxMs. */
  reconnectMinMs: 5_000,
  reconnectMaxMs: 60_000,
  reconnectJitterRatio: 0.2,
  /** WebSocket upgrade (TCP, TLS, HTTP) deadline. */
  connectTimeoutMs: 10_000,
  /** Deadline of each request (AUTH, BIND, a property push, the session check). */
  requestTimeoutMs: 15_000,
  /** Every Thing has this property, and reading it is cheap: the session check, as REST does it. */
  sessionCheckProperty: 'name',
} as const;
