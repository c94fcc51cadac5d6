import type { RequestMethod } from './wire.js';

/** One value as it travels: its base type and the JS form of its payload. */
export type Primitive =
  | { type: 'STRING' | 'XML' | 'JSON' | 'GUID' | 'THINGNAME'; value: string }
  | { type: 'NUMBER'; value: number }
  | { type: 'INTEGER'; value: number }
  | { type: 'BOOLEAN'; value: boolean }
  /** ms since epoch, unsigned on the wire */
  | { type: 'DATETIME'; value: number }
  | { type: 'LOCATION'; value: { longitude: number; latitude: number; elevation: number } }
  | { type: 'BLOB' | 'IMAGE'; value: Uint8Array }
  | { type: 'INFOTABLE'; value: InfoTable }
  | { type: 'VARIANT'; value: Primitive }
  | { type: 'NOTHING' };

export type BaseTypeName = Primitive['type'];

export interface FieldDefinition {
  name: string;
  description: string;
  baseType: BaseTypeName;
  aspects: Array<{ name: string; value: Primitive }>;
}

/** Row values are in DataShape order; the wire does not name them. */
export interface InfoTable {
  fields: FieldDefinition[];
  rows: Primitive[][];
}

export interface Header {
  code: number;
  requestId: number;
  endpointId: number;
  sessionId: number;
}

export interface ChunkInfo {
  chunkId: number;
  chunkCount: number;
  chunkSize: number;
}

/** What one whole (reassembled) message says. */
export type Body =
  | { kind: 'auth'; claims: Array<{ name: string; value: string }> }
  | { kind: 'bind' | 'unbind'; gateway?: { name: string; type: string }; names: string[] }
  | {
      kind: 'request';
      method: RequestMethod;
      entityType: number;
      entity: string;
      characteristic: number;
      name: string;
      params?: InfoTable;
    }
  | { kind: 'response'; reason?: string; result?: InfoTable };

export interface Message {
  header: Header;
  body: Body;
}
