/** Every limit and timeout of the control protocol, with its default, in one place. */
const KiB = 1024;
const MiB = 1024 * KiB;

export interface ControlLimits {
  socketPath: string;
  socketMode: number;
  adminSocketMode: number;
  directoryMode: number;
  maxRequestLineBytes: number;
  maxReplyLineBytes: number;
  maxQueuedRequests: number;
  maxConnections: number;
  idleTimeoutMs: number;
  handlerTimeoutMs: number;
  closeGraceMs: number;
  probeTimeoutMs: number;
  requestTimeoutMs: number;
  maxErrorMessageLength: number;
  maxIdLength: number;
  maxActorPathLength: number;
}

export const CONTROL_DEFAULTS: Readonly<ControlLimits> = Object.freeze({
  /** Where the daemon listens and the CLI looks when no path is given (config `control.socket`). */
  socketPath: '/run/3dconnect/control.sock',
  /** Read-only socket file mode: the daemon's user and group may look, nobody else. */
  socketMode: 0o660,
  /** Admin socket file mode (restart): the daemon's user only, and root. */
  adminSocketMode: 0o600,
  /** Mode of the socket's directory when the server has to create it. */
  directoryMode: 0o750,
  /** Bytes in one request line, newline excluded. Requests are tiny; anything bigger is refused before buffering. */
  maxRequestLineBytes: 16 * KiB,
  /** Bytes in one reply line the client accepts (a status snapshot of 20 printers is far below this). */
  maxReplyLineBytes: 8 * MiB,
  /** Requests read ahead on one connection while an earlier one is being answered. */
  maxQueuedRequests: 8,
  /** Connections open at once; more are answered with an error and closed. */
  maxConnections: 16,
  /** A connection with no traffic for this long is closed. */
  idleTimeoutMs: 30_000,
  /** How long the daemon's handler may take for one request. */
  handlerTimeoutMs: 5_000,
  /** After the server ends a connection, how long the peer has to close its side. */
  closeGraceMs: 1_000,
  /** How long the start-up probe waits for a connect on an existing socket file. */
  probeTimeoutMs: 1_000,
  /** The client's default wait for a reply. */
  requestTimeoutMs: 10_000,
  /** Characters of an error message put into a reply. */
  maxErrorMessageLength: 1_024,
  /** Characters in a request id and in restart's path. */
  maxIdLength: 64,
  maxActorPathLength: 512,
});
