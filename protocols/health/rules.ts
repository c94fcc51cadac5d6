import type { ReadingValue } from '../readings.js';
import { HealthError } from './errors.js';

/**
 * Local limit checks shaped like ThingWorx property alerts (PROTOCOLS.md §4), so a rule can be
 * moved to the server unchanged.
 *
 * Semantics, per type (v = the reading's value):
 * - Above: v > limit, or v >= limit when limitInclusive (default true). Below: mirror image.
 * - InRange: v inside [minimum, maximum]; each bound belongs to the range when its *Inclusive flag
 *   is set (defaults: minimum yes, maximum no, i.e. [minimum, maximum)). OutOfRange is exactly the
 *   complement of InRange with the same bounds and flags.
 * - EqualTo / NotEqualTo: strict equality with `value` (number, string or boolean).
 * - DeviationAbove / DeviationBelow: deviation is measured against `value`, a configured baseline
 *   (the setpoint), and `limit` (>= 0) is how far v may stray: Above fires when v - value > limit,
 *   Below when value - v > limit; with limitInclusive (default true) reaching the limit is enough.
 *   (PTC's help words DeviationBelow as `v - value < limit`; we use the magnitude form so one
 *   positive limit means the same distance on both sides.)
 * A value of another type than the rule compares (a string for Above, say) does not apply: the
 * rule neither raises nor clears on it.
 */
export const ALERT_TYPES = Object.freeze([
  'Above',
  'Below',
  'InRange',
  'OutOfRange',
  'EqualTo',
  'NotEqualTo',
  'DeviationAbove',
  'DeviationBelow',
] as const);
export type AlertType = (typeof ALERT_TYPES)[number];

/** One alert rule as configured (the config engineer's shape). */
export interface AlertRule {
  item: string;
  type: AlertType;
  limit?: number;
  limitInclusive?: boolean;
  minimum?: number;
  minimumInclusive?: boolean;
  maximum?: number;
  maximumInclusive?: boolean;
  value?: ReadingValue;
  /** Alert name, e.g. "VatTooHot"; unique per item. */
  alert: string;
  severity?: string;
}

export const ALERT_RULE_DEFAULTS = Object.freeze({
  limitInclusive: true,
  minimumInclusive: true,
  maximumInclusive: false,
  severity: 'warning',
});

/** A validated rule with every default filled in; the type decides which fields exist. */
export type CompiledAlertRule = { item: string; alert: string; severity: string } & (
  | { type: 'Above' | 'Below'; limit: number; limitInclusive: boolean }
  | {
      type: 'InRange' | 'OutOfRange';
      minimum: number;
      minimumInclusive: boolean;
      maximum: number;
      maximumInclusive: boolean;
    }
  | { type: 'EqualTo' | 'NotEqualTo'; value: ReadingValue }
  | { type: 'DeviationAbove' | 'DeviationBelow'; value: number; limit: number; limitInclusive: boolean }
);

const FIELDS_BY_TYPE: Readonly<Record<AlertType, readonly string[]>> = {
  Above: ['limit', 'limitInclusive'],
  Below: ['limit', 'limitInclusive'],
  InRange: ['minimum', 'minimumInclusive', 'maximum', 'maximumInclusive'],
  OutOfRange: ['minimum', 'minimumInclusive', 'maximum', 'maximumInclusive'],
  EqualTo: ['value'],
  NotEqualTo: ['value'],
  DeviationAbove: ['value', 'limit', 'limitInclusive'],
  DeviationBelow: ['value', 'limit', 'limitInclusive'],
};
const COMMON_FIELDS = ['item', 'type', 'alert', 'severity'];

/**
 * Checks an untrusted rule (from a config file) and fills in its defaults.
 * Throws HEALTH_RULE_INVALID naming the rule and the field; fields that do not apply to the type are refused (typos).
 */
export function compileAlertRule(input: unknown, ruleIndex = 0): CompiledAlertRule {
  const fail = (field: string, message: string, alert?: string): never => {
    throw new HealthError('HEALTH_RULE_INVALID', message, { ruleIndex, field, ...(alert ? { alert } : {}) });
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('', 'a rule must be an object');
  const rule = input as Record<string, unknown>;
  const alert = typeof rule.alert === 'string' && rule.alert.length > 0 ? rule.alert : fail('alert', 'alert must be a non-empty string');
  const item = typeof rule.item === 'string' && rule.item.length > 0 ? rule.item : fail('item', 'item must be a non-empty string', alert);
  const type = ALERT_TYPES.find((known) => known === rule.type) ?? fail('type', `type must be one of ${ALERT_TYPES.join('|')}`, alert);
  const allowed = new Set([...COMMON_FIELDS, ...FIELDS_BY_TYPE[type]]);
  for (const field of Object.keys(rule)) {
    if (!allowed.has(field)) fail(field, `${field} does not apply to a ${type} rule`, alert);
  }
  const severity =
    rule.severity === undefined
      ? ALERT_RULE_DEFAULTS.severity
      : typeof rule.severity === 'string' && rule.severity.length > 0
        ? rule.severity
        : fail('severity', 'severity must be a non-empty string', alert);
  const number = (field: string): number => {
    const value = rule[field];
    return typeof value === 'number' && Number.isFinite(value) ? value : fail(field, `${field} must be a finite number`, alert);
  };
  const flag = (field: 'limitInclusive' | 'minimumInclusive' | 'maximumInclusive'): boolean => {
    const value = rule[field];
    if (value === undefined) return ALERT_RULE_DEFAULTS[field];
    return typeof value === 'boolean' ? value : fail(field, `${field} must be a boolean`, alert);
  };
  const base = { item, alert, severity };
  switch (type) {
    case 'Above':
    case 'Below':
      return { ...base, type, limit: number('limit'), limitInclusive: flag('limitInclusive') };
    case 'InRange':
    case 'OutOfRange': {
      const minimum = number('minimum');
      const maximum = number('maximum');
      if (minimum > maximum) fail('minimum', 'minimum must not exceed maximum', alert);
      return {
        ...base,
        type,
        minimum,
        minimumInclusive: flag('minimumInclusive'),
        maximum,
        maximumInclusive: flag('maximumInclusive'),
      };
    }
    case 'EqualTo':
    case 'NotEqualTo': {
      const value = rule.value;
      const valid =
        typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
      return valid ? { ...base, type, value } : fail('value', 'value must be a finite number, a string or a boolean', alert);
    }
    case 'DeviationAbove':
    case 'DeviationBelow': {
      const limit = number('limit');
      if (limit < 0) fail('limit', 'a deviation limit is a distance and must be >= 0', alert);
      return { ...base, type, value: number('value'), limit, limitInclusive: flag('limitInclusive') };
    }
  }
}

function beyond(amount: number, limit: number, inclusive: boolean): boolean {
  return inclusive ? amount >= limit : amount > limit;
}

function inRange(value: number, rule: CompiledAlertRule & { type: 'InRange' | 'OutOfRange' }): boolean {
  const aboveMinimum = rule.minimumInclusive ? value >= rule.minimum : value > rule.minimum;
  const belowMaximum = rule.maximumInclusive ? value <= rule.maximum : value < rule.maximum;
  return aboveMinimum && belowMaximum;
}

/** Whether the alert condition holds for this value; undefined when the rule does not apply to a value of this type. */
export function conditionHolds(rule: CompiledAlertRule, value: ReadingValue): boolean | undefined {
  if (rule.type === 'EqualTo' || rule.type === 'NotEqualTo') {
    if (typeof value !== typeof rule.value || Number.isNaN(value)) return undefined;
    return (value === rule.value) === (rule.type === 'EqualTo');
  }
  if (typeof value !== 'number' || Number.isNaN(value)) return undefined;
  switch (rule.type) {
    case 'Above':
      return beyond(value, rule.limit, rule.limitInclusive);
    case 'Below':
      return beyond(-value, -rule.limit, rule.limitInclusive);
    case 'InRange':
      return inRange(value, rule);
    case 'OutOfRange':
      return !inRange(value, rule);
    // compared with the threshold baseline ± limit, not the difference, so 32.1 against 30 + 2.1 is exact
    case 'DeviationAbove':
      return beyond(value, rule.value + rule.limit, rule.limitInclusive);
    case 'DeviationBelow':
      return beyond(-value, -(rule.value - rule.limit), rule.limitInclusive);
  }
}
