import type { ValueType } from '../readings.js';
import { type LinePattern, type LinePatternProblemCode, compileLinePattern } from './line-pattern.js';
import { LOG_RULE_DEFAULTS } from '../../config/defaults.js';

/** How one captured group becomes one item (DATA-ITEMS.md). */
export interface LogItemSpec {
  /** Capturing group (1-based) holding the value. */
  group: number;
  type: ValueType;
  unit?: string;
}

/** One log-line rule as configuration writes it. */
export interface LogRuleSpec {
  name?: string;
  /**
   * An RE2 regex (github.com/google/re2/wiki/Syntax), matched from the start of the line. It reads
   * like a JavaScript regex for log patterns, but has no lookarounds or backreferences; `\s` is
   * ASCII whitespace, `.` is anything but a newline, and a code point is written `\x{263A}`.
   */
  match: string;
  /** Capturing group (1-based) holding the line's ISO-8601 timestamp. */
  time: number;
  items: Record<string, LogItemSpec>;
}

export type LogRuleLimits = { [K in keyof typeof LOG_RULE_DEFAULTS]: number };

export interface CompiledLogItem {
  item: string;
  group: number;
  type: ValueType;
  unit?: string;
}

export interface CompiledLogRule {
  index: number;
  name?: string;
  /** Linear-time (RE2), matched at the start of the line; it skips lines that lack its required text. */
  pattern: LinePattern;
  timeGroup: number;
  items: readonly CompiledLogItem[];
}

export interface CompiledLogRules {
  readonly rules: readonly CompiledLogRule[];
  readonly limits: Readonly<LogRuleLimits>;
}

export type LogRuleErrorCode =
  | 'LOGRULE_TOO_MANY_RULES'
  | 'LOGRULE_NOT_AN_OBJECT'
  | 'LOGRULE_UNKNOWN_FIELD'
  | 'LOGRULE_BAD_NAME'
  | 'LOGRULE_BAD_REGEX'
  | 'LOGRULE_PATTERN_TOO_LONG'
  | 'LOGRULE_UNSUPPORTED_SYNTAX'
  | 'LOGRULE_PATTERN_TOO_COMPLEX'
  | 'LOGRULE_TIME_GROUP_MISSING'
  | 'LOGRULE_GROUP_OUT_OF_RANGE'
  | 'LOGRULE_NO_ITEMS'
  | 'LOGRULE_TOO_MANY_ITEMS'
  | 'LOGRULE_BAD_ITEM_NAME'
  | 'LOGRULE_BAD_ITEM'
  | 'LOGRULE_BAD_TYPE'
  | 'LOGRULE_BAD_UNIT';

/** What is wrong with which rule: `index` is the rule's position in the list, `field` the spot inside it. */
export interface LogRuleError {
  index: number;
  name?: string;
  field?: string;
  code: LogRuleErrorCode;
  message: string;
}

export type CompileLogRulesResult = { ok: true; rules: CompiledLogRules } | { ok: false; errors: LogRuleError[] };

/** Item names become ThingWorx property names; keep to a charset every Thing accepts. */
export const ITEM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const VALUE_TYPES: readonly ValueType[] = ['NUMBER', 'INTEGER', 'STRING', 'BOOLEAN', 'DATETIME'];
const RULE_FIELDS = new Set(['name', 'match', 'time', 'items']);
const ITEM_FIELDS = new Set(['group', 'type', 'unit']);
// Units are shown, not parsed: printable, no control characters.
const UNIT = /^[^\p{Cc}]+$/u;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PATTERN_ERRORS: Record<LinePatternProblemCode, LogRuleErrorCode> = {
  syntax: 'LOGRULE_BAD_REGEX',
  unsupported_construct: 'LOGRULE_UNSUPPORTED_SYNTAX',
  too_complex: 'LOGRULE_PATTERN_TOO_COMPLEX',
};

function isGroupIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

class RuleChecker {
  readonly errors: LogRuleError[] = [];

  constructor(
    private readonly index: number,
    private readonly name: string | undefined,
    private readonly limits: LogRuleLimits,
  ) {}

  fail(code: LogRuleErrorCode, message: string, field?: string): void {
    this.errors.push({
      index: this.index,
      ...(this.name === undefined ? {} : { name: this.name }),
      ...(field === undefined ? {} : { field }),
      code,
      message,
    });
  }

  pattern(match: unknown): LinePattern | undefined {
    if (typeof match !== 'string' || match.length === 0) {
      this.fail('LOGRULE_BAD_REGEX', 'match must be a non-empty regex source', 'match');
      return undefined;
    }
    if (match.length > this.limits.maxPatternLength) {
      this.fail('LOGRULE_PATTERN_TOO_LONG', `match is longer than ${this.limits.maxPatternLength} characters`, 'match');
      return undefined;
    }
    const compiled = compileLinePattern(match, this.limits.maxProgramSize);
    if (!compiled.ok) {
      this.fail(PATTERN_ERRORS[compiled.problem.code], compiled.problem.message, 'match');
      return undefined;
    }
    return compiled.pattern;
  }

  timeGroup(time: unknown, groups: number): number | undefined {
    if (time === undefined) {
      this.fail('LOGRULE_TIME_GROUP_MISSING', 'time must name the group holding the timestamp', 'time');
      return undefined;
    }
    if (!isGroupIndex(time)) {
      this.fail('LOGRULE_TIME_GROUP_MISSING', 'time must be a group number ≥ 1', 'time');
      return undefined;
    }
    if (time > groups) {
      this.fail('LOGRULE_GROUP_OUT_OF_RANGE', `time group ${time} but the pattern has ${groups} group(s)`, 'time');
      return undefined;
    }
    return time;
  }

  items(items: unknown, groups: number): CompiledLogItem[] {
    if (!isRecord(items) || Object.keys(items).length === 0) {
      this.fail('LOGRULE_NO_ITEMS', 'items must map at least one item to a group', 'items');
      return [];
    }
    const entries = Object.entries(items);
    if (entries.length > this.limits.maxItemsPerRule) {
      this.fail('LOGRULE_TOO_MANY_ITEMS', `more than ${this.limits.maxItemsPerRule} items`, 'items');
      return [];
    }
    const compiled: CompiledLogItem[] = [];
    for (const [item, spec] of entries) {
      const one = this.item(item, spec, groups);
      if (one) compiled.push(one);
    }
    return compiled;
  }

  private item(item: string, spec: unknown, groups: number): CompiledLogItem | undefined {
    const field = `items.${item}`;
    if (!ITEM_NAME.test(item)) {
      this.fail('LOGRULE_BAD_ITEM_NAME', `item name must match ${ITEM_NAME.source}`, field);
      return undefined;
    }
    if (!isRecord(spec)) {
      this.fail('LOGRULE_BAD_ITEM', 'an item must be { group, type, unit? }', field);
      return undefined;
    }
    const unknown = Object.keys(spec).find((key) => !ITEM_FIELDS.has(key));
    if (unknown !== undefined) {
      this.fail('LOGRULE_UNKNOWN_FIELD', `unknown field "${unknown}"`, `${field}.${unknown}`);
      return undefined;
    }
    const { group, type, unit } = spec;
    if (!isGroupIndex(group)) {
      this.fail('LOGRULE_BAD_ITEM', 'group must be a group number ≥ 1', `${field}.group`);
      return undefined;
    }
    if (group > groups) {
      this.fail('LOGRULE_GROUP_OUT_OF_RANGE', `group ${group} but the pattern has ${groups} group(s)`, `${field}.group`);
      return undefined;
    }
    if (!VALUE_TYPES.includes(type as ValueType)) {
      this.fail('LOGRULE_BAD_TYPE', `type must be one of ${VALUE_TYPES.join(', ')}`, `${field}.type`);
      return undefined;
    }
    if (unit !== undefined && (typeof unit !== 'string' || unit.length > this.limits.maxUnitLength || !UNIT.test(unit))) {
      this.fail('LOGRULE_BAD_UNIT', `unit must be 1–${this.limits.maxUnitLength} printable characters`, `${field}.unit`);
      return undefined;
    }
    return { item, group, type: type as ValueType, ...(unit === undefined ? {} : { unit }) };
  }
}

function compileOne(spec: unknown, index: number, limits: LogRuleLimits): CompiledLogRule | LogRuleError[] {
  if (!isRecord(spec)) {
    return [{ index, code: 'LOGRULE_NOT_AN_OBJECT', message: 'a rule must be { name?, match, time, items }' }];
  }
  const name = typeof spec.name === 'string' ? spec.name : undefined;
  const checker = new RuleChecker(index, name, limits);
  if (spec.name !== undefined && (name === undefined || name.length === 0)) {
    checker.fail('LOGRULE_BAD_NAME', 'name must be a non-empty string', 'name');
  }
  for (const key of Object.keys(spec)) {
    if (!RULE_FIELDS.has(key)) checker.fail('LOGRULE_UNKNOWN_FIELD', `unknown field "${key}"`, key);
  }
  const pattern = checker.pattern(spec.match);
  if (!pattern) return checker.errors;
  const timeGroup = checker.timeGroup(spec.time, pattern.groupCount);
  const items = checker.items(spec.items, pattern.groupCount);
  if (checker.errors.length > 0 || timeGroup === undefined) return checker.errors;
  return { index, ...(name === undefined ? {} : { name }), pattern, timeGroup, items };
}

/**
 * Checks and compiles rules from configuration. Every problem of every rule is reported (a config
 * author fixes them in one go); rules are tried in list order and the first match wins.
 */
export function compileLogRules(specs: readonly LogRuleSpec[], overrides: Partial<LogRuleLimits> = {}): CompileLogRulesResult {
  const limits: LogRuleLimits = { ...LOG_RULE_DEFAULTS, ...overrides };
  const untrusted: unknown = specs;
  if (!Array.isArray(untrusted)) {
    return { ok: false, errors: [{ index: -1, code: 'LOGRULE_NOT_AN_OBJECT', message: 'rules must be a list' }] };
  }
  if (untrusted.length > limits.maxRules) {
    return {
      ok: false,
      errors: [{ index: limits.maxRules, code: 'LOGRULE_TOO_MANY_RULES', message: `more than ${limits.maxRules} rules` }],
    };
  }
  const rules: CompiledLogRule[] = [];
  const errors: LogRuleError[] = [];
  untrusted.forEach((spec: unknown, index: number) => {
    const result = compileOne(spec, index, limits);
    if (Array.isArray(result)) errors.push(...result);
    else rules.push(result);
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, rules: { rules, limits: Object.freeze(limits) } };
}
