/** Lumberjack v1/v2 (Beats `output.logstash`): codec, server and client. */
export { AckReader } from './ack-reader.js';
export { type AckFrame, AckSequencer } from './ack-order.js';
export type { BeatsBatch, ConnectionInfo, PeerIdentity } from './batch.js';
export {
  type BeatsClient,
  type BeatsClientCounters,
  type BeatsClientOptions,
  type BeatsClientOverrides,
  type BeatsClientSettings,
  type BeatsClientTlsOptions,
  createBeatsClient,
  DEFAULT_BEATS_CLIENT_SETTINGS,
} from './client.js';
export { type DecodeStep, type DecoderLimits, drainWindows, LumberjackDecoder, type LumberjackWindow } from './decoder.js';
export { type LumberjackErrorCode, type LumberjackErrorContext, LumberjackError } from './errors.js';
export { type Frame, type FrameLimits, FrameReader } from './frame-reader.js';
export {
  encodeAck,
  encodeJsonWindow,
  encodeKeyValueWindow,
  encodeWindow,
  serializeEvent,
  type WindowEncoding,
} from './frame-writer.js';
export { type JsonFieldSelection, JsonSyntaxError, parseSelectedJson } from './json-select.js';
export { type LumberjackLimits, MAX_KEEP_ALIVE_MS, resolveLimits } from './limits.js';
export { type BeatsServer, type BeatsServerOptions, createBeatsServer, DEFAULT_BEATS_LISTEN } from './server.js';
export type { BeatsServerTlsOptions, ClientAuth } from './server-tls.js';
export type { ProtocolVersion } from './wire.js';
