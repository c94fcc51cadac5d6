/**
 * The local control protocol: one JSON request and one JSON reply per line over a Unix socket.
 *
 *   → {"id":1,"cmd":"restart","args":{"path":"adapter/fleet/p01"}}
 *   ← {"id":1,"ok":true,"result":{…}}   or   {"id":1,"ok":false,"error":{"code":"CONTROL_UNKNOWN_PATH","message":"…"}}
 *
 * cmd is status, printers, uplink, metrics, config, restart (args.path) or ping (answered by the server).
 * A line that is not a valid request is answered with an error (id null when unreadable) and its connection closed.
 */
export { CONTROL_DEFAULTS, type ControlLimits } from './limits.js';
export { ControlError, type ControlErrorCode, type ControlErrorContext, isControlError } from './errors.js';
export {
  CONTROL_COMMANDS,
  type ControlCommand,
  type ControlErrorBody,
  type ControlReply,
  type ControlRequest,
  type ControlRequestId,
  type JsonValue,
  type RestartArgs,
} from './messages.js';
export { decodeRequest, encodeRequest, validateRequest } from './request-codec.js';
export { decodeReply, encodeReply, errorReply, successReply } from './reply-codec.js';
export { LineReader } from './line-reader.js';
export type { ControlHandler } from './connection.js';
export { type ControlServer, type ControlServerOptions, createControlServer } from './server.js';
export { type ControlClientOptions, controlRequest, START_HINT } from './client.js';
export { probeSocket, type SocketProbe } from './socket-file.js';
export {
  type ExpositionFormat,
  type MetricFamily,
  type MetricSample,
  type MetricType,
  MetricsError,
  type MetricsErrorCode,
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  renderExposition,
  renderOpenMetrics,
} from './openmetrics.js';
export { type JsonSampleValue, metricsResult, validateFamilies } from './metric-family.js';
