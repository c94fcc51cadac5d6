/**
 * AlwaysOn wire constants (PROTOCOLS.md §3): the binary protocol of the ThingWorx Edge SDKs over WebSocket.
 * Big-endian throughout. Only what the facts state is here; anything else is refused by the reader.
 */

export const PROTOCOL_VERSION = 0x01;

/** version u8, code u8, requestId u32, endpointId u32, sessionId u32, multipart flag u8. */
export const HEADER_BYTES = 15;
/** chunkId u16, chunkCount u16, chunkSize u16 after the header when the multipart flag is set. */
export const CHUNK_INFO_BYTES = 6;
export const MULTIPART_HEADER_BYTES = HEADER_BYTES + CHUNK_INFO_BYTES;

/** AUTH goes out before there is a session. */
export const NO_SESSION_ID = 0xffff_ffff;

export const Code = {
  GET: 0x01,
  PUT: 0x02,
  POST: 0x03,
  DELETE: 0x04,
  BIND: 0x0a,
  UNBIND: 0x0b,
  AUTH: 0x14,
  /** Exists as a code, but keep-alive is the WebSocket ping: the reader refuses it as the SDK does. */
  KEEP_ALIVE: 0x1f,
  SUCCESS: 0x40,
  BAD_REQUEST: 0x80,
  UNAUTHORIZED: 0x81,
  FORBIDDEN: 0x83,
  NOT_FOUND: 0x84,
  METHOD_NOT_ALLOWED: 0x85,
  ENTITY_TOO_LARGE: 0x8d,
  INTERNAL_SERVER_ERROR: 0xa0,
  NOT_IMPLEMENTED: 0xa1,
  SERVICE_UNAVAILABLE: 0xa3,
} as const;

/** Any code at or above this is a response; at or above RESPONSE_REFUSAL a refusal. */
export const RESPONSE_MIN_CODE = 0x40;
export const RESPONSE_REFUSAL = 0x80;

export type RequestMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export const METHOD_CODES: Readonly<Record<RequestMethod, number>> = {
  GET: Code.GET,
  PUT: Code.PUT,
  POST: Code.POST,
  DELETE: Code.DELETE,
};

/** METHOD_CODES read backwards: the method a request code names, or undefined for any other code. */
const METHOD_OF_CODE: ReadonlyMap<number, RequestMethod> = new Map(
  (Object.entries(METHOD_CODES) as [RequestMethod, number][]).map(([method, code]) => [code, method]),
);

export function methodOfCode(code: number): RequestMethod | undefined {
  return METHOD_OF_CODE.get(code);
}

/** Entity types of a request; the adapter only ever addresses Things. */
export const ENTITY_THING = 0x0a;

export const Characteristic = { PROPERTIES: 1, SERVICES: 2, EVENTS: 3 } as const;

/** Before a request's or response's InfoTable; NONE says there is none. */
export const MARKER_INFOTABLE = 0x05;
export const MARKER_NONE = 0xff;

/** In a DataShape and in the rows: one more entry follows, or the list ends. */
export const ENTRY_MORE = 0x01;
export const ENTRY_END = 0x00;

/** Base types as they go on the wire. */
export const BaseType = {
  STRING: 0,
  NUMBER: 1,
  BOOLEAN: 2,
  DATETIME: 3,
  INFOTABLE: 5,
  LOCATION: 6,
  XML: 7,
  JSON: 8,
  IMAGE: 10,
  VARIANT: 18,
  GUID: 20,
  BLOB: 21,
  INTEGER: 22,
  THINGNAME: 100,
  NOTHING: 0xff,
} as const;

/** A string whose length is below this takes one length byte; longer ones four, with this bit set in the first. */
export const SHORT_STRING_MAX = 127;
export const LONG_STRING_FLAG = 0x8000_0000;
