/**
 * `3dconnect config`: the effective configuration as YAML. The daemon sends it redacted already
 * (config/redact.ts); masking here again means a secret that slipped through still never reaches a screen.
 */
import { stringify } from 'yaml';
import type { JsonValue } from '../../protocols/control/messages.js';

export const MASK = '<redacted>';

/** Last words of a key that name a secret: appKey, pushToken, keyPassphrase, password, clientKey … */
const SECRET_WORDS = new Set(['key', 'appkey', 'apikey', 'token', 'password', 'passwd', 'passphrase', 'secret', 'authorization']);

/** What the daemon's redaction writes in place of a secret: safe to show as is. */
const REDACTION_MARKER = /^<(?:env:[A-Za-z_][A-Za-z0-9_]*|file:[^<>\n]*|redacted)>$/;

function lastWord(key: string): string {
  const words = key.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).filter((word) => word !== '');
  return (words.at(-1) ?? '').toLowerCase();
}

export function isSecretKey(key: string): boolean {
  return SECRET_WORDS.has(lastWord(key));
}

function maskValue(value: JsonValue): JsonValue {
  if (value === null) return null;
  if (typeof value === 'string' && REDACTION_MARKER.test(value)) return value;
  return MASK;
}

/** A copy with every value under a secret-named key replaced by `<redacted>` (redaction markers kept). */
export function maskSecrets(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, isSecretKey(key) ? maskValue(entry) : maskSecrets(entry)]));
}

export function renderConfig(config: JsonValue): string {
  // yaml quotes and escapes control characters, so nothing in a value can drive the terminal.
  return stringify(maskSecrets(config), { lineWidth: 0 }).trimEnd();
}
