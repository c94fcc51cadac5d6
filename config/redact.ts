/** A config fit to show (the CLI's config view): every secret reference becomes a short description of its source. */
import { isSecretRef } from './schema/secret-ref.js';
import type { AdapterConfig, SecretRef } from './types.js';
import { isPlainRecord } from './untrusted.js';

export type Redacted<T> = T extends SecretRef
  ? string
  : T extends readonly (infer U)[]
    ? Redacted<U>[]
    : T extends object
      ? { [K in keyof T]: Redacted<T[K]> }
      : T;

export type RedactedConfig = Redacted<AdapterConfig>;

/** Keys that hold secrets; a plain string under one (a resolved value put back by mistake) is masked too. */
const SECRET_KEYS = new Set(['appKey', 'pushToken', 'keyPassphrase']);

function redact(value: unknown, key: string | undefined): unknown {
  if (isSecretRef(value)) return 'env' in value ? `<env:${value.env}>` : `<file:${value.file}>`;
  if (key !== undefined && SECRET_KEYS.has(key) && value !== undefined) return '<redacted>';
  if (Array.isArray(value)) return value.map((entry) => redact(entry, undefined));
  if (isPlainRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  return value;
}

/** A deep copy with `appKey: { env: TWX_APP_KEY }` shown as `appKey: "<env:TWX_APP_KEY>"`. */
export function redactConfig(config: AdapterConfig): RedactedConfig {
  // The walk is generic over the value; Redacted<> states what it does to the type.
  return redact(config, undefined) as RedactedConfig;
}
