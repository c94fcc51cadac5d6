/** Schema of the printers list and of each printer's operating limits. */
import { isIP } from 'node:net';
import { lazy, mixed } from 'yup';
import type { ReadingValue } from '../../domain/readings.js';
import { CONFIG_LIMITS, DEFAULTS } from '../defaults.js';
import { childPath } from '../issues.js';
import { parseHostPort } from '../endpoint.js';
import { ALERT_TYPES, type AlertType, hysteresisProblem, NUMERIC_ALERT_TYPES } from '../../domain/health/rules.js';
import { isPlainRecord, stringAt } from '../untrusted.js';
import { closedObject, decimal, flag, integer, list, oneOf, text } from './fields.js';
import { FAMILY_DESCRIPTION, ITEM_NAME_DESCRIPTION, ITEM_NAME_PATTERN } from './catalog.js';
import { secretRef } from './secret-ref.js';
import { ID_DESCRIPTION, ID_PATTERN, THING_DESCRIPTION, THING_PATTERN } from './sections.js';

export const IDENTITY_FIELDS = ['tlsSubject', 'fieldsPrinterId', 'hostName', 'remoteAddress'] as const;

/** The example in an inline-token error uses the printer's own id when it has a usable one. */
function pushTokenExample(printer: unknown) {
  const written = stringAt(printer, 'id');
  const id = written !== undefined && ID_PATTERN.test(written) ? written : 'p01';
  return { key: 'pushToken', file: `/etc/3dconnect/push-tokens/${id}`, env: `PUSH_TOKEN_${id.toUpperCase().replaceAll('-', '_')}` };
}

const identitySchema = closedObject({
  tlsSubject: text({ maxLength: 512 }).optional(),
  fieldsPrinterId: text({ maxLength: 128 }).optional(),
  hostName: text({ maxLength: 253 }).optional(),
  remoteAddress: text()
    .test('ip', 'must be an IP address', (value) => value === undefined || isIP(value) !== 0)
    .optional(),
}).test({
  name: 'at-least-one',
  skipAbsent: true,
  message: `must set at least one of ${IDENTITY_FIELDS.join(', ')}`,
  test: (value: unknown) => !isPlainRecord(value) || IDENTITY_FIELDS.some((field) => value[field] !== undefined),
});

const limitCommon = {
  item: text({ pattern: ITEM_NAME_PATTERN, describe: ITEM_NAME_DESCRIPTION, maxLength: 64 }).required('is required'),
  alert: text({ pattern: ITEM_NAME_PATTERN, describe: 'an alert name (a letter, then letters, digits and "_")', maxLength: 64 }).required(
    'is required',
  ),
  severity: text({ maxLength: 32 }).default(DEFAULTS.limit.severity),
  raiseAfterMs: integer(0, CONFIG_LIMITS.maxDurationMs).default(DEFAULTS.limit.raiseAfterMs),
};

const numberIn = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** How far back inside the limit a raised alert's value must come before it clears; checked against the limit's own bounds. */
function hysteresis() {
  return decimal(0)
    .default(DEFAULTS.limit.hysteresis)
    .test({
      name: 'hysteresis-fits',
      skipAbsent: true,
      test(distance, ctx) {
        const parent: unknown = ctx.parent;
        // A negative or non-numeric distance is already reported by decimal().
        if (!isPlainRecord(parent) || !(distance >= 0)) return true;
        const type = ALERT_TYPES.find((known) => known === parent.type);
        if (type === undefined) return true;
        const problem = hysteresisProblem(
          { type, minimum: numberIn(parent.minimum), maximum: numberIn(parent.maximum), limit: numberIn(parent.limit) },
          distance,
        );
        return problem === undefined ? true : ctx.createError({ message: problem.replace(/^hysteresis /, '') });
      },
    });
}

const NUMERIC_TYPE_NAMES = ALERT_TYPES.filter((type: AlertType) => NUMERIC_ALERT_TYPES.has(type)).join(', ');

const unknownForType = (types: string) => `unknown key for type ${types}`;

const thresholdLimit = closedObject(
  {
    ...limitCommon,
    type: oneOf(['Above', 'Below'] as const).required('is required'),
    limit: decimal().required('is required'),
    limitInclusive: flag().default(DEFAULTS.limit.limitInclusive),
    hysteresis: hysteresis(),
  },
  unknownForType('Above/Below'),
);

const rangeLimit = closedObject(
  {
    ...limitCommon,
    type: oneOf(['InRange', 'OutOfRange'] as const).required('is required'),
    minimum: decimal().required('is required'),
    minimumInclusive: flag().default(DEFAULTS.limit.minimumInclusive),
    maximum: decimal()
      .required('is required')
      .test({
        name: 'above-minimum',
        skipAbsent: true,
        message: 'must not be below minimum',
        test(maximum, ctx) {
          const minimum: unknown = isPlainRecord(ctx.parent) ? ctx.parent.minimum : undefined;
          return typeof minimum !== 'number' || maximum >= minimum;
        },
      }),
    maximumInclusive: flag().default(DEFAULTS.limit.maximumInclusive),
    hysteresis: hysteresis(),
  },
  unknownForType('InRange/OutOfRange'),
);

const equalityLimit = closedObject(
  {
    ...limitCommon,
    type: oneOf(['EqualTo', 'NotEqualTo'] as const).required('is required'),
    value: mixed<ReadingValue>()
      .nonNullable('is required')
      .required('is required')
      .test(
        'reading-value',
        'must be a number, a string or true/false',
        (value: unknown) =>
          typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)),
      ),
    // Named here, not left to the unknown-key check, so the error says why.
    hysteresis: mixed()
      .transform((value: unknown) => (value === null ? undefined : value))
      .test(
        'numeric-only',
        `applies only to ${NUMERIC_TYPE_NAMES}: an equality has no distance to come back by (use raiseAfterMs against flapping)`,
        (value: unknown) => value === undefined,
      ),
  },
  unknownForType('EqualTo/NotEqualTo'),
);

const deviationLimit = closedObject(
  {
    ...limitCommon,
    type: oneOf(['DeviationAbove', 'DeviationBelow'] as const).required('is required'),
    value: decimal().required('is required (the baseline, e.g. the setpoint)'),
    limit: decimal(0).required('is required'),
    limitInclusive: flag().default(DEFAULTS.limit.limitInclusive),
    hysteresis: hysteresis(),
  },
  unknownForType('DeviationAbove/DeviationBelow'),
);

/** Until the type names a known kind only the type is reported: the other keys depend on it. */
const limitOfUnknownType = mixed<never>()
  .nonNullable('must be a mapping')
  .defined('must be a mapping')
  .test({
    name: 'limit-type',
    test(value: unknown, ctx) {
      if (!isPlainRecord(value)) return ctx.createError({ message: 'must be a mapping' });
      const message = value.type === undefined || value.type === null ? 'is required' : `must be one of ${ALERT_TYPES.join(', ')}`;
      return ctx.createError({ path: childPath(ctx.path, 'type'), message });
    },
  });

const limitSchema = lazy((value: unknown) => {
  switch (stringAt(value, 'type')) {
    case 'Above':
    case 'Below':
      return thresholdLimit;
    case 'InRange':
    case 'OutOfRange':
      return rangeLimit;
    case 'EqualTo':
    case 'NotEqualTo':
      return equalityLimit;
    case 'DeviationAbove':
    case 'DeviationBelow':
      return deviationLimit;
    default:
      return limitOfUnknownType;
  }
});

export const printerSchema = closedObject({
  id: text({ pattern: ID_PATTERN, describe: ID_DESCRIPTION, maxLength: 64 }).required('is required'),
  family: text({ pattern: ID_PATTERN, describe: FAMILY_DESCRIPTION, maxLength: 64 }).required('is required'),
  thing: text({ pattern: THING_PATTERN, describe: THING_DESCRIPTION, maxLength: 200 }).required('is required'),
  address: text()
    .required('is required')
    .test({
      name: 'host-port',
      skipAbsent: true,
      message: 'must be host:port (IPv6 as [::1]:7070)',
      // An empty value is already reported as empty.
      test: (value) => value === '' || parseHostPort(value) !== undefined,
    }),
  identity: identitySchema,
  pollIntervalMs: integer(CONFIG_LIMITS.minPollIntervalMs, CONFIG_LIMITS.maxDurationMs).default(DEFAULTS.printer.pollIntervalMs),
  pushToken: secretRef(pushTokenExample).optional(),
  limits: list(limitSchema)
    .max(CONFIG_LIMITS.maxLimitsPerPrinter, `must have at most ${CONFIG_LIMITS.maxLimitsPerPrinter} entries`)
    .default(() => []),
});

export const printersSchema = list(printerSchema)
  .required(`is required (a list of at most ${CONFIG_LIMITS.maxPrinters} printers; [] for none)`)
  .test({
    name: 'max-printers',
    skipAbsent: true,
    test(value, ctx) {
      if (value.length <= CONFIG_LIMITS.maxPrinters) return true;
      return ctx.createError({ message: `at most ${CONFIG_LIMITS.maxPrinters} printers are supported; this config lists ${value.length}` });
    },
  });
