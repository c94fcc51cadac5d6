/** Schema of the data-item catalog: families, their items and their log-line rules. */
import { ValidationError, mixed } from 'yup';
import { type LogRuleError, compileLogRules, ITEM_NAME } from '../../domain/loglines/rules.js';
import type { ValueType } from '../../domain/readings.js';
import { defaultCatalog } from '../default-catalog.js';
import { CONFIG_LIMITS, DEFAULTS, LOG_RULE_DEFAULTS } from '../defaults.js';
import { childPath } from '../issues.js';
import type { DataSource, ItemLane, LogRule } from '../types.js';
import { isPlainRecord } from '../untrusted.js';
import { closedObject, list, oneOf, recordOf, text } from './fields.js';
import { ID_PATTERN } from './sections.js';

export const VALUE_TYPES: readonly ValueType[] = ['NUMBER', 'INTEGER', 'STRING', 'BOOLEAN', 'DATETIME'];
export const DATA_SOURCES: readonly DataSource[] = ['filebeat', 'metricbeat', 'poll', 'push'];
const LANES: readonly ItemLane[] = ['state', 'event'];

/** Item names become ThingWorx property names; the same rule as the log-line parser's. */
export const ITEM_NAME_PATTERN = ITEM_NAME;
export const ITEM_NAME_DESCRIPTION = 'a property name (a letter, then up to 63 letters, digits and "_")';
export const FAMILY_DESCRIPTION = 'a family name (lower-case letters, digits and "-")';

const itemSchema = closedObject({
  type: oneOf(VALUE_TYPES).required('is required'),
  unit: text({ maxLength: LOG_RULE_DEFAULTS.maxUnitLength }).optional(),
  lane: oneOf(LANES).default(DEFAULTS.itemLane),
});

function logRuleErrorPath(listPath: string, error: LogRuleError): string {
  if (error.index < 0) return listPath;
  const rulePath = childPath(listPath, error.index);
  // The parser names the spot inside a rule as a dotted path (items.VatTemperature.group).
  return error.field === undefined ? rulePath : `${rulePath}.${error.field}`;
}

/** The path names the rule by position; its name, when it has one, is what its author searches for. */
function logRuleErrorMessage(error: LogRuleError): string {
  return error.name === undefined ? error.message : `rule "${error.name}": ${error.message}`;
}

/**
 * Rules are checked by the parser that will run them (domain/loglines), so a config that loads is
 * a config the collector can compile: patterns compile on RE2 (lookarounds and backreferences are
 * refused by name) and are capped in length and program size; groups exist; types and units are valid.
 */
const logRulesSchema = list(
  mixed<LogRule>((value: unknown): value is LogRule => isPlainRecord(value))
    .typeError('must be a mapping')
    .nonNullable('must be a mapping')
    .defined('must be a mapping'),
)
  .default(() => [])
  .test({
    name: 'log-rules',
    skipAbsent: true,
    test(rules, ctx) {
      const result = compileLogRules(rules);
      if (result.ok) return true;
      const listPath = ctx.path ?? '';
      // A rule that is not a mapping at all is already reported by the element schema.
      const errors = result.errors.filter((error) => !(error.index >= 0 && error.code === 'LOGRULE_NOT_AN_OBJECT'));
      if (errors.length === 0) return true;
      return new ValidationError(
        errors.map((error) => new ValidationError(logRuleErrorMessage(error), undefined, logRuleErrorPath(listPath, error), error.code)),
      );
    },
  });

const familySchema = closedObject({
  sources: list(oneOf(DATA_SOURCES).required('is required'))
    .required('is required')
    .min(1, `must list at least one of ${DATA_SOURCES.join(', ')}`)
    .test('unique', 'must not repeat a source', (value) => value === undefined || new Set(value).size === value.length),
  items: recordOf(itemSchema, {
    pattern: ITEM_NAME_PATTERN,
    describe: ITEM_NAME_DESCRIPTION,
    nonEmpty: true,
    maxEntries: CONFIG_LIMITS.maxItemsPerFamily,
  }),
  logRules: logRulesSchema,
});

/** Families the config lists replace the built-in ones of the same name; the other built-in ones stay. */
function withBuiltInFamilies(value: unknown): unknown {
  if (!isPlainRecord(value) || !isPlainRecord(value.families)) return value;
  return { ...value, families: { ...defaultCatalog().families, ...value.families } };
}

export const catalogSchema = closedObject({
  families: recordOf(familySchema, {
    pattern: ID_PATTERN,
    describe: FAMILY_DESCRIPTION,
    nonEmpty: true,
    maxEntries: CONFIG_LIMITS.maxFamilies,
  }),
})
  .transform(withBuiltInFamilies)
  .default(() => defaultCatalog());
