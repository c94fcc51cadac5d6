/** Turns an untrusted value (a parsed config file) into a typed AdapterConfig, or every error it has. */
import { ValidationError } from 'yup';
import { crossCheck } from './cross-checks.js';
import { type ConfigIssue, issuesFromYup, renderIssues } from './issues.js';
import { adapterConfigSchema } from './schema/index.js';
import type { ConfigResult } from './types.js';
import { isPlainRecord } from './untrusted.js';

/**
 * Keys named like Object.prototype members (toString, constructor, __proto__, …) are never valid
 * here, and the schema library would trip over them instead of reporting them: found first, by path.
 */
function reservedKeys(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => reservedKeys(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => {
    const here = path === '' ? key : `${path}.${key}`;
    if (key === '__proto__' || Object.hasOwn(Object.prototype, key)) return [here];
    return reservedKeys((value as Record<string, unknown>)[key], here);
  });
}

/**
 * Validates and fills in defaults. Reports every problem at once, one line each
 * (`printers[3].address: must be host:port …`), sorted by path; never echoes a secret.
 */
export function validateConfig(raw: unknown): ConfigResult {
  if (!isPlainRecord(raw)) {
    return { ok: false, errors: ['the configuration must be a mapping of sections (adapter, thingworx, printers, …)'] };
  }
  const reserved = reservedKeys(raw, '');
  if (reserved.length > 0) return { ok: false, errors: reserved.map((path) => `${path}: unknown key`) };
  // Cast first (defaults only: the schema does not coerce types), then validate the result strictly,
  // so the cross-checks see the same defaults-filled value the schema checked.
  const withDefaults: unknown = adapterConfigSchema.cast(raw, { assert: false });
  const issues: ConfigIssue[] = [];
  let config: ConfigResult | undefined;
  try {
    config = { ok: true, config: adapterConfigSchema.validateSync(withDefaults, { abortEarly: false, strict: true }) };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...issuesFromYup(error));
  }
  issues.push(...crossCheck(withDefaults));
  if (issues.length > 0 || config === undefined) return { ok: false, errors: renderIssues(issues) };
  return config;
}
