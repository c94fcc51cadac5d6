import { CodedError } from '../../supervision/errors.js';

export type HealthErrorCode = 'HEALTH_RULE_INVALID' | 'HEALTH_NO_SOURCES' | 'HEALTH_THRESHOLD_INVALID';

export interface HealthErrorContext {
  /** Index of the rule in the list given, and its alert name when known. */
  ruleIndex?: number;
  alert?: string;
  field?: string;
  source?: string;
}

export class HealthError extends CodedError<HealthErrorCode, HealthErrorContext> {
  override readonly name = 'HealthError';
}
