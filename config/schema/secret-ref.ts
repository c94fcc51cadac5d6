/**
 * A secret in the config is a reference, `{ file: PATH }` or `{ env: NAME }`, never the secret itself.
 * Every message here is written without the value: an inline string may be the real key.
 */
import { isAbsolute } from 'node:path';
import { ValidationError, mixed } from 'yup';
import { childPath } from '../issues.js';
import type { SecretRef } from '../types.js';
import { isPlainRecord } from '../untrusted.js';

/** How the error message tells the operator to supply this secret. */
export interface SecretExample {
  /** The key as written in the config, e.g. "appKey". */
  key: string;
  file: string;
  env: string;
}

/** A fixed example, or one made from the object holding the secret (a printer's own id). */
export type SecretExampleSource = SecretExample | ((parent: unknown) => SecretExample);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function problems(value: unknown, path: string, example: SecretExample): ValidationError[] {
  const at = (where: string, message: string) => new ValidationError(message, undefined, where, 'secret-ref');
  const howTo = `use ${example.key}: { file: ${example.file} } or ${example.key}: { env: ${example.env} }`;
  if (!isPlainRecord(value)) {
    const inline = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    return [at(path, inline ? `inline secrets are not accepted; ${howTo}` : `must be { file: PATH } or { env: NAME }; ${howTo}`)];
  }
  const found: ValidationError[] = [];
  for (const key of Object.keys(value)) {
    if (key !== 'file' && key !== 'env') found.push(at(childPath(path, key), 'unknown key'));
  }
  const hasFile = 'file' in value;
  const hasEnv = 'env' in value;
  if (hasFile && hasEnv) found.push(at(path, 'give either file or env, not both'));
  if (!hasFile && !hasEnv) found.push(at(path, `must be { file: PATH } or { env: NAME }; ${howTo}`));
  if (hasFile) {
    const file = value.file;
    if (typeof file !== 'string' || !isAbsolute(file) || file.includes('\0')) {
      found.push(at(childPath(path, 'file'), 'must be an absolute path'));
    }
  }
  if (hasEnv) {
    const env = value.env;
    if (typeof env !== 'string' || !ENV_NAME.test(env) || env.length > 128) {
      found.push(at(childPath(path, 'env'), 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)'));
    }
  }
  return found;
}

export function secretRef(example: SecretExampleSource) {
  return mixed<SecretRef>()
    .transform((value: unknown) => (value === null ? undefined : value))
    .test({
      name: 'secret-ref',
      skipAbsent: true,
      test(value, ctx) {
        const found = problems(value as unknown, ctx.path ?? '', typeof example === 'function' ? example(ctx.parent) : example);
        return found.length === 0 ? true : new ValidationError(found);
      },
    });
}

export function isSecretRef(value: unknown): value is SecretRef {
  if (!isPlainRecord(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1) return false;
  return typeof value.file === 'string' || typeof value.env === 'string';
}
