import test from 'ava';
import { HealthError } from '../../domain/health/errors.js';
import { type AlertRule, compileAlertRule, conditionHolds } from '../../domain/health/rules.js';
import type { ReadingValue } from '../../domain/readings.js';

/** The values of `probe` for which the rule's condition holds. */
function firing(rule: Omit<AlertRule, 'item' | 'alert'>, probe: readonly ReadingValue[]): ReadingValue[] {
  const compiled = compileAlertRule({ item: 'X', alert: 'A', ...rule });
  return probe.filter((value) => conditionHolds(compiled, value) === true);
}

const AROUND_10 = [9, 9.5, 10, 10.5, 11];

test('Above: the limit is included by default, excluded on request', (t) => {
  t.deepEqual(firing({ type: 'Above', limit: 10 }, AROUND_10), [10, 10.5, 11]);
  t.deepEqual(firing({ type: 'Above', limit: 10, limitInclusive: true }, AROUND_10), [10, 10.5, 11]);
  t.deepEqual(firing({ type: 'Above', limit: 10, limitInclusive: false }, AROUND_10), [10.5, 11]);
});

test('Below: the limit is included by default, excluded on request', (t) => {
  t.deepEqual(firing({ type: 'Below', limit: 10 }, AROUND_10), [9, 9.5, 10]);
  t.deepEqual(firing({ type: 'Below', limit: 10, limitInclusive: false }, AROUND_10), [9, 9.5]);
});

const AROUND_20_30 = [19, 20, 25, 30, 31];

test('InRange: minimum included and maximum excluded by default; each flag switches its own edge', (t) => {
  t.deepEqual(firing({ type: 'InRange', minimum: 20, maximum: 30 }, AROUND_20_30), [20, 25]);
  t.deepEqual(firing({ type: 'InRange', minimum: 20, maximum: 30, maximumInclusive: true }, AROUND_20_30), [20, 25, 30]);
  t.deepEqual(firing({ type: 'InRange', minimum: 20, maximum: 30, minimumInclusive: false }, AROUND_20_30), [25]);
  t.deepEqual(
    firing({ type: 'InRange', minimum: 20, maximum: 30, minimumInclusive: false, maximumInclusive: true }, AROUND_20_30),
    [25, 30],
  );
});

test('OutOfRange is the exact complement of InRange with the same bounds', (t) => {
  t.deepEqual(firing({ type: 'OutOfRange', minimum: 20, maximum: 30 }, AROUND_20_30), [19, 30, 31]);
  t.deepEqual(firing({ type: 'OutOfRange', minimum: 20, maximum: 30, maximumInclusive: true }, AROUND_20_30), [19, 31]);
  t.deepEqual(firing({ type: 'OutOfRange', minimum: 20, maximum: 30, minimumInclusive: false }, AROUND_20_30), [19, 20, 30, 31]);
  t.deepEqual(firing({ type: 'InRange', minimum: 5, maximum: 5, maximumInclusive: true }, [4, 5, 6]), [5], 'a one-point range');
});

test('EqualTo and NotEqualTo compare strictly, for strings, numbers and booleans', (t) => {
  t.deepEqual(firing({ type: 'EqualTo', value: 'error' }, ['error', 'idle', 'ERROR']), ['error']);
  t.deepEqual(firing({ type: 'NotEqualTo', value: 'building' }, ['building', 'paused', 'error']), ['paused', 'error']);
  t.deepEqual(firing({ type: 'EqualTo', value: 0 }, [0, 1, -0]), [0, -0]);
  t.deepEqual(firing({ type: 'EqualTo', value: false }, [true, false]), [false]);
  t.deepEqual(firing({ type: 'NotEqualTo', value: true }, [true, false]), [false]);
});

test('DeviationAbove/Below measure distance from the baseline `value`; reaching the limit counts by default', (t) => {
  const probe = [27, 27.9, 28, 29, 30, 31, 32, 32.1, 33];
  t.deepEqual(firing({ type: 'DeviationAbove', value: 30, limit: 2 }, probe), [32, 32.1, 33]);
  t.deepEqual(firing({ type: 'DeviationAbove', value: 30, limit: 2, limitInclusive: false }, probe), [32.1, 33]);
  t.deepEqual(firing({ type: 'DeviationBelow', value: 30, limit: 2 }, probe), [27, 27.9, 28]);
  t.deepEqual(firing({ type: 'DeviationBelow', value: 30, limit: 2, limitInclusive: false }, probe), [27, 27.9]);
  t.deepEqual(firing({ type: 'DeviationAbove', value: 30, limit: 2.1 }, probe), [32.1, 33], 'decimal thresholds are exact');
  t.deepEqual(firing({ type: 'DeviationBelow', value: 30, limit: 2.1 }, probe), [27, 27.9]);
});

test('a value of a type the rule does not compare neither raises nor clears', (t) => {
  const above = compileAlertRule({ item: 'X', alert: 'A', type: 'Above', limit: 1 });
  t.is(conditionHolds(above, 'hot'), undefined);
  t.is(conditionHolds(above, true), undefined);
  t.is(conditionHolds(above, Number.NaN), undefined);
  const equal = compileAlertRule({ item: 'X', alert: 'A', type: 'NotEqualTo', value: 'idle' });
  t.is(conditionHolds(equal, 3), undefined);
});

test('defaults are filled in when a rule is compiled', (t) => {
  t.deepEqual(compileAlertRule({ item: 'VatTemperature', type: 'InRange', minimum: 28, maximum: 32, alert: 'VatOk' }), {
    item: 'VatTemperature',
    alert: 'VatOk',
    severity: 'warning',
    type: 'InRange',
    minimum: 28,
    minimumInclusive: true,
    maximum: 32,
    maximumInclusive: false,
    hysteresis: 0,
    raiseAfterMs: 0,
  });
  t.like(compileAlertRule({ item: 'X', type: 'Above', limit: 1, alert: 'A', severity: 'critical' }), {
    severity: 'critical',
    limitInclusive: true,
  });
});

test('bad rules are refused with HEALTH_RULE_INVALID naming the rule and the field', (t) => {
  const cases: Array<[unknown, string]> = [
    [null, ''],
    [{ type: 'Above', limit: 1, alert: 'A' }, 'item'],
    [{ item: 'X', type: 'Above', limit: 1 }, 'alert'],
    [{ item: 'X', type: 'Hotter', limit: 1, alert: 'A' }, 'type'],
    [{ item: 'X', type: 'Above', alert: 'A' }, 'limit'],
    [{ item: 'X', type: 'Above', limit: '10', alert: 'A' }, 'limit'],
    [{ item: 'X', type: 'Above', limit: Number.POSITIVE_INFINITY, alert: 'A' }, 'limit'],
    [{ item: 'X', type: 'Above', limit: 1, limitInclusive: 'yes', alert: 'A' }, 'limitInclusive'],
    [{ item: 'X', type: 'Above', limit: 1, minimum: 0, alert: 'A' }, 'minimum'],
    [{ item: 'X', type: 'Above', limit: 1, limitInclusiv: false, alert: 'A' }, 'limitInclusiv'],
    [{ item: 'X', type: 'InRange', minimum: 5, maximum: 4, alert: 'A' }, 'minimum'],
    [{ item: 'X', type: 'OutOfRange', minimum: 5, alert: 'A' }, 'maximum'],
    [{ item: 'X', type: 'EqualTo', alert: 'A' }, 'value'],
    [{ item: 'X', type: 'EqualTo', value: null, alert: 'A' }, 'value'],
    [{ item: 'X', type: 'DeviationAbove', limit: 1, alert: 'A' }, 'value'],
    [{ item: 'X', type: 'DeviationAbove', value: 'thirty', limit: 1, alert: 'A' }, 'value'],
    [{ item: 'X', type: 'DeviationBelow', value: 30, limit: -1, alert: 'A' }, 'limit'],
    [{ item: 'X', type: 'Above', limit: 1, alert: 'A', severity: '' }, 'severity'],
  ];
  cases.forEach(([rule, field], index) => {
    const error = t.throws(() => compileAlertRule(rule, index), { instanceOf: HealthError }, JSON.stringify(rule));
    t.like(error, { code: 'HEALTH_RULE_INVALID', context: { ruleIndex: index, field } }, JSON.stringify(rule));
  });
});
