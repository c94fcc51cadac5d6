export {
  createPrinterClient,
  type PrinterClient,
  type PrinterClientOptions,
  type PrinterConnectionInfo,
  type PrinterConnectionState,
} from './client.js';
export type { PipCodecLimits } from './codec-limits.js';
export { PipError, type PipErrorCode, type PipErrorContext } from './errors.js';
export { LineSplitter } from './line-splitter.js';
export { isReadOnlyOp, type PipOp, READ_ONLY_OPS } from './ops.js';
export { openPrinterSocket, type PrinterSocket, type PrinterTlsOptions } from './printer-socket.js';
export { badPollReadings, type PollReplies, pollReadings, STATUS_ITEMS } from './poll-readings.js';
export { decodeReply, type PipRemoteError, type PipReply, type UntrustedObject } from './reply.js';
export { encodeRequest, MAX_REQUEST_ID, nextRequestId, PIP_VERSION } from './request.js';
export {
  BUILD_STATES,
  type BuildState,
  type ConsumablesResult,
  decodeConsumables,
  decodeIdentify,
  decodeResult,
  decodeSensors,
  decodeStatus,
  type IdentifyResult,
  type JobStatus,
  type PipResults,
  type SensorsResult,
  type SensorValue,
  type StatusResult,
} from './results.js';
