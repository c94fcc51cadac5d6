export { MessageAssembler } from './assembler.js';
export { AlwaysOnError, type AlwaysOnErrorCode } from './errors.js';
export type { AlwaysOnCodecLimits } from './limits.js';
export type { Body, Header, InfoTable, Message, Primitive } from './message.js';
export { encodePropertyUpdate, PROPERTY_UPDATE_SERVICE, propertyUpdateParams, vtqRowsOfParams } from './property-update.js';
export { classifyCode, decodeBody, decodeFrame, readFrameHead } from './reader.js';
export * from './wire.js';
export { encodeBody, encodeMessage } from './writer.js';
