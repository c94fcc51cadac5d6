/** Turns an untrusted value (a parsed config file) into a typed AdapterConfig, or every error it has. */
import { ValidationError } from 'yup';
import { crossCheck } from './cross-checks.js';
import { type ConfigIssue, issuesFromYup, renderIssues } from './issues.js';
import { adapterConfigSchema } from './schema/index.js';
import type { ConfigResult } from './types.js';
import { isPlainRecord } from './untrusted.js';

/**
 * Validates and fills in defaults. Reports every problem at once, one line each
 * (`printers[3].address: must be host:port …`), sorted by path; never echoes a secret.
 */
export function validateConfig(raw: unknown): ConfigResult {
  if (!isPlainRecord(raw)) {
    return { ok: false, errors: ['the configuration must be a mapping of sections (adapter, thingworx, printers, …)'] };
  }
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
