/**
 * Secrets (the ThingWorx app key, push tokens, key passphrases) are resolved at run time from the
 * file or environment variable the config names. Errors name the source, never the value.
 */
import { CappedFileError, readCappedFile } from './capped-file.js';
import { CONFIG_LIMITS } from './defaults.js';
import { childPath } from './issues.js';
import type { AdapterConfig, SecretRef } from './types.js';

export type SecretErrorCode =
  | 'SECRET_ENV_UNSET'
  | 'SECRET_FILE_NOT_FOUND'
  | 'SECRET_FILE_UNREADABLE'
  | 'SECRET_FILE_TOO_LARGE'
  | 'SECRET_EMPTY'
  | 'SECRET_INVALID';

export class SecretError extends Error {
  override readonly name = 'SecretError';

  constructor(
    readonly code: SecretErrorCode,
    /** Where the secret was to come from, e.g. "environment variable TWX_APP_KEY". */
    readonly source: string,
    reason: string,
  ) {
    super(`${source} ${reason}`);
  }
}

export interface ResolveSecretOptions {
  /** The environment to read `{ env }` from; process.env by default. */
  env?: NodeJS.ProcessEnv;
  maxBytes?: number;
}

export function describeSecretSource(ref: SecretRef): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
}

const FILE_ERROR_CODES: Readonly<Record<CappedFileError['code'], SecretErrorCode>> = {
  FILE_NOT_FOUND: 'SECRET_FILE_NOT_FOUND',
  FILE_UNREADABLE: 'SECRET_FILE_UNREADABLE',
  FILE_NOT_REGULAR: 'SECRET_FILE_UNREADABLE',
  FILE_TOO_LARGE: 'SECRET_FILE_TOO_LARGE',
};

async function readSecretFile(path: string, source: string, maxBytes: number): Promise<string> {
  try {
    return (await readCappedFile(path, maxBytes)).toString('utf8');
  } catch (error) {
    if (error instanceof CappedFileError) throw new SecretError(FILE_ERROR_CODES[error.code], source, error.reason);
    throw error;
  }
}

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * The secret's value, trimmed (files usually end with a newline). Refuses empty values and control
 * characters inside: a line break in an app key would otherwise end up in an HTTP header.
 */
export async function resolveSecret(ref: SecretRef, options: ResolveSecretOptions = {}): Promise<string> {
  const source = describeSecretSource(ref);
  let raw: string;
  if ('env' in ref) {
    const value = (options.env ?? process.env)[ref.env];
    if (value === undefined) throw new SecretError('SECRET_ENV_UNSET', source, 'is not set');
    raw = value;
  } else {
    raw = await readSecretFile(ref.file, source, options.maxBytes ?? CONFIG_LIMITS.maxSecretFileBytes);
  }
  const value = raw.trim();
  if (value === '') throw new SecretError('SECRET_EMPTY', source, 'is empty');
  if (hasControlCharacter(value))
    throw new SecretError('SECRET_INVALID', source, 'contains control characters (a line break inside the value?)');
  return value;
}

export interface SecretSlot {
  /** Where the reference sits in the config, e.g. `printers[2].pushToken`. */
  path: string;
  ref: SecretRef;
}

/** Every secret reference in a config, with its path. */
export function secretSlots(config: AdapterConfig): SecretSlot[] {
  const slots: SecretSlot[] = [{ path: 'thingworx.appKey', ref: config.thingworx.appKey }];
  const optional = (path: string, ref: SecretRef | undefined) => {
    if (ref !== undefined) slots.push({ path, ref });
  };
  optional('thingworx.tls.keyPassphrase', config.thingworx.tls.keyPassphrase);
  optional('listeners.beats.tls.keyPassphrase', config.listeners.beats.tls?.keyPassphrase);
  optional('listeners.push.tls.keyPassphrase', config.listeners.push.tls?.keyPassphrase);
  config.printers.forEach((printer, index) => {
    optional(childPath(childPath('printers', index), 'pushToken'), printer.pushToken);
  });
  return slots;
}

/** One line per secret that cannot be resolved now (`thingworx.appKey: environment variable TWX_APP_KEY is not set`). */
export async function unresolvableSecrets(config: AdapterConfig, options: ResolveSecretOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  for (const slot of secretSlots(config)) {
    try {
      await resolveSecret(slot.ref, options);
    } catch (error) {
      if (!(error instanceof SecretError)) throw error;
      problems.push(`${slot.path}: ${error.message}`);
    }
  }
  return problems;
}
