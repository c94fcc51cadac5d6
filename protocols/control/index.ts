/**
 * The local control protocol: one JSON request and one JSON reply per line over a Unix socket.
 *
 *   → {"id":1,"cmd":"restart","args":{"path":"adapter/fleet/p01"}}
 *   ← {"id":1,"ok":true,"result":{…}}   or   {"id":1,"ok":false,"error":{"code":"CONTROL_UNKNOWN_PATH","message":"…"}}
 *
 * cmd is status, printers, uplink, metrics, config, restart (args.path) or ping (answered by the server).
 * Two sockets: the read-only one (0660, the group may look) refuses restart with CONTROL_NOT_PERMITTED;
 * the admin one next to it (`control-admin.sock`, 0600: the daemon's user and root) takes everything.
 * A line that is not a valid request is answered with an error (id null when unreadable) and its connection closed.
 */
export type { ControlLimits } from './limits.js';
export { ControlError, type ControlErrorCode, type ControlErrorContext } from './errors.js';
export {
  ADMIN_COMMANDS,
  CONTROL_COMMANDS,
  type ControlAccess,
  type ControlCommand,
  type ControlErrorBody,
  type ControlReply,
  type ControlRequest,
  type ControlRequestId,
  type JsonValue,
  isAdminCommand,
  type RestartArgs,
} from './messages.js';
export { decodeRequest, encodeRequest, validateRequest } from './request-codec.js';
export { decodeReply, encodeReply, errorReply, successReply } from './reply-codec.js';
export { LineReader } from './line-reader.js';
export type { ControlHandler } from './connection.js';
export { type ControlServer, type ControlServerOptions, createControlServer } from './server.js';
export { type ControlClientOptions, controlRequest, START_HINT } from './client.js';
export { adminSocketPathFor, probeSocket, type SocketProbe } from './socket-file.js';
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
