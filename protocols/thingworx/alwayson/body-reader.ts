import { ByteQueue } from '../../byte-queue.js';
import { baseTypeName } from './base-types.js';
import { AlwaysOnError, type AlwaysOnErrorContext, limitExceeded } from './errors.js';
import type { AlwaysOnCodecLimits } from './limits.js';
import type { BaseTypeName, Body, FieldDefinition, InfoTable, Primitive } from './message.js';
import { ENTRY_END, ENTRY_MORE, LONG_STRING_FLAG, MARKER_INFOTABLE, MARKER_NONE, type RequestMethod } from './wire.js';

/** What a message code says its body is (reader.ts classifies it). */
export type BodyKind = 'auth' | 'bind' | 'unbind' | 'request' | 'response';

// Parser states: each names the bytes it waits for (after ws's receiver and our Lumberjack frame reader).
const GET_CLAIM_COUNT = 0;
const GET_GATEWAY_FLAG = 1;
const GET_NAME_COUNT = 2;
const GET_ENTITY_TYPE = 3;
const GET_CHARACTERISTIC = 4;
const GET_HEADER_COUNT = 5;
const GET_CONTENT_MARKER = 6;
const GET_REASON_FLAG = 7;
/** A response's optional content marker: the body may also end here, or carry an SDK peer's zero padding. */
const GET_RESULT_MARKER = 8;
const GET_PADDING = 9;
const GET_STRING_LENGTH = 10;
const GET_STRING_LONG_LENGTH = 11;
const GET_STRING = 12;
const GET_FIELD_MARKER = 13;
const GET_FIELD_BASE_TYPE = 14;
const GET_ASPECT_COUNT = 15;
const GET_ROW_MARKER = 16;
const GET_ROW_FIELD_COUNT = 17;
const GET_BASE_TYPE = 18;
const GET_NUMBER = 19;
const GET_INTEGER = 20;
const GET_BOOLEAN = 21;
const GET_DATETIME = 22;
const GET_LOCATION = 23;
const GET_BLOB_LENGTH = 24;
const GET_BLOB = 25;
const DONE = 26;

/** What a string being read is for; the label is what an error names. */
const STRING_LABELS = [
  'claim name',
  'claim value',
  'gateway name',
  'gateway type',
  'thing name',
  'entity',
  'name',
  'header name',
  'header value',
  'reason',
  'field name',
  'field description',
  'aspect name',
  'value',
] as const;
const CLAIM_NAME = 0;
const CLAIM_VALUE = 1;
const GATEWAY_NAME = 2;
const GATEWAY_TYPE = 3;
const THING_NAME = 4;
const ENTITY = 5;
const NAME = 6;
const HEADER_NAME = 7;
const HEADER_VALUE = 8;
const REASON = 9;
const FIELD_NAME = 10;
const FIELD_DESCRIPTION = 11;
const ASPECT_NAME = 12;
const VALUE = 13;

/** What each fixed-size state reads, for the error that says it was cut short. */
const STATE_LABELS: Readonly<Record<number, string>> = {
  [GET_CLAIM_COUNT]: 'claim count',
  [GET_GATEWAY_FLAG]: 'gateway flag',
  [GET_NAME_COUNT]: 'name count',
  [GET_ENTITY_TYPE]: 'entity type',
  [GET_CHARACTERISTIC]: 'characteristic',
  [GET_HEADER_COUNT]: 'header count',
  [GET_CONTENT_MARKER]: 'content marker',
  [GET_REASON_FLAG]: 'reason flag',
  [GET_FIELD_MARKER]: 'field marker',
  [GET_FIELD_BASE_TYPE]: 'field baseType',
  [GET_ASPECT_COUNT]: 'aspect count',
  [GET_ROW_MARKER]: 'row marker',
  [GET_ROW_FIELD_COUNT]: 'row field count',
  [GET_BASE_TYPE]: 'baseType',
  [GET_NUMBER]: 'NUMBER',
  [GET_INTEGER]: 'INTEGER',
  [GET_BOOLEAN]: 'BOOLEAN',
  [GET_DATETIME]: 'DATETIME',
  [GET_LOCATION]: 'LOCATION',
  [GET_BLOB_LENGTH]: 'BLOB length',
  [GET_BLOB]: 'BLOB',
};

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const MAX_EXACT_U64 = BigInt(Number.MAX_SAFE_INTEGER);

/** One InfoTable being read; nested tables (a value of type INFOTABLE) stack. */
interface TableFrame {
  /** 1 for a request's params or a response's result. */
  depth: number;
  fields: FieldDefinition[];
  rows: Primitive[][];
  /** The field whose aspects are being read. */
  field: FieldDefinition | undefined;
  aspectsLeft: number;
  aspectName: string;
  inRows: boolean;
  row: Primitive[];
  valuesLeft: number;
  /** The value being read sits inside a VARIANT. */
  variant: boolean;
}

/**
 * Chunk-fed state machine that reads one message body (PROTOCOLS.md §3), fed in any split: the bytes of a single
 * frame, or the shares of a multipart message's chunks as they arrive. It consumes exactly the bytes a state needs and
 * checks every length and count against its limit as soon as it is read, before waiting for or allocating what it
 * announces; it holds no more than the bytes it was given, and never more than maxMessageBytes. The Body it gives is
 * the same however the input is split. Stricter than the SDK's own decoder: it follows the layout exactly, with one
 * documented leniency for SDK peers (an error response's reason written without its flag).
 */
export class BodyReader {
  readonly #queue = new ByteQueue();
  readonly #limits: AlwaysOnCodecLimits;
  readonly #kind: BodyKind;
  readonly #method: RequestMethod | undefined;
  readonly #context: AlwaysOnErrorContext;
  #state: number;
  #needed = 1;
  /** Bytes given so far, and bytes consumed (an error's offset). */
  #received = 0;
  #offset = 0;

  #stringFor = 0;
  #longLengthHigh = 0;
  #valueType: BaseTypeName = 'STRING';
  #left = 0;
  #pendingName = '';
  readonly #tables: TableFrame[] = [];

  // What the body says so far.
  readonly #claims: Array<{ name: string; value: string }> = [];
  #gateway: { name: string; type: string } | undefined;
  readonly #names: string[] = [];
  #entityType = 0;
  #entity = '';
  #characteristic = 0;
  #name = '';
  #reason: string | undefined;
  #table: InfoTable | undefined;

  /** `method` for a request; `context` goes into every error (which message). */
  constructor(kind: BodyKind, method: RequestMethod | undefined, limits: AlwaysOnCodecLimits, context: AlwaysOnErrorContext = {}) {
    this.#kind = kind;
    this.#method = method;
    this.#limits = limits;
    this.#context = context;
    this.#state = FIRST_STATE[kind];
  }

  /** Bytes given so far. */
  get receivedBytes(): number {
    return this.#received;
  }

  /** More of the body. Throws AlwaysOnError as soon as the bytes so far cannot be a valid body. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#received += chunk.length;
    if (this.#received > this.#limits.maxMessageBytes) {
      throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', this.#received, this.#limits.maxMessageBytes);
    }
    this.#queue.push(chunk);
    while (this.#state !== DONE && this.#queue.length >= this.#needed) this.#advance();
    if (this.#state === DONE && this.#queue.length > 0) {
      throw new AlwaysOnError('AO_ERR_TRAILING_BYTES', `${this.#queue.length} bytes after the message`, this.#context);
    }
  }

  /** The body has ended: what it says, or AO_ERR_TRUNCATED when it stopped inside something. */
  end(): Body {
    // A state that needs no bytes (an empty string, say) has not run yet when the last push ended on it.
    while (this.#state !== DONE && this.#needed === 0) this.#advance();
    if (this.#state === DONE || this.#state === GET_PADDING || (this.#state === GET_RESULT_MARKER && this.#queue.length === 0)) {
      return this.#body();
    }
    const what =
      this.#state === GET_STRING_LENGTH || this.#state === GET_STRING_LONG_LENGTH || this.#state === GET_STRING
        ? STRING_LABELS[this.#stringFor]
        : STATE_LABELS[this.#state];
    throw new AlwaysOnError('AO_ERR_TRUNCATED', `${what} needs ${this.#needed} bytes, ${this.#queue.length} left`, {
      ...this.#context,
      field: what,
      offset: this.#offset,
    });
  }

  #expect(state: number, bytes: number): void {
    this.#state = state;
    this.#needed = bytes;
  }

  #readString(purpose: number): void {
    this.#stringFor = purpose;
    this.#expect(GET_STRING_LENGTH, 1);
  }

  #count(what: 'maxFields' | 'maxAspects' | 'maxBindNames' | 'maxHeaders', value: number): number {
    if (value > this.#limits[what]) throw limitExceeded('AO_ERR_TOO_MANY', what, value, this.#limits[what]);
    return value;
  }

  #badMarker(what: string, byte: number): AlwaysOnError {
    return new AlwaysOnError('AO_ERR_BAD_MARKER', `${what} 0x${hex(byte)}`, { ...this.#context, offset: this.#offset - 1 });
  }

  /** Runs one state on the `needed` bytes that are there. */
  #advance(): void {
    const q = this.#queue;
    this.#offset += this.#needed;
    switch (this.#state) {
      case GET_CLAIM_COUNT:
        this.#left = this.#count('maxHeaders', q.consumeUInt8());
        if (this.#left === 0) this.#expect(DONE, 0);
        else this.#readString(CLAIM_NAME);
        return;
      case GET_GATEWAY_FLAG: {
        const flag = q.consumeUInt8();
        if (flag > 1) throw this.#badMarker('gateway flag', flag);
        if (flag === 1) this.#readString(GATEWAY_NAME);
        else this.#expect(GET_NAME_COUNT, 2);
        return;
      }
      case GET_NAME_COUNT:
        this.#left = this.#count('maxBindNames', q.consume(2).readUInt16BE(0));
        if (this.#left === 0) this.#expect(DONE, 0);
        else this.#readString(THING_NAME);
        return;
      case GET_ENTITY_TYPE:
        this.#entityType = q.consumeUInt8();
        this.#readString(ENTITY);
        return;
      case GET_CHARACTERISTIC:
        this.#characteristic = q.consumeUInt8();
        this.#readString(NAME);
        return;
      case GET_HEADER_COUNT:
        // Headers are read and dropped, as the SDK does.
        this.#left = this.#count('maxHeaders', q.consumeUInt8());
        if (this.#left === 0) this.#expect(GET_CONTENT_MARKER, 1);
        else this.#readString(HEADER_NAME);
        return;
      case GET_CONTENT_MARKER: {
        const marker = q.consumeUInt8();
        if (marker === MARKER_NONE) this.#expect(DONE, 0);
        else if (marker === MARKER_INFOTABLE) this.#enterTable(1);
        else throw this.#badMarker('content marker', marker);
        return;
      }
      case GET_REASON_FLAG: {
        const flag = q.consumeUInt8();
        if (flag > 1) throw this.#badMarker('reason flag', flag);
        if (flag === 1) this.#readString(REASON);
        else this.#expect(GET_RESULT_MARKER, 1);
        return;
      }
      case GET_RESULT_MARKER: {
        // An SDK peer writes an error's reason length without the flag: reasonFlag 0 then zero bytes to the end.
        const marker = q.consumeUInt8();
        if (marker === 0) this.#expect(GET_PADDING, 1);
        else if (marker === MARKER_NONE) this.#expect(DONE, 0);
        else if (marker === MARKER_INFOTABLE) this.#enterTable(1);
        else throw this.#badMarker('content marker', marker);
        return;
      }
      case GET_PADDING:
        if (q.consumeUInt8() !== 0) throw this.#badMarker('content marker', 0);
        return;
      case GET_STRING_LENGTH: {
        const first = q.consumeUInt8();
        this.#longLengthHigh = first;
        if (first & 0x80) this.#expect(GET_STRING_LONG_LENGTH, 3);
        else this.#expect(GET_STRING, first);
        return;
      }
      case GET_STRING_LONG_LENGTH:
        this.#expect(GET_STRING, longStringLength(this.#longLengthHigh, q.consume(3), this.#limits));
        return;
      case GET_STRING:
        this.#stringDone(utf8(q.consume(this.#needed), STRING_LABELS[this.#stringFor] ?? 'string', this.#context));
        return;
      case GET_FIELD_MARKER: {
        const marker = q.consumeUInt8();
        const table = this.#top();
        if (marker === ENTRY_END) {
          table.inRows = true;
          this.#expect(GET_ROW_MARKER, 1);
        } else if (marker === ENTRY_MORE) {
          this.#count('maxFields', table.fields.length + 1);
          this.#readString(FIELD_NAME);
        } else {
          throw this.#badMarker('DataShape marker', marker);
        }
        return;
      }
      case GET_FIELD_BASE_TYPE: {
        const code = q.consumeUInt8();
        const baseType = baseTypeName(code);
        if (baseType === undefined)
          throw new AlwaysOnError('AO_ERR_UNSUPPORTED_TYPE', `unsupported field base type ${code}`, { ...this.#context, baseType: code });
        (this.#top().field as FieldDefinition).baseType = baseType;
        this.#expect(GET_ASPECT_COUNT, 2);
        return;
      }
      case GET_ASPECT_COUNT: {
        const table = this.#top();
        table.aspectsLeft = this.#count('maxAspects', q.consume(2).readUInt16BE(0));
        if (table.aspectsLeft === 0) this.#fieldDone(table);
        else this.#readString(ASPECT_NAME);
        return;
      }
      case GET_ROW_MARKER: {
        const marker = q.consumeUInt8();
        const table = this.#top();
        if (marker === ENTRY_END) {
          this.#tableDone();
        } else if (marker === ENTRY_MORE) {
          if (table.rows.length + 1 > this.#limits.maxRows)
            throw limitExceeded('AO_ERR_TOO_MANY', 'maxRows', table.rows.length + 1, this.#limits.maxRows);
          this.#expect(GET_ROW_FIELD_COUNT, 2);
        } else {
          throw this.#badMarker('row marker', marker);
        }
        return;
      }
      case GET_ROW_FIELD_COUNT: {
        const table = this.#top();
        const count = this.#count('maxFields', q.consume(2).readUInt16BE(0));
        if (count !== table.fields.length) {
          throw new AlwaysOnError('AO_ERR_BAD_VALUE', `a row of ${count} values for ${table.fields.length} fields`, {
            ...this.#context,
            row: table.rows.length,
          });
        }
        table.row = [];
        table.valuesLeft = count;
        if (count === 0) {
          table.rows.push(table.row);
          this.#expect(GET_ROW_MARKER, 1);
        } else {
          this.#expect(GET_BASE_TYPE, 1);
        }
        return;
      }
      case GET_BASE_TYPE:
        this.#startValue(q.consumeUInt8());
        return;
      case GET_NUMBER:
        this.#valueDone({ type: 'NUMBER', value: q.consume(8).readDoubleBE(0) });
        return;
      case GET_INTEGER:
        this.#valueDone({ type: 'INTEGER', value: q.consume(4).readInt32BE(0) });
        return;
      case GET_BOOLEAN: {
        const byte = q.consumeUInt8();
        if (byte > 1) throw new AlwaysOnError('AO_ERR_BAD_VALUE', `BOOLEAN byte 0x${hex(byte)}`, { ...this.#context, baseType: 2 });
        this.#valueDone({ type: 'BOOLEAN', value: byte === 1 });
        return;
      }
      case GET_DATETIME: {
        const value = q.consume(8).readBigUInt64BE(0);
        if (value > MAX_EXACT_U64) {
          throw new AlwaysOnError('AO_ERR_BAD_VALUE', `DATETIME ${value} is beyond the exact range of a number`, {
            ...this.#context,
            field: 'DATETIME',
          });
        }
        this.#valueDone({ type: 'DATETIME', value: Number(value) });
        return;
      }
      case GET_LOCATION: {
        const bytes = q.consume(24);
        this.#valueDone({
          type: 'LOCATION',
          value: { longitude: bytes.readDoubleBE(0), latitude: bytes.readDoubleBE(8), elevation: bytes.readDoubleBE(16) },
        });
        return;
      }
      case GET_BLOB_LENGTH: {
        const length = q.consumeUInt32();
        if (length > this.#limits.maxMessageBytes)
          throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', length, this.#limits.maxMessageBytes);
        this.#expect(GET_BLOB, length);
        return;
      }
      case GET_BLOB:
        this.#valueDone({ type: this.#valueType as 'BLOB' | 'IMAGE', value: Uint8Array.from(q.consume(this.#needed)) });
        return;
      default:
        throw new Error(`unreachable parser state ${this.#state}`);
    }
  }

  #stringDone(text: string): void {
    switch (this.#stringFor) {
      case CLAIM_NAME:
        this.#pendingName = text;
        this.#readString(CLAIM_VALUE);
        return;
      case CLAIM_VALUE:
        this.#claims.push({ name: this.#pendingName, value: text });
        if (--this.#left === 0) this.#expect(DONE, 0);
        else this.#readString(CLAIM_NAME);
        return;
      case GATEWAY_NAME:
        this.#pendingName = text;
        this.#readString(GATEWAY_TYPE);
        return;
      case GATEWAY_TYPE:
        this.#gateway = { name: this.#pendingName, type: text };
        this.#expect(GET_NAME_COUNT, 2);
        return;
      case THING_NAME:
        this.#names.push(text);
        if (--this.#left === 0) this.#expect(DONE, 0);
        else this.#readString(THING_NAME);
        return;
      case ENTITY:
        this.#entity = text;
        this.#expect(GET_CHARACTERISTIC, 1);
        return;
      case NAME:
        this.#name = text;
        this.#expect(GET_HEADER_COUNT, 1);
        return;
      case HEADER_NAME:
        this.#readString(HEADER_VALUE);
        return;
      case HEADER_VALUE:
        if (--this.#left === 0) this.#expect(GET_CONTENT_MARKER, 1);
        else this.#readString(HEADER_NAME);
        return;
      case REASON:
        this.#reason = text;
        this.#expect(GET_RESULT_MARKER, 1);
        return;
      case FIELD_NAME:
        this.#top().field = { name: text, description: '', baseType: 'NOTHING', aspects: [] };
        this.#readString(FIELD_DESCRIPTION);
        return;
      case FIELD_DESCRIPTION:
        (this.#top().field as FieldDefinition).description = text;
        this.#expect(GET_FIELD_BASE_TYPE, 1);
        return;
      case ASPECT_NAME:
        this.#top().aspectName = text;
        this.#expect(GET_BASE_TYPE, 1);
        return;
      case VALUE:
        this.#valueDone({ type: this.#valueType as 'STRING', value: text });
        return;
    }
  }

  /** A value's base type byte: which state reads its payload. */
  #startValue(code: number): void {
    const table = this.#top();
    const type = baseTypeName(code);
    if (type === undefined || (table.variant && (type === 'VARIANT' || type === 'NOTHING'))) {
      throw new AlwaysOnError('AO_ERR_UNSUPPORTED_TYPE', `unsupported base type ${code}${table.variant ? ' in a VARIANT' : ''}`, {
        ...this.#context,
        baseType: code,
      });
    }
    this.#valueType = type;
    switch (type) {
      case 'STRING':
      case 'XML':
      case 'JSON':
      case 'GUID':
      case 'THINGNAME':
        this.#readString(VALUE);
        return;
      case 'NUMBER':
        this.#expect(GET_NUMBER, 8);
        return;
      case 'INTEGER':
        this.#expect(GET_INTEGER, 4);
        return;
      case 'BOOLEAN':
        this.#expect(GET_BOOLEAN, 1);
        return;
      case 'DATETIME':
        this.#expect(GET_DATETIME, 8);
        return;
      case 'LOCATION':
        this.#expect(GET_LOCATION, 24);
        return;
      case 'BLOB':
      case 'IMAGE':
        this.#expect(GET_BLOB_LENGTH, 4);
        return;
      case 'INFOTABLE':
        this.#enterTable(table.depth + 1);
        return;
      case 'VARIANT':
        table.variant = true;
        this.#expect(GET_BASE_TYPE, 1);
        return;
      case 'NOTHING':
        this.#valueDone({ type });
        return;
    }
  }

  /** A value is read: it is an aspect's or a row's, in the innermost table. */
  #valueDone(read: Primitive): void {
    const table = this.#top();
    let value = read;
    if (table.variant) {
      table.variant = false;
      value = { type: 'VARIANT', value: read };
    }
    if (!table.inRows) {
      const field = table.field as FieldDefinition;
      field.aspects.push({ name: table.aspectName, value });
      if (--table.aspectsLeft === 0) this.#fieldDone(table);
      else this.#readString(ASPECT_NAME);
      return;
    }
    table.row.push(value);
    if (--table.valuesLeft === 0) {
      table.rows.push(table.row);
      this.#expect(GET_ROW_MARKER, 1);
    } else {
      this.#expect(GET_BASE_TYPE, 1);
    }
  }

  #enterTable(depth: number): void {
    if (depth > this.#limits.maxInfoTableDepth)
      throw limitExceeded('AO_ERR_TOO_DEEP', 'maxInfoTableDepth', depth, this.#limits.maxInfoTableDepth);
    this.#tables.push({
      depth,
      fields: [],
      rows: [],
      field: undefined,
      aspectsLeft: 0,
      aspectName: '',
      inRows: false,
      row: [],
      valuesLeft: 0,
      variant: false,
    });
    this.#expect(GET_FIELD_MARKER, 1);
  }

  #fieldDone(table: TableFrame): void {
    table.fields.push(table.field as FieldDefinition);
    table.field = undefined;
    this.#expect(GET_FIELD_MARKER, 1);
  }

  #tableDone(): void {
    const done = this.#tables.pop() as TableFrame;
    const table: InfoTable = { fields: done.fields, rows: done.rows };
    if (this.#tables.length > 0) {
      this.#valueDone({ type: 'INFOTABLE', value: table });
      return;
    }
    this.#table = table;
    this.#expect(DONE, 0);
  }

  #top(): TableFrame {
    return this.#tables[this.#tables.length - 1] as TableFrame;
  }

  #body(): Body {
    switch (this.#kind) {
      case 'auth':
        return { kind: 'auth', claims: this.#claims };
      case 'bind':
      case 'unbind':
        return this.#gateway ? { kind: this.#kind, gateway: this.#gateway, names: this.#names } : { kind: this.#kind, names: this.#names };
      case 'request': {
        const request = {
          kind: 'request' as const,
          method: this.#method as RequestMethod,
          entityType: this.#entityType,
          entity: this.#entity,
          characteristic: this.#characteristic,
          name: this.#name,
        };
        return this.#table ? { ...request, params: this.#table } : request;
      }
      case 'response': {
        const reason = this.#reason;
        const result = this.#table;
        if (result) return reason === undefined ? { kind: 'response', result } : { kind: 'response', reason, result };
        return reason === undefined ? { kind: 'response' } : { kind: 'response', reason };
      }
    }
  }
}

const FIRST_STATE: Readonly<Record<BodyKind, number>> = {
  auth: GET_CLAIM_COUNT,
  bind: GET_GATEWAY_FLAG,
  unbind: GET_GATEWAY_FLAG,
  request: GET_ENTITY_TYPE,
  response: GET_REASON_FLAG,
};

/** A long string's length: the flagged first byte and the three after it, checked against maxStringBytes. */
export function longStringLength(first: number, rest: Buffer, limits: Pick<AlwaysOnCodecLimits, 'maxStringBytes'>): number {
  const length = (((first << 24) | rest.readUIntBE(0, 3)) & ~LONG_STRING_FLAG) >>> 0;
  if (length > limits.maxStringBytes) throw limitExceeded('AO_ERR_STRING_TOO_LARGE', 'maxStringBytes', length, limits.maxStringBytes);
  return length;
}

/** Strict UTF-8 (the SDK writes UTF-8; anything else is a broken or hostile peer). */
export function utf8(bytes: Buffer, what: string, context: AlwaysOnErrorContext): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new AlwaysOnError('AO_ERR_BAD_STRING', `${what} is not UTF-8`, { ...context, field: what });
  }
}

export function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
