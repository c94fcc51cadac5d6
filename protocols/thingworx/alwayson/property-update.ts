import { baseTypeOf, checkedWireValue, encodeVtqRow } from '../named-vtq.js';
import type { VtqRow } from '../types.js';
import { BASE_TYPE_CODES } from './base-types.js';
import { ByteWriter, encodedStringBytes } from './byte-writer.js';
import type { AlwaysOnCodecLimits } from './limits.js';
import type { FieldDefinition, Header, InfoTable, Primitive } from './message.js';
import { BaseType, Characteristic, Code, ENTITY_THING, ENTRY_END, ENTRY_MORE, MARKER_INFOTABLE, SHORT_STRING_MAX } from './wire.js';
import { framesOf, messageWriter, writeInfoTable } from './writer.js';

/**
 * The params of `UpdateSubscribedPropertyValues` (PROTOCOLS.md §3): an InfoTable with one INFOTABLE field `values`
 * whose one row holds the NamedVTQ table — the same rows, checked and normalised by the same code, as the REST body
 * (named-vtq.ts). The value is a VARIANT carrying the row's base type, so ThingWorx need not guess it.
 */

export const PROPERTY_UPDATE_SERVICE = 'UpdateSubscribedPropertyValues';

const field = (name: string, baseType: FieldDefinition['baseType']): FieldDefinition => ({ name, description: '', baseType, aspects: [] });

export const NAMED_VTQ_FIELDS: readonly FieldDefinition[] = Object.freeze([
  field('name', 'STRING'),
  field('value', 'VARIANT'),
  field('time', 'DATETIME'),
  field('quality', 'STRING'),
]);

const VALUES_FIELDS: readonly FieldDefinition[] = Object.freeze([field('values', 'INFOTABLE')]);

function typedValue(row: VtqRow, value: number | string | boolean): Primitive {
  switch (baseTypeOf(row)) {
    case 'NUMBER':
      return { type: 'NUMBER', value: value as number };
    case 'INTEGER':
      return { type: 'INTEGER', value: value as number };
    case 'BOOLEAN':
      return { type: 'BOOLEAN', value: value as boolean };
    case 'DATETIME':
      return { type: 'DATETIME', value: value as number };
    default:
      return { type: 'STRING', value: String(value) };
  }
}

/** The params table; throws VtqEncodingError for a row that cannot be sent, as the REST encoder does. */
export function propertyUpdateParams(rows: readonly VtqRow[]): InfoTable {
  const vtq: Primitive[][] = rows.map((row, index) => {
    const wire = encodeVtqRow(row, index);
    return [
      { type: 'STRING', value: wire.name },
      { type: 'VARIANT', value: typedValue(row, wire.value) },
      { type: 'DATETIME', value: wire.time },
      { type: 'STRING', value: wire.quality },
    ];
  });
  return {
    fields: [...VALUES_FIELDS],
    rows: [[{ type: 'INFOTABLE', value: { fields: [...NAMED_VTQ_FIELDS], rows: vtq } }]],
  };
}

/** The NamedVTQ rows of a decoded `UpdateSubscribedPropertyValues` params table (the stand-in's side), or a reason. */
export function vtqRowsOfParams(params: InfoTable | undefined): { rows: VtqRow[] } | { error: string } {
  const values = params?.fields.findIndex((f) => f.name === 'values' && f.baseType === 'INFOTABLE') ?? -1;
  const cell = values >= 0 ? params?.rows[0]?.[values] : undefined;
  if (params?.rows.length !== 1 || cell?.type !== 'INFOTABLE') return { error: 'params need one INFOTABLE field "values" with one row' };
  const table = cell.value;
  const at = (name: string) => table.fields.findIndex((f) => f.name === name);
  const [iName, iValue, iTime, iQuality] = [at('name'), at('value'), at('time'), at('quality')];
  if (iName < 0 || iValue < 0 || iTime < 0 || iQuality < 0) return { error: 'the values table is not a NamedVTQ' };
  const rows: VtqRow[] = [];
  for (const row of table.rows) {
    const name = row[iName];
    const quality = row[iQuality];
    const time = row[iTime];
    let value = row[iValue];
    if (value?.type === 'VARIANT') value = value.value;
    if (name?.type !== 'STRING' || quality?.type !== 'STRING' || time?.type !== 'DATETIME' || value === undefined) {
      return { error: 'a NamedVTQ row has a field of the wrong type' };
    }
    if (
      value.type !== 'NUMBER' &&
      value.type !== 'INTEGER' &&
      value.type !== 'BOOLEAN' &&
      value.type !== 'DATETIME' &&
      value.type !== 'STRING'
    ) {
      return { error: `a NamedVTQ value of type ${value.type}` };
    }
    if (quality.value !== 'GOOD' && quality.value !== 'BAD' && quality.value !== 'UNKNOWN') return { error: `quality ${quality.value}` };
    rows.push({ name: name.value, value: value.value, time: time.value, quality: quality.value, baseType: value.type });
  }
  return { rows };
}

/**
 * The DataShapes in front of the rows, the same for every push: outer `values` (INFOTABLE), its one row's marker and
 * INFOTABLE value type, then the NamedVTQ DataShape. Written once with the generic writer.
 */
const DEFAULT_PREAMBLE_LIMITS: AlwaysOnCodecLimits = {
  chunkSize: 8192,
  maxMessageBytes: 4096,
  maxStringBytes: 4096,
  maxInfoTableDepth: 2,
  maxFields: 4,
  maxRows: 1,
  maxAspects: 0,
  maxBindNames: 0,
  maxHeaders: 0,
  maxPartialMessages: 0,
};

const PUSH_PREAMBLE: Buffer = (() => {
  const out = new ByteWriter(4096, 4096);
  writeInfoTable(out, { fields: [...VALUES_FIELDS], rows: [] }, 1, DEFAULT_PREAMBLE_LIMITS);
  // writeInfoTable ended the (empty) rows with 00: replace that end by the one row holding the nested table.
  const shape = out.take().subarray(0, -1);
  const inner = new ByteWriter(4096, 4096);
  writeInfoTable(inner, { fields: [...NAMED_VTQ_FIELDS], rows: [] }, 2, DEFAULT_PREAMBLE_LIMITS);
  const innerShape = inner.take().subarray(0, -1);
  return Buffer.concat([shape, Buffer.from([ENTRY_MORE, 0, 1, BaseType.INFOTABLE]), innerShape]);
})();

/** Property names and qualities repeat in every push: their wire form (length + UTF-8) is kept, up to a bound. */
const NAME_CACHE_ENTRIES = 4096;
const encodedNames = new Map<string, Buffer>();

/** Writes a name as a string, from the cache when it is short; a long one goes through the writer's limits each time. */
function writeName(out: ByteWriter, text: string): void {
  const cached = encodedNames.get(text);
  if (cached !== undefined) {
    out.bytes(cached);
    return;
  }
  if (text.length > SHORT_STRING_MAX) {
    out.string(text);
    return;
  }
  const bytes = new ByteWriter(SHORT_STRING_MAX * 4, SHORT_STRING_MAX * 4, 64).string(text).take();
  if (bytes.length > SHORT_STRING_MAX + 1) {
    // Short in characters, long in UTF-8 bytes: written as a long string each time.
    out.string(text);
    return;
  }
  if (encodedNames.size >= NAME_CACHE_ENTRIES) encodedNames.clear();
  encodedNames.set(text, bytes);
  out.bytes(bytes);
}

/**
 * The frames of `UpdateSubscribedPropertyValues` for one Thing, written straight from the rows: the same bytes as
 * encodeMessage over propertyUpdateParams (a test holds them equal), without an object per value on the way. Rows are
 * checked as the REST body's are (VtqEncodingError).
 */
export function encodePropertyUpdate(
  header: Omit<Header, 'code'>,
  thing: string,
  rows: readonly VtqRow[],
  limits: AlwaysOnCodecLimits,
): Buffer[] {
  const out = messageWriter(limits);
  out.u8(ENTITY_THING).string(thing).u8(Characteristic.SERVICES).string(PROPERTY_UPDATE_SERVICE).u8(0).u8(MARKER_INFOTABLE);
  out.bytes(PUSH_PREAMBLE);
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as VtqRow;
    const value = checkedWireValue(row, index);
    out.u8(ENTRY_MORE).u16(4).u8(BaseType.STRING);
    writeName(out, row.name);
    out.u8(BaseType.VARIANT);
    const baseType = baseTypeOf(row);
    out.u8(BASE_TYPE_CODES[baseType]);
    switch (baseType) {
      case 'NUMBER':
        out.f64(value as number);
        break;
      case 'INTEGER':
        out.i32(value as number);
        break;
      case 'BOOLEAN':
        out.u8(value ? 1 : 0);
        break;
      case 'DATETIME':
        out.u64(value as number);
        break;
      default:
        out.string(String(value));
    }
    out.u8(BaseType.DATETIME).u64(Math.round(row.time)).u8(BaseType.STRING);
    writeName(out, row.quality);
  }
  out.u8(ENTRY_END).u8(ENTRY_END);
  return framesOf(out, { ...header, code: Code.POST }, Code.POST, 1 + encodedStringBytes(thing), limits);
}
