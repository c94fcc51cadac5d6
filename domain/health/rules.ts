import type { ReadingValue } from '../readings.js';
import { HealthError } from './errors.js';
import { ALERT_RULE_DEFAULTS } from '../../config/defaults.js';

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
 *
 * Two additions of ours, which ThingWorx alerts do not have (they act before the BOOLEAN alert
 * property is written, so the server-side alert on it stays a plain EqualTo true):
 * - hysteresis (numeric types only, >= 0, in the item's unit): once raised, the alert stays raised
 *   until the value is back inside the limit by at least this distance. The clear test is the raise
 *   test against the limit moved back by the distance (Above: limit − h; Below: limit + h; InRange:
 *   the range widened by h on both sides; OutOfRange: narrowed by h; Deviation*: the allowed
 *   distance shrunk by h), so hysteresis 0 is exactly the plain rule.
 * - raiseAfterMs (every type, >= 0): the condition must hold that long, by the readings' own time,
 *   before the alert is raised; a shorter excursion raises nothing.
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
  /** Numeric types only: how far back inside the limit the value must come before the alert clears. */
  hysteresis?: number;
  /** How long the condition must hold before the alert is raised. */
  raiseAfterMs?: number;
}

/** Types whose condition compares numbers, where a hysteresis distance means something. */
export const NUMERIC_ALERT_TYPES: ReadonlySet<AlertType> = new Set([
  'Above',
  'Below',
  'InRange',
  'OutOfRange',
  'DeviationAbove',
  'DeviationBelow',
]);

/** A validated rule with every default filled in; the type decides which fields exist. */
export type CompiledAlertRule = { item: string; alert: string; severity: string; raiseAfterMs: number } & (
  | { type: 'Above' | 'Below'; limit: number; limitInclusive: boolean; hysteresis: number }
  | {
      type: 'InRange' | 'OutOfRange';
      minimum: number;
      minimumInclusive: boolean;
      maximum: number;
      maximumInclusive: boolean;
      hysteresis: number;
    }
  | { type: 'EqualTo' | 'NotEqualTo'; value: ReadingValue }
  | { type: 'DeviationAbove' | 'DeviationBelow'; value: number; limit: number; limitInclusive: boolean; hysteresis: number }
);

const FIELDS_BY_TYPE: Readonly<Record<AlertType, readonly string[]>> = {
  Above: ['limit', 'limitInclusive', 'hysteresis'],
  Below: ['limit', 'limitInclusive', 'hysteresis'],
  InRange: ['minimum', 'minimumInclusive', 'maximum', 'maximumInclusive', 'hysteresis'],
  OutOfRange: ['minimum', 'minimumInclusive', 'maximum', 'maximumInclusive', 'hysteresis'],
  EqualTo: ['value'],
  NotEqualTo: ['value'],
  DeviationAbove: ['value', 'limit', 'limitInclusive', 'hysteresis'],
  DeviationBelow: ['value', 'limit', 'limitInclusive', 'hysteresis'],
};
const COMMON_FIELDS = ['item', 'type', 'alert', 'severity', 'raiseAfterMs'];

/**
 * Why a hysteresis distance cannot work with these bounds, or undefined when it can. Shared with the
 * config schema so both say the same thing.
 * - OutOfRange: the clear band [minimum + h, maximum − h] must keep some width, or nothing could clear it.
 * - Deviation*: h may not exceed the allowed distance, or the alert would clear only past the baseline.
 */
export function hysteresisProblem(
  rule: { type: AlertType; minimum?: number; maximum?: number; limit?: number },
  hysteresis: number,
): string | undefined {
  if (!Number.isFinite(hysteresis) || hysteresis < 0) return 'hysteresis must be a number >= 0';
  if (
    rule.type === 'OutOfRange' &&
    hysteresis > 0 &&
    rule.minimum !== undefined &&
    rule.maximum !== undefined &&
    2 * hysteresis >= rule.maximum - rule.minimum
  ) {
    return `hysteresis must be less than half the range (maximum - minimum = ${rule.maximum - rule.minimum}), or a value inside the range could never clear the alert`;
  }
  if (
    (rule.type === 'DeviationAbove' || rule.type === 'DeviationBelow') &&
    rule.limit !== undefined &&
    rule.limit >= 0 &&
    hysteresis > rule.limit
  ) {
    return `hysteresis must not exceed limit (${rule.limit}), or the alert would clear only on the other side of the baseline`;
  }
  return undefined;
}

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
  const raiseAfterMs =
    rule.raiseAfterMs === undefined
      ? ALERT_RULE_DEFAULTS.raiseAfterMs
      : typeof rule.raiseAfterMs === 'number' && Number.isSafeInteger(rule.raiseAfterMs) && rule.raiseAfterMs >= 0
        ? rule.raiseAfterMs
        : fail('raiseAfterMs', 'raiseAfterMs must be a whole number of milliseconds >= 0', alert);
  const hysteresisFor = (bounds: { minimum?: number; maximum?: number; limit?: number }): number => {
    if (rule.hysteresis === undefined) return ALERT_RULE_DEFAULTS.hysteresis;
    const hysteresis = typeof rule.hysteresis === 'number' ? rule.hysteresis : Number.NaN;
    const problem = hysteresisProblem({ type, ...bounds }, hysteresis);
    return problem === undefined ? hysteresis : fail('hysteresis', problem, alert);
  };
  const base = { item, alert, severity, raiseAfterMs };
  switch (type) {
    case 'Above':
    case 'Below': {
      const limit = number('limit');
      return { ...base, type, limit, limitInclusive: flag('limitInclusive'), hysteresis: hysteresisFor({ limit }) };
    }
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
        hysteresis: hysteresisFor({ minimum, maximum }),
      };
    }
    case 'EqualTo':
    case 'NotEqualTo': {
      const value = rule.value;
      const valid = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
      return valid ? { ...base, type, value } : fail('value', 'value must be a finite number, a string or a boolean', alert);
    }
    case 'DeviationAbove':
    case 'DeviationBelow': {
      const limit = number('limit');
      if (limit < 0) fail('limit', 'a deviation limit is a distance and must be >= 0', alert);
      return { ...base, type, value: number('value'), limit, limitInclusive: flag('limitInclusive'), hysteresis: hysteresisFor({ limit }) };
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

/**
 * The rule an alert that is already raised is held by: the same condition with its limit moved back
 * by the hysteresis distance (see the top of this file). With no hysteresis it is the rule itself.
 */
export function holdingRule(rule: CompiledAlertRule): CompiledAlertRule {
  const h = 'hysteresis' in rule ? rule.hysteresis : 0;
  if (h === 0) return rule;
  switch (rule.type) {
    case 'EqualTo':
    case 'NotEqualTo':
      return rule;
    case 'Above':
      return { ...rule, limit: rule.limit - h };
    case 'Below':
      return { ...rule, limit: rule.limit + h };
    case 'InRange':
      return { ...rule, minimum: rule.minimum - h, maximum: rule.maximum + h };
    case 'OutOfRange':
      return { ...rule, minimum: rule.minimum + h, maximum: rule.maximum - h };
    case 'DeviationAbove':
    case 'DeviationBelow':
      return { ...rule, limit: rule.limit - h };
  }
}
