import { baseTypeName } from './base-types.js';
import { Cursor } from './cursor.js';
import { AlwaysOnError, limitExceeded } from './errors.js';
import type { AlwaysOnCodecLimits } from './limits.js';
import type { Body, ChunkInfo, FieldDefinition, Header, InfoTable, Message, Primitive } from './message.js';
import {
  Code,
  ENTRY_END,
  ENTRY_MORE,
  HEADER_BYTES,
  MARKER_INFOTABLE,
  MARKER_NONE,
  methodOfCode,
  MULTIPART_HEADER_BYTES,
  PROTOCOL_VERSION,
  RESPONSE_MIN_CODE,
} from './wire.js';
import { DEFAULT_ALWAYSON_LIMITS } from '../../../config/defaults.js';

/**
 * The AlwaysOn reader (PROTOCOLS.md §3): one WebSocket frame's bytes in, its header and chunk info out; one whole
 * message's body bytes in, a typed Body out. Pure; throws AlwaysOnError with a stable code. Stricter than the SDK's
 * own decoder (which lets short reads, bad markers and unchecked row types pass): it follows the layout exactly, with
 * one documented leniency for SDK peers (an error response's reason written without its flag).
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

/** The header (and chunk info) of one frame. Checks the chunk info against the limits before any reassembly. */
export function readFrameHead(frame: Buffer, limits: AlwaysOnCodecLimits = DEFAULT_ALWAYSON_LIMITS): FrameHead {
  if (frame.length > limits.maxMessageBytes) {
    throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', frame.length, limits.maxMessageBytes);
  }
  const cursor = new Cursor(frame, limits.maxStringBytes);
  const version = cursor.u8('version');
  if (frame.length < HEADER_BYTES) {
    throw new AlwaysOnError('AO_ERR_TRUNCATED', `a header needs ${HEADER_BYTES} bytes, got ${frame.length}`, { field: 'header' });
  }
  if (version !== PROTOCOL_VERSION) {
    throw new AlwaysOnError('AO_ERR_BAD_VERSION', `unknown protocol version 0x${hex(version)}`, { version: hex(version) });
  }
  const header: Header = {
    code: cursor.u8('code'),
    requestId: cursor.u32('requestId'),
    endpointId: cursor.u32('endpointId'),
    sessionId: cursor.u32('sessionId'),
  };
  classifyCode(header.code);
  const flag = cursor.u8('multipart');
  if (flag === 0) return { header, payloadOffset: HEADER_BYTES };
  if (flag !== 1) throw new AlwaysOnError('AO_ERR_BAD_MULTIPART_FLAG', `multipart flag 0x${hex(flag)}`, { requestId: header.requestId });
  const chunk: ChunkInfo = { chunkId: cursor.u16('chunkId'), chunkCount: cursor.u16('chunkCount'), chunkSize: cursor.u16('chunkSize') };
  const context = { requestId: header.requestId, ...chunk };
  if (chunk.chunkCount === 0 || chunk.chunkId === 0 || chunk.chunkId > chunk.chunkCount) {
    throw new AlwaysOnError('AO_ERR_BAD_CHUNK', `chunk ${chunk.chunkId} of ${chunk.chunkCount}`, context);
  }
  if (chunk.chunkSize <= MULTIPART_HEADER_BYTES || frame.length > chunk.chunkSize) {
    throw new AlwaysOnError('AO_ERR_BAD_CHUNK', `a ${frame.length}-byte chunk for chunk size ${chunk.chunkSize}`, context);
  }
  // The SDK's rule: the message is discarded when the chunks it announces could exceed the message limit.
  if (chunk.chunkCount * chunk.chunkSize > limits.maxMessageBytes) {
    throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', chunk.chunkCount * chunk.chunkSize, limits.maxMessageBytes);
  }
  return { header, chunk, payloadOffset: MULTIPART_HEADER_BYTES };
}

class BodyReader {
  private readonly cursor: Cursor;

  constructor(
    private readonly bytes: Buffer,
    private readonly limits: AlwaysOnCodecLimits,
  ) {
    this.cursor = new Cursor(bytes, limits.maxStringBytes);
  }

  get remaining(): number {
    return this.cursor.remaining;
  }

  count(what: 'maxFields' | 'maxAspects' | 'maxBindNames' | 'maxHeaders', value: number): number {
    if (value > this.limits[what]) throw limitExceeded('AO_ERR_TOO_MANY', what, value, this.limits[what]);
    return value;
  }

  primitive(depth: number, insideVariant = false): Primitive {
    const code = this.cursor.u8('baseType');
    const type = baseTypeName(code);
    if (type === undefined || (insideVariant && (type === 'VARIANT' || type === 'NOTHING'))) {
      throw new AlwaysOnError('AO_ERR_UNSUPPORTED_TYPE', `unsupported base type ${code}${insideVariant ? ' in a VARIANT' : ''}`, { baseType: code });
    }
    const c = this.cursor;
    switch (type) {
      case 'STRING':
      case 'XML':
      case 'JSON':
      case 'GUID':
      case 'THINGNAME':
        return { type, value: c.string(type) };
      case 'NUMBER':
        return { type, value: c.f64(type) };
      case 'INTEGER':
        return { type, value: c.i32(type) };
      case 'BOOLEAN': {
        const byte = c.u8(type);
        if (byte > 1) throw new AlwaysOnError('AO_ERR_BAD_VALUE', `BOOLEAN byte 0x${hex(byte)}`, { baseType: code });
        return { type, value: byte === 1 };
      }
      case 'DATETIME':
        return { type, value: c.u64(type) };
      case 'LOCATION':
        return { type, value: { longitude: c.f64('longitude'), latitude: c.f64('latitude'), elevation: c.f64('elevation') } };
      case 'BLOB':
      case 'IMAGE': {
        const length = c.u32(type);
        if (length > this.limits.maxMessageBytes) throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', length, this.limits.maxMessageBytes);
        return { type, value: Uint8Array.from(c.slice(length, type)) };
      }
      case 'INFOTABLE':
        return { type, value: this.infoTable(depth + 1) };
      case 'VARIANT':
        return { type, value: this.primitive(depth, true) };
      case 'NOTHING':
        return { type };
    }
  }

  /** `depth` is this table's nesting: 1 for a request's params. */
  infoTable(depth: number): InfoTable {
    if (depth > this.limits.maxInfoTableDepth) throw limitExceeded('AO_ERR_TOO_DEEP', 'maxInfoTableDepth', depth, this.limits.maxInfoTableDepth);
    const c = this.cursor;
    const fields: FieldDefinition[] = [];
    for (let marker = c.u8('field marker'); marker !== ENTRY_END; marker = c.u8('field marker')) {
      if (marker !== ENTRY_MORE) throw new AlwaysOnError('AO_ERR_BAD_MARKER', `DataShape marker 0x${hex(marker)}`, { offset: c.offset - 1 });
      this.count('maxFields', fields.length + 1);
      const name = c.string('field name');
      const description = c.string('field description');
      const typeCode = c.u8('field baseType');
      const baseType = baseTypeName(typeCode);
      if (baseType === undefined) throw new AlwaysOnError('AO_ERR_UNSUPPORTED_TYPE', `unsupported field base type ${typeCode}`, { baseType: typeCode });
      const aspectCount = this.count('maxAspects', c.u16('aspect count'));
      const aspects: FieldDefinition['aspects'] = [];
      for (let index = 0; index < aspectCount; index++) aspects.push({ name: c.string('aspect name'), value: this.primitive(depth) });
      fields.push({ name, description, baseType, aspects });
    }
    const rows: Primitive[][] = [];
    for (let marker = c.u8('row marker'); marker !== ENTRY_END; marker = c.u8('row marker')) {
      if (marker !== ENTRY_MORE) throw new AlwaysOnError('AO_ERR_BAD_MARKER', `row marker 0x${hex(marker)}`, { offset: c.offset - 1 });
      if (rows.length + 1 > this.limits.maxRows) throw limitExceeded('AO_ERR_TOO_MANY', 'maxRows', rows.length + 1, this.limits.maxRows);
      const valueCount = this.count('maxFields', c.u16('row field count'));
      if (valueCount !== fields.length) {
        throw new AlwaysOnError('AO_ERR_BAD_VALUE', `a row of ${valueCount} values for ${fields.length} fields`, { row: rows.length });
      }
      const row: Primitive[] = [];
      for (let index = 0; index < valueCount; index++) row.push(this.primitive(depth));
      rows.push(row);
    }
    return { fields, rows };
  }

  /** `0x05` + InfoTable, `0xFF` for none. */
  optionalInfoTable(): InfoTable | undefined {
    const marker = this.cursor.u8('content marker');
    if (marker === MARKER_NONE) return undefined;
    if (marker !== MARKER_INFOTABLE) throw new AlwaysOnError('AO_ERR_BAD_MARKER', `content marker 0x${hex(marker)}`, { offset: this.cursor.offset - 1 });
    return this.infoTable(1);
  }

  body(kind: CodeClass, code: number): Body {
    const c = this.cursor;
    switch (kind) {
      case 'auth': {
        const count = this.count('maxHeaders', c.u8('claim count'));
        const claims: Array<{ name: string; value: string }> = [];
        for (let index = 0; index < count; index++) claims.push({ name: c.string('claim name'), value: c.string('claim value') });
        return { kind, claims };
      }
      case 'bind':
      case 'unbind': {
        const gatewayFlag = c.u8('gateway flag');
        if (gatewayFlag > 1) throw new AlwaysOnError('AO_ERR_BAD_MARKER', `gateway flag 0x${hex(gatewayFlag)}`);
        const gateway = gatewayFlag === 1 ? { name: c.string('gateway name'), type: c.string('gateway type') } : undefined;
        const count = this.count('maxBindNames', c.u16('name count'));
        const names: string[] = [];
        for (let index = 0; index < count; index++) names.push(c.string('thing name'));
        return gateway ? { kind, gateway, names } : { kind, names };
      }
      case 'request': {
        const method = methodOfCode(code);
        if (method === undefined) throw new AlwaysOnError('AO_ERR_UNSUPPORTED_CODE', `0x${hex(code)} is not a request`);
        const entityType = c.u8('entity type');
        const entity = c.string('entity');
        const characteristic = c.u8('characteristic');
        const name = c.string('name');
        // Headers are read and dropped, as the SDK does.
        const headerCount = this.count('maxHeaders', c.u8('header count'));
        for (let index = 0; index < headerCount; index++) {
          c.string('header name');
          c.string('header value');
        }
        const params = this.optionalInfoTable();
        return params ? { kind, method, entityType, entity, characteristic, name, params } : { kind, method, entityType, entity, characteristic, name };
      }
      case 'response': {
        const reasonFlag = c.u8('reason flag');
        if (reasonFlag > 1) throw new AlwaysOnError('AO_ERR_BAD_MARKER', `reason flag 0x${hex(reasonFlag)}`);
        const reason = reasonFlag === 1 ? c.string('reason') : undefined;
        // An SDK peer writes an error's reason length without the flag: reasonFlag 0 then zero bytes. Accept that
        // (and a body that simply ends) as "no result"; anything else must be a proper content marker.
        const next = c.peek();
        if (next === undefined || (next === 0 && this.restIsZero())) {
          c.slice(c.remaining, 'padding');
          return reason === undefined ? { kind } : { kind, reason };
        }
        const result = this.optionalInfoTable();
        if (result) return reason === undefined ? { kind, result } : { kind, reason, result };
        return reason === undefined ? { kind } : { kind, reason };
      }
    }
  }

  private restIsZero(): boolean {
    return this.bytes.subarray(this.cursor.offset).every((byte) => byte === 0);
  }
}

/** Decodes one whole message body (the bytes after the header, chunks already joined). */
export function decodeBody(header: Header, body: Buffer, limits: AlwaysOnCodecLimits = DEFAULT_ALWAYSON_LIMITS): Body {
  if (body.length > limits.maxMessageBytes) throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', body.length, limits.maxMessageBytes);
  const reader = new BodyReader(body, limits);
  const decoded = reader.body(classifyCode(header.code), header.code);
  if (reader.remaining > 0) {
    throw new AlwaysOnError('AO_ERR_TRAILING_BYTES', `${reader.remaining} bytes after the message`, { requestId: header.requestId });
  }
  return decoded;
}

/** A single-frame message, header and body. Throws AO_ERR_BAD_CHUNK for a chunk (use MessageAssembler). */
export function decodeFrame(frame: Buffer, limits: AlwaysOnCodecLimits = DEFAULT_ALWAYSON_LIMITS): Message {
  const head = readFrameHead(frame, limits);
  if (head.chunk) throw new AlwaysOnError('AO_ERR_BAD_CHUNK', 'a chunk of a multipart message', { requestId: head.header.requestId });
  return { header: head.header, body: decodeBody(head.header, frame.subarray(head.payloadOffset), limits) };
}

export function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
