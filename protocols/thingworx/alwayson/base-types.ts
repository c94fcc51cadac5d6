import type { BaseTypeName } from './message.js';
import { BaseType } from './wire.js';

export const BASE_TYPE_CODES: Readonly<Record<BaseTypeName, number>> = {
  STRING: BaseType.STRING,
  NUMBER: BaseType.NUMBER,
  BOOLEAN: BaseType.BOOLEAN,
  DATETIME: BaseType.DATETIME,
  INFOTABLE: BaseType.INFOTABLE,
  LOCATION: BaseType.LOCATION,
  XML: BaseType.XML,
  JSON: BaseType.JSON,
  IMAGE: BaseType.IMAGE,
  VARIANT: BaseType.VARIANT,
  GUID: BaseType.GUID,
  BLOB: BaseType.BLOB,
  INTEGER: BaseType.INTEGER,
  THINGNAME: BaseType.THINGNAME,
  NOTHING: BaseType.NOTHING,
};

const NAMES_BY_CODE: ReadonlyMap<number, BaseTypeName> = new Map(
  Object.entries(BASE_TYPE_CODES).map(([name, code]) => [code, name as BaseTypeName]),
);

/** The name of a base type code this codec knows, or undefined (TIMESPAN and the rest are refused). */
export function baseTypeName(code: number): BaseTypeName | undefined {
  return NAMES_BY_CODE.get(code);
}
