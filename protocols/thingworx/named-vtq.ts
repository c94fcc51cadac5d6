import type { Quality, ValueType } from '../readings.js';
import type { VtqRow } from './types.js';

/**
 * NamedVTQ InfoTable encoding for `UpdatePropertyValues` (PROTOCOLS.md §2). Pure: rows in, JSON text out.
 *
 * How typed values travel: the InfoTable's `value` field is a VARIANT and each row's value is sent as a
 * plain JSON primitive (the form of PTC's documented example); ThingWorx converts it to the base type
 * of the target property. The item's base type decides how the value is normalised and checked here:
 * - NUMBER: a finite number.
 * - INTEGER: a whole number within the 32-bit range ThingWorx INTEGER holds.
 * - BOOLEAN: true or false.
 * - STRING: a string; numbers and booleans are sent as their text.
 * - DATETIME: ms since epoch as a whole number; an ISO-8601 string is converted to ms.
 * Anything else (NaN, Infinity, a string for a NUMBER…) is refused before sending, because
 * `JSON.stringify` would turn it into `null` and ThingWorx refuses null values.
 */

export type WireValue = number | string | boolean;

export interface WireVtqRow {
  name: string;
  value: WireValue;
  time: number;
  quality: Quality;
}

/** The DataShape every NamedVTQ InfoTable carries. */
export const NAMED_VTQ_FIELD_DEFINITIONS = {
  name: { name: 'name', baseType: 'STRING' },
  value: { name: 'value', baseType: 'VARIANT' },
  time: { name: 'time', baseType: 'DATETIME' },
  quality: { name: 'quality', baseType: 'STRING' },
} as const;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const QUALITIES: ReadonlySet<string> = new Set<Quality>(['GOOD', 'BAD', 'UNKNOWN']);

/** A row that cannot be sent as it is. */
export class VtqEncodingError extends Error {
  readonly code = 'TWX_ROW_INVALID';
  constructor(
    readonly rowIndex: number,
    readonly property: string,
    readonly reason: string,
  ) {
    super(`row ${rowIndex} (${property}): ${reason}`);
    this.name = 'VtqEncodingError';
  }
}

/** The base type a row is sent as: its own, or inferred from the JS value. */
export function baseTypeOf(row: VtqRow): ValueType {
  if (row.baseType) return row.baseType;
  switch (typeof row.value) {
    case 'number':
      return 'NUMBER';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'STRING';
  }
}

/** The value as it goes on the wire, or the reason it cannot. */
function wireValue(value: unknown, baseType: ValueType): { ok: true; value: WireValue } | { ok: false; reason: string } {
  switch (baseType) {
    case 'NUMBER':
      return typeof value === 'number' && Number.isFinite(value)
        ? { ok: true, value }
        : { ok: false, reason: `NUMBER needs a finite number, got ${describe(value)}` };
    case 'INTEGER':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX
        ? { ok: true, value }
        : { ok: false, reason: `INTEGER needs a whole number within 32 bits, got ${describe(value)}` };
    case 'BOOLEAN':
      return typeof value === 'boolean' ? { ok: true, value } : { ok: false, reason: `BOOLEAN needs true or false, got ${describe(value)}` };
    case 'STRING':
      if (typeof value === 'string') return { ok: true, value };
      if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) };
      return { ok: false, reason: `STRING needs text, got ${describe(value)}` };
    case 'DATETIME': {
      const ms = typeof value === 'string' ? Date.parse(value) : value;
      return typeof ms === 'number' && Number.isFinite(ms)
        ? { ok: true, value: Math.round(ms) }
        : { ok: false, reason: `DATETIME needs ms since epoch or an ISO-8601 string, got ${describe(value)}` };
    }
    default:
      return { ok: false, reason: `unsupported base type ${describe(baseType)}` };
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 32 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return typeof value;
}

/** Normalises one row; throws VtqEncodingError when it cannot be sent. */
export function encodeVtqRow(row: VtqRow, rowIndex: number): WireVtqRow {
  if (typeof row.name !== 'string' || row.name.length === 0) {
    throw new VtqEncodingError(rowIndex, String(row.name), 'property name must be a non-empty string');
  }
  const value = wireValue(row.value, baseTypeOf(row));
  if (!value.ok) throw new VtqEncodingError(rowIndex, row.name, value.reason);
  if (typeof row.time !== 'number' || !Number.isFinite(row.time)) {
    throw new VtqEncodingError(rowIndex, row.name, `time needs ms since epoch, got ${describe(row.time)}`);
  }
  if (!QUALITIES.has(row.quality)) {
    throw new VtqEncodingError(rowIndex, row.name, `quality must be GOOD, BAD or UNKNOWN, got ${describe(row.quality)}`);
  }
  return { name: row.name, value: value.value, time: Math.round(row.time), quality: row.quality };
}

/** The InfoTable object for these rows, order kept. */
export function encodeNamedVtqTable(rows: readonly VtqRow[]): {
  dataShape: { fieldDefinitions: typeof NAMED_VTQ_FIELD_DEFINITIONS };
  rows: WireVtqRow[];
} {
  return { dataShape: { fieldDefinitions: NAMED_VTQ_FIELD_DEFINITIONS }, rows: rows.map(encodeVtqRow) };
}

/** The JSON body of `UpdatePropertyValues`: `{"values": <NamedVTQ InfoTable>}`. */
export function encodeUpdatePropertyValuesBody(rows: readonly VtqRow[]): string {
  return JSON.stringify({ values: encodeNamedVtqTable(rows) });
}
