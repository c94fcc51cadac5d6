/**
 * Guards for reading values that have not been validated yet (parsed files, half-valid configs during
 * cross-checks). Each answers a narrower type or a miss, never throws.
 */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function recordAt(value: unknown, key: string): Record<string, unknown> | undefined {
  if (!isPlainRecord(value)) return undefined;
  const inner = value[key];
  return isPlainRecord(inner) ? inner : undefined;
}

export function arrayAt(value: unknown, key: string): unknown[] {
  if (!isPlainRecord(value)) return [];
  const inner = value[key];
  return Array.isArray(inner) ? inner : [];
}

export function stringAt(value: unknown, key: string): string | undefined {
  if (!isPlainRecord(value)) return undefined;
  const inner = value[key];
  return typeof inner === 'string' ? inner : undefined;
}

export function numberAt(value: unknown, key: string): number | undefined {
  if (!isPlainRecord(value)) return undefined;
  const inner = value[key];
  return typeof inner === 'number' && Number.isFinite(inner) ? inner : undefined;
}
