import { BASE_TYPE_CODES } from './base-types.js';
import { ByteWriter, encodedStringBytes } from './byte-writer.js';
import { AlwaysOnError, limitExceeded } from './errors.js';
import type { AlwaysOnCodecLimits } from './limits.js';
import type { Body, Header, InfoTable, Message, Primitive } from './message.js';
import {
  Code,
  ENTRY_END,
  ENTRY_MORE,
  HEADER_BYTES,
  MARKER_INFOTABLE,
  MARKER_NONE,
  METHOD_CODES,
  MULTIPART_HEADER_BYTES,
  PROTOCOL_VERSION,
} from './wire.js';
import { DEFAULT_ALWAYSON_LIMITS } from '../../../config/defaults.js';

/**
 * The AlwaysOn writer (PROTOCOLS.md §3): messages in, WebSocket frames out. Pure. One message becomes one frame, or
 * several multipart chunks when it does not fit the chunk size. Throws AlwaysOnError for what cannot be sent.
 */

const U16_MAX = 0xffff;
const U32_MAX = 0xffff_ffff;

function checkU32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new AlwaysOnError('AO_ERR_BAD_VALUE', `${name} must be a u32, got ${value}`, { field: name });
  }
}

function writePrimitive(out: ByteWriter, value: Primitive, depth: number, limits: AlwaysOnCodecLimits): void {
  out.u8(BASE_TYPE_CODES[value.type]);
  writePayload(out, value, depth, limits);
}

/** The value's bytes after its type byte. */
function writePayload(out: ByteWriter, value: Primitive, depth: number, limits: AlwaysOnCodecLimits): void {
  switch (value.type) {
    case 'STRING':
    case 'XML':
    case 'JSON':
    case 'GUID':
    case 'THINGNAME':
      out.string(value.value);
      return;
    case 'NUMBER':
      out.f64(value.value);
      return;
    case 'INTEGER':
      if (!Number.isInteger(value.value) || value.value < -(2 ** 31) || value.value >= 2 ** 31) {
        throw new AlwaysOnError('AO_ERR_BAD_VALUE', `INTEGER needs a whole number within 32 bits, got ${value.value}`);
      }
      out.i32(value.value);
      return;
    case 'BOOLEAN':
      out.u8(value.value ? 1 : 0);
      return;
    case 'DATETIME':
      out.u64(value.value);
      return;
    case 'LOCATION':
      out.f64(value.value.longitude).f64(value.value.latitude).f64(value.value.elevation);
      return;
    case 'BLOB':
    case 'IMAGE':
      out.u32(value.value.byteLength).bytes(value.value);
      return;
    case 'INFOTABLE':
      writeInfoTable(out, value.value, depth + 1, limits);
      return;
    case 'VARIANT':
      if (value.value.type === 'VARIANT' || value.value.type === 'NOTHING') {
        // A VARIANT of an undefined type crashes the SDK (PROTOCOLS.md §3): never send one.
        throw new AlwaysOnError('AO_ERR_BAD_VALUE', `a VARIANT cannot hold ${value.value.type}`);
      }
      writePrimitive(out, value.value, depth, limits);
      return;
    case 'NOTHING':
      return;
  }
}

export function writeInfoTable(out: ByteWriter, table: InfoTable, depth: number, limits: AlwaysOnCodecLimits): void {
  if (depth > limits.maxInfoTableDepth) throw limitExceeded('AO_ERR_TOO_DEEP', 'maxInfoTableDepth', depth, limits.maxInfoTableDepth);
  if (table.fields.length > limits.maxFields) throw limitExceeded('AO_ERR_TOO_MANY', 'maxFields', table.fields.length, limits.maxFields);
  if (table.rows.length > limits.maxRows) throw limitExceeded('AO_ERR_TOO_MANY', 'maxRows', table.rows.length, limits.maxRows);
  for (const field of table.fields) {
    if (field.aspects.length > limits.maxAspects) {
      throw limitExceeded('AO_ERR_TOO_MANY', 'maxAspects', field.aspects.length, limits.maxAspects);
    }
    out.u8(ENTRY_MORE).string(field.name).string(field.description).u8(BASE_TYPE_CODES[field.baseType]).u16(field.aspects.length);
    for (const aspect of field.aspects) {
      out.string(aspect.name);
      writePrimitive(out, aspect.value, depth, limits);
    }
  }
  out.u8(ENTRY_END);
  for (const row of table.rows) {
    if (row.length !== table.fields.length) {
      throw new AlwaysOnError('AO_ERR_BAD_VALUE', `a row has ${row.length} values for ${table.fields.length} fields`);
    }
    out.u8(ENTRY_MORE).u16(row.length);
    for (const value of row) writePrimitive(out, value, depth, limits);
  }
  out.u8(ENTRY_END);
}

/** Everything after the header, as its own buffer. */
export function encodeBody(body: Body, limits: AlwaysOnCodecLimits = DEFAULT_ALWAYSON_LIMITS): Buffer {
  const out = new ByteWriter(limits.maxMessageBytes, limits.maxStringBytes);
  writeBody(out, body, limits);
  return out.take();
}

function writeBody(out: ByteWriter, body: Body, limits: AlwaysOnCodecLimits): void {
  switch (body.kind) {
    case 'auth':
      if (body.claims.length > limits.maxHeaders)
        throw limitExceeded('AO_ERR_TOO_MANY', 'maxHeaders', body.claims.length, limits.maxHeaders);
      out.u8(body.claims.length);
      for (const claim of body.claims) out.string(claim.name).string(claim.value);
      break;
    case 'bind':
    case 'unbind':
      if (body.names.length > limits.maxBindNames) {
        throw limitExceeded('AO_ERR_TOO_MANY', 'maxBindNames', body.names.length, limits.maxBindNames);
      }
      if (body.gateway) out.u8(1).string(body.gateway.name).string(body.gateway.type);
      else out.u8(0);
      out.u16(body.names.length);
      for (const name of body.names) out.string(name);
      break;
    case 'request':
      // Header count 0: the SDK reads request headers and drops them (PROTOCOLS.md §3).
      out.u8(body.entityType).string(body.entity).u8(body.characteristic).string(body.name).u8(0);
      if (body.params) writeInfoTable(out.u8(MARKER_INFOTABLE), body.params, 1, limits);
      else out.u8(MARKER_NONE);
      break;
    case 'response':
      if (body.reason !== undefined) out.u8(1).string(body.reason);
      else out.u8(0);
      if (body.result) writeInfoTable(out.u8(MARKER_INFOTABLE), body.result, 1, limits);
      else out.u8(MARKER_NONE);
      break;
  }
}

/** One writer per set of limits, reused: encoding is synchronous and every frame is copied out of it. */
const writers = new WeakMap<AlwaysOnCodecLimits, ByteWriter>();

/** The shared writer for these limits, emptied, with the header's bytes left free at its start. */
export function messageWriter(limits: AlwaysOnCodecLimits): ByteWriter {
  let out = writers.get(limits);
  if (!out) {
    out = new ByteWriter(limits.maxMessageBytes, limits.maxStringBytes, 16 * 1024);
    writers.set(limits, out);
  }
  return out.reset().skip(HEADER_BYTES);
}

/** The code a message goes out with: its own for responses, else the one its body implies. */
function codeOf(message: Message): number {
  const { body, header } = message;
  switch (body.kind) {
    case 'auth':
      return Code.AUTH;
    case 'bind':
      return Code.BIND;
    case 'unbind':
      return Code.UNBIND;
    case 'request':
      return METHOD_CODES[body.method];
    case 'response':
      if (header.code < Code.SUCCESS || header.code > 0xff) {
        throw new AlwaysOnError('AO_ERR_UNSUPPORTED_CODE', `a response code is 0x40–0xFF, got ${header.code}`);
      }
      return header.code;
  }
}

function writeHeader(
  target: Buffer,
  header: Header,
  code: number,
  chunk?: { chunkId: number; chunkCount: number; chunkSize: number },
): number {
  target.writeUInt8(PROTOCOL_VERSION, 0);
  target.writeUInt8(code, 1);
  target.writeUInt32BE(header.requestId, 2);
  target.writeUInt32BE(header.endpointId, 6);
  target.writeUInt32BE(header.sessionId, 10);
  if (chunk === undefined) {
    target.writeUInt8(0, 14);
    return HEADER_BYTES;
  }
  target.writeUInt8(1, 14);
  target.writeUInt16BE(chunk.chunkId, 15);
  target.writeUInt16BE(chunk.chunkCount, 17);
  target.writeUInt16BE(chunk.chunkSize, 19);
  return MULTIPART_HEADER_BYTES;
}

/**
 * A message as the frames to send: one when header and body fit the chunk size, else chunks of at most chunkSize
 * bytes (the header counts towards maxMessageBytes). Every chunk repeats the header with the chunk info; in a request, chunks after the first repeat
 * `entityType, entity`, and every chunk's share of the body is sized as if it held that prefix (so the SDK's
 * reassembler, which sizes them the same way, agrees). No empty chunk is ever produced.
 */
export function encodeMessage(message: Message, limits: AlwaysOnCodecLimits = DEFAULT_ALWAYSON_LIMITS): Buffer[] {
  const { header, body } = message;
  const code = codeOf(message);
  const out = messageWriter(limits);
  writeBody(out, body, limits);
  return framesOf(out, header, code, body.kind === 'request' ? 1 + encodedStringBytes(body.entity) : 0, limits);
}

/**
 * The frames of a message whose body `out` holds after its free header bytes (messageWriter). `prefixBytes`: the
 * request's `entityType, entity` that chunks after the first repeat (0 for other messages).
 */
export function framesOf(out: ByteWriter, header: Header, code: number, prefixBytes: number, limits: AlwaysOnCodecLimits): Buffer[] {
  checkU32('requestId', header.requestId);
  checkU32('endpointId', header.endpointId);
  checkU32('sessionId', header.sessionId);
  const written = out.view();
  if (written.length <= limits.chunkSize) {
    writeHeader(written, header, code);
    return [Buffer.from(written)];
  }
  const bytes = written.subarray(HEADER_BYTES);
  const share = limits.chunkSize - MULTIPART_HEADER_BYTES - prefixBytes;
  if (limits.chunkSize > U16_MAX || share <= 0) {
    throw new AlwaysOnError('AO_ERR_BAD_CHUNK', `chunk size ${limits.chunkSize} cannot carry this message`, {
      chunkSize: limits.chunkSize,
    });
  }
  const chunkCount = Math.ceil(bytes.length / share);
  // The receiver discards a message whose chunkCount × chunkSize exceeds its limit: check the same product here.
  if (chunkCount > U16_MAX || chunkCount * limits.chunkSize > limits.maxMessageBytes) {
    throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', chunkCount * limits.chunkSize, limits.maxMessageBytes);
  }
  const prefix = bytes.subarray(0, prefixBytes);
  const frames: Buffer[] = [];
  for (let index = 0; index < chunkCount; index++) {
    const slice = bytes.subarray(index * share, Math.min(bytes.length, (index + 1) * share));
    const repeat = index > 0 ? prefix : prefix.subarray(0, 0);
    const frame = Buffer.allocUnsafe(MULTIPART_HEADER_BYTES + repeat.length + slice.length);
    const at = writeHeader(frame, header, code, { chunkId: index + 1, chunkCount, chunkSize: limits.chunkSize });
    repeat.copy(frame, at);
    slice.copy(frame, at + repeat.length);
    frames.push(frame);
  }
  return frames;
}
