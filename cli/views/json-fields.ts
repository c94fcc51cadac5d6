/** Typed reads of untrusted JSON, each failure naming the field it is about. */

export class SnapshotError extends Error {
  readonly code = 'SNAPSHOT_BAD_FIELD';
  readonly field: string;

  constructor(field: string, expected: string) {
    super(`${field === '' ? 'the result' : field} is not ${expected}`);
    this.name = 'SnapshotError';
    this.field = field;
  }
}

export function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SnapshotError(field, 'an object');
  return value as Record<string, unknown>;
}

export function stringAt(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new SnapshotError(field, 'a string');
  return value;
}

export function numberAt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SnapshotError(field, 'a finite number');
  return value;
}

export function countAt(value: unknown, field: string): number {
  const number = numberAt(value, field);
  if (!Number.isInteger(number) || number < 0) throw new SnapshotError(field, 'a non-negative integer');
  return number;
}

/** Absent and null both read as undefined. */
export function optional<T>(value: unknown, field: string, read: (value: unknown, field: string) => T): T | undefined {
  return value === undefined || value === null ? undefined : read(value, field);
}

export function arrayAt<T>(value: unknown, field: string, read: (item: unknown, field: string) => T): T[] {
  if (!Array.isArray(value)) throw new SnapshotError(field, 'an array');
  return value.map((item, index) => read(item, `${field}[${index}]`));
}

export function oneOfAt<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new SnapshotError(field, `one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function countsAt(value: unknown, field: string): Record<string, number> {
  const record = objectAt(value, field);
  return Object.fromEntries(Object.entries(record).map(([key, count]) => [key, countAt(count, `${field}.${key}`)]));
}
