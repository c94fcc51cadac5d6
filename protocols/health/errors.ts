export type HealthErrorCode = 'HEALTH_RULE_INVALID' | 'HEALTH_NO_SOURCES' | 'HEALTH_THRESHOLD_INVALID';

export interface HealthErrorContext {
  /** Index of the rule in the list given, and its alert name when known. */
  ruleIndex?: number;
  alert?: string;
  field?: string;
  source?: string;
}

export class HealthError extends Error {
  readonly code: HealthErrorCode;
  readonly context: Readonly<HealthErrorContext>;

  constructor(code: HealthErrorCode, message: string, context: HealthErrorContext = {}) {
    super(message);
    this.name = 'HealthError';
    this.code = code;
    this.context = Object.freeze({ ...context });
  }
}
