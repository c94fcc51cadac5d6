/** Lumberjack v1/v2 (Beats `output.logstash`): codec and server (the simulators' client is in sim/clients/). */
export { AckReader } from './ack-reader.js';
export { encodeAck } from './ack-writer.js';
export { type AckFrame, AckSequencer } from './ack-order.js';
export type { BeatsBatch, ConnectionInfo, PeerIdentity } from './batch.js';
export { type DecodeStep, type DecoderLimits, drainWindows, LumberjackDecoder, type LumberjackWindow } from './decoder.js';
export { type LumberjackErrorCode, type LumberjackErrorContext, LumberjackError } from './errors.js';
export { type JsonFieldSelection, selectFields } from './field-selection.js';
export { type Frame, type FrameLimits, FrameReader } from './frame-reader.js';
export { type LumberjackLimits, MAX_KEEP_ALIVE_MS, resolveLimits } from './limits.js';
export { type BeatsServer, type BeatsServerOptions, createBeatsServer, DEFAULT_BEATS_LISTEN } from './server.js';
export type { BeatsServerTlsOptions, ClientAuth } from './server-tls.js';
export type { ProtocolVersion } from './wire.js';
