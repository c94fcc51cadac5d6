/** Every limit and timeout of the control protocol; the values are CONTROL_DEFAULTS in config/defaults.ts. */

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
