import { BodyReader, hex } from './body-reader.js';
import { AlwaysOnError, limitExceeded } from './errors.js';
import type { AlwaysOnCodecLimits } from './limits.js';
import type { Body, ChunkInfo, Header, Message } from './message.js';
import { Code, HEADER_BYTES, methodOfCode, MULTIPART_HEADER_BYTES, PROTOCOL_VERSION, RESPONSE_MIN_CODE } from './wire.js';
import { DEFAULT_ALWAYSON_LIMITS } from '../../../config/defaults.js';

export { hex } from './body-reader.js';

/**
 * The AlwaysOn reader (PROTOCOLS.md §3): a frame's fixed-size header and chunk info, and the functions that read
 * a whole frame or a whole body at once through the chunk-fed state machines (BodyReader, and MessageAssembler for
 * a stream of frames). Pure; throws AlwaysOnError with a stable code.
 */

export interface FrameHead {
  header: Header;
  /** Present when the multipart flag is set. */
  chunk?: ChunkInfo;
  /** Where the payload starts in the frame. */
  payloadOffset: number;
}

/** What a code means, or AO_ERR_UNSUPPORTED_CODE (KEEP_ALIVE included: keep-alive is the WebSocket ping). */
export type CodeClass = 'auth' | 'bind' | 'unbind' | 'request' | 'response';

export function classifyCode(code: number): CodeClass {
  if (code >= RESPONSE_MIN_CODE) return 'response';
  if (methodOfCode(code) !== undefined) return 'request';
  if (code === Code.BIND) return 'bind';
  if (code === Code.UNBIND) return 'unbind';
  if (code === Code.AUTH) return 'auth';
  throw new AlwaysOnError('AO_ERR_UNSUPPORTED_CODE', `unsupported message code 0x${hex(code)}`, { code: hex(code) });
}

/** The 15 header bytes at `at`: the header, and whether chunk info follows. */
export function parseHeader(bytes: Buffer, at = 0): { header: Header; multipart: boolean } {
  const version = bytes.readUInt8(at);
  if (version !== PROTOCOL_VERSION) {
    throw new AlwaysOnError('AO_ERR_BAD_VERSION', `unknown protocol version 0x${hex(version)}`, { version: hex(version) });
  }
  const header: Header = {
    code: bytes.readUInt8(at + 1),
    requestId: bytes.readUInt32BE(at + 2),
    endpointId: bytes.readUInt32BE(at + 6),
    sessionId: bytes.readUInt32BE(at + 10),
  };
  classifyCode(header.code);
  const flag = bytes.readUInt8(at + 14);
  if (flag > 1) throw new AlwaysOnError('AO_ERR_BAD_MULTIPART_FLAG', `multipart flag 0x${hex(flag)}`, { requestId: header.requestId });
  return { header, multipart: flag === 1 };
}

/**
 * The 6 chunk-info bytes at `at`, checked against the limits before any chunk is kept: `frameBytes` is the size of the
 * frame (or its bytes so far), which may not exceed the chunk size the sender announces.
 */
export function parseChunkInfo(header: Header, bytes: Buffer, at: number, frameBytes: number, limits: AlwaysOnCodecLimits): ChunkInfo {
  const chunk: ChunkInfo = {
    chunkId: bytes.readUInt16BE(at),
    chunkCount: bytes.readUInt16BE(at + 2),
    chunkSize: bytes.readUInt16BE(at + 4),
  };
  const context = { requestId: header.requestId, ...chunk };
  if (chunk.chunkCount === 0 || chunk.chunkId === 0 || chunk.chunkId > chunk.chunkCount) {
    throw new AlwaysOnError('AO_ERR_BAD_CHUNK', `chunk ${chunk.chunkId} of ${chunk.chunkCount}`, context);
  }
  checkChunkBytes(chunk, frameBytes, context);
  // The SDK's rule: the message is discarded when the chunks it announces could exceed the message limit.
  if (chunk.chunkCount * chunk.chunkSize > limits.maxMessageBytes) {
    throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', chunk.chunkCount * chunk.chunkSize, limits.maxMessageBytes);
  }
  return chunk;
}

/** A chunk may not be longer than the chunk size it announces. */
export function checkChunkBytes(chunk: ChunkInfo, frameBytes: number, context: Record<string, number> = { ...chunk }): void {
  if (chunk.chunkSize <= MULTIPART_HEADER_BYTES || frameBytes > chunk.chunkSize) {
    throw new AlwaysOnError('AO_ERR_BAD_CHUNK', `a ${frameBytes}-byte chunk for chunk size ${chunk.chunkSize}`, context);
  }
}

/** The header (and chunk info) of one whole frame. Checks the chunk info against the limits before any reassembly. */
export function readFrameHead(frame: Buffer, limits: AlwaysOnCodecLimits = DEFAULT_ALWAYSON_LIMITS): FrameHead {
  if (frame.length > limits.maxMessageBytes) {
    throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', frame.length, limits.maxMessageBytes);
  }
  if (frame.length < HEADER_BYTES) {
    throw new AlwaysOnError('AO_ERR_TRUNCATED', `a header needs ${HEADER_BYTES} bytes, got ${frame.length}`, { field: 'header' });
  }
  const { header, multipart } = parseHeader(frame);
  if (!multipart) return { header, payloadOffset: HEADER_BYTES };
  if (frame.length < MULTIPART_HEADER_BYTES) {
    throw new AlwaysOnError('AO_ERR_TRUNCATED', `chunk info needs ${MULTIPART_HEADER_BYTES} bytes, got ${frame.length}`, {
      field: 'chunk info',
    });
  }
  const chunk = parseChunkInfo(header, frame, HEADER_BYTES, frame.length, limits);
  return { header, chunk, payloadOffset: MULTIPART_HEADER_BYTES };
}

/** The state machine that reads the body of a message with this header. */
export function bodyReaderFor(header: Header, limits: AlwaysOnCodecLimits): BodyReader {
  return new BodyReader(classifyCode(header.code), methodOfCode(header.code), limits, { requestId: header.requestId });
}

/** Decodes one whole message body (the bytes after the header, chunks already joined). */
export function decodeBody(header: Header, body: Buffer, limits: AlwaysOnCodecLimits = DEFAULT_ALWAYSON_LIMITS): Body {
  if (body.length > limits.maxMessageBytes)
    throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', body.length, limits.maxMessageBytes);
  const reader = bodyReaderFor(header, limits);
  reader.push(body);
  return reader.end();
}

/** A single-frame message, header and body. Throws AO_ERR_BAD_CHUNK for a chunk (use MessageAssembler). */
export function decodeFrame(frame: Buffer, limits: AlwaysOnCodecLimits = DEFAULT_ALWAYSON_LIMITS): Message {
  const head = readFrameHead(frame, limits);
  if (head.chunk) throw new AlwaysOnError('AO_ERR_BAD_CHUNK', 'a chunk of a multipart message', { requestId: head.header.requestId });
  return { header: head.header, body: decodeBody(head.header, frame.subarray(head.payloadOffset), limits) };
}
