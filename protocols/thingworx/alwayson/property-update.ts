import { baseTypeOf, encodeVtqRow } from '../named-vtq.js';
import type { VtqRow } from '../types.js';
import type { FieldDefinition, InfoTable, Primitive } from './message.js';

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
    if (value.type !== 'NUMBER' && value.type !== 'INTEGER' && value.type !== 'BOOLEAN' && value.type !== 'DATETIME' && value.type !== 'STRING') {
      return { error: `a NamedVTQ value of type ${value.type}` };
    }
    if (quality.value !== 'GOOD' && quality.value !== 'BAD' && quality.value !== 'UNKNOWN') return { error: `quality ${quality.value}` };
    rows.push({ name: name.value, value: value.value, time: time.value, quality: quality.value, baseType: value.type });
  }
  return { rows };
}
