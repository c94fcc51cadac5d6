/**
 * The field schemas every section is built from. Two choices hold throughout:
 * - no coercion: yup's string() and number() turn '5' into 5 and 5 into '5' (and ignore a cloned
 *   `coerce: false`), so scalars are mixed() with a type guard; a config is typed input, so a wrong
 *   type is an error, not a guess;
 * - messages are plain phrases without the value ("must be a number"), because a wrong value can be a
 *   secret pasted into the wrong place. config/issues.ts puts the path in front.
 * An empty YAML value (`key:`) counts as absent, so a default applies or "is required" is reported.
 */
import { isAbsolute } from 'node:path';
import { type ISchema, type Lazy, type ObjectShape, ValidationError, array, lazy, mixed, object } from 'yup';
import { CONFIG_LIMITS } from '../defaults.js';
import { childPath } from '../issues.js';
import { isPlainRecord } from '../untrusted.js';

const nullAsAbsent = (value: unknown): unknown => (value === null ? undefined : value);

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';

export interface TextRules {
  maxLength?: number;
  pattern?: RegExp;
  /** What pattern means, for the message: "must be <describe>". */
  describe?: string;
}

/** A non-empty string. */
export function text(rules: TextRules = {}) {
  const { maxLength = 4096, pattern, describe = `text matching ${String(pattern)}` } = rules;
  return mixed<string>(isString)
    .typeError('must be a string')
    .transform(nullAsAbsent)
    .test('non-empty', 'must not be empty', (value) => value === undefined || value.length > 0)
    .test('max-length', `must be at most ${maxLength} characters`, (value) => value === undefined || value.length <= maxLength)
    .test('pattern', `must be ${describe}`, (value) => value === undefined || value === '' || pattern === undefined || pattern.test(value));
}

export function list<T>(item: ISchema<T>) {
  return array(item).typeError('must be a list').transform(nullAsAbsent);
}

export function oneOf<T extends string>(values: readonly T[]) {
  return mixed<T>((value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value))
    .typeError(`must be one of ${values.join(', ')}`)
    .transform(nullAsAbsent);
}

/** A finite number within min..max. */
export function decimal(min: number = -Number.MAX_VALUE, max: number = Number.MAX_VALUE) {
  return mixed<number>(isNumber)
    .typeError('must be a number')
    .transform(nullAsAbsent)
    .test('min', `must be at least ${min}`, (value) => value === undefined || value >= min)
    .test('max', `must be at most ${max}`, (value) => value === undefined || value <= max);
}

export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return decimal(min, max).test('integer', 'must be a whole number', (value) => value === undefined || Number.isInteger(value));
}

/** A duration in milliseconds that a timer can honour. */
export function durationMs(min: number = CONFIG_LIMITS.minDurationMs) {
  return integer(min, CONFIG_LIMITS.maxDurationMs);
}

/** A positive count (entries, bytes, rows). */
export function count() {
  return integer(1);
}

export function flag() {
  return mixed<boolean>(isBoolean).typeError('must be true or false').transform(nullAsAbsent);
}

/** Absolute, so that what the daemon opens does not depend on the directory it was started from. */
export function absolutePath() {
  return text({ maxLength: 4096 }).test(
    'absolute',
    'must be an absolute path',
    (value) => value === undefined || (isAbsolute(value) && !value.includes('\0')),
  );
}

/**
 * yup writes an object's keys in the reverse of the shape's order; handing it the shape reversed makes
 * a validated config list its keys as written (the config view shows it), not backwards.
 */
function inOutputOrder<S extends ObjectShape>(shape: S): S {
  return Object.fromEntries(Object.entries(shape).reverse()) as S;
}

function unknownKeysError(value: unknown, known: ReadonlySet<string>, path: string | undefined, message: string) {
  if (!isPlainRecord(value)) return true;
  const unknown = Object.keys(value).filter((key) => !known.has(key));
  if (unknown.length === 0) return true;
  return new ValidationError(unknown.map((key) => new ValidationError(message, undefined, childPath(path, key), 'unknown-key')));
}

/**
 * An object whose every key must be known: a misspelt key would otherwise fall back to a default
 * silently. Each unknown key is its own error at its own path.
 */
export function closedObject<S extends ObjectShape>(shape: S, unknownKeyMessage = 'unknown key') {
  const known = new Set(Object.keys(shape));
  return object(inOutputOrder(shape))
    .typeError('must be a mapping')
    .transform(nullAsAbsent)
    .test({
      name: 'known-keys',
      skipAbsent: true,
      test: (value, ctx) => unknownKeysError(value, known, ctx.path, unknownKeyMessage),
    });
}

/**
 * A mapping with keys chosen by the user (families, items): every key must match keyPattern, every
 * value the value schema. Errors carry the key in their path.
 */
export function recordOf<T>(
  value: ISchema<T>,
  keys: { pattern: RegExp; describe: string; nonEmpty: boolean; maxEntries: number },
): Lazy<Record<string, T>> {
  const schema = lazy((input: unknown) => {
    const present = isPlainRecord(input) ? Object.keys(input) : [];
    const shape: ObjectShape = Object.fromEntries(present.map((key) => [key, value]));
    return object(inOutputOrder(shape))
      .typeError('must be a mapping')
      .transform(nullAsAbsent)
      .required('is required')
      .test({
        name: 'record-keys',
        skipAbsent: true,
        test: (_value, ctx) => {
          if (keys.nonEmpty && present.length === 0) return ctx.createError({ message: 'must not be empty' });
          if (present.length > keys.maxEntries) return ctx.createError({ message: `must have at most ${keys.maxEntries} entries` });
          const bad = present.filter((key) => key.length > 128 || !keys.pattern.test(key));
          if (bad.length === 0) return true;
          return new ValidationError(
            bad.map((key) => new ValidationError(`key must be ${keys.describe}`, undefined, childPath(ctx.path, key), 'record-key')),
          );
        },
      });
  });
  // The shape is built per value, so yup cannot infer the entry type; it is the value schema's output.
  return schema as unknown as Lazy<Record<string, T>>;
}
