import test from 'ava';
import { createAlertTracker } from '../../domain/health/alert-tracker.js';
import { compileAlertRule, holdingRule, type AlertRule } from '../../domain/health/rules.js';
import type { Reading, ReadingValue } from '../../domain/readings.js';

const T0 = 1_764_238_500_000;

/** A reading at device time `time` that arrived at `receivedAt` (the adapter's clock; the same by default). */
function reading(value: ReadingValue, time: number, receivedAt = time, item = 'VatTemperature'): Reading {
  return { printer: 'p01', item, value, time, receivedAt, quality: 'GOOD', source: 'filebeat' };
}

/** 100 samples one second apart alternating limit ± 0.1: the value the field saw hover at its limit. */
function hovering(limit: number, count = 100): number[] {
  return Array.from({ length: count }, (_, index) => (index % 2 === 0 ? limit + 0.1 : limit - 0.1));
}

function states(rule: AlertRule, values: readonly ReadingValue[], stepMs = 1_000): string[] {
  const tracker = createAlertTracker([rule]);
  return values.flatMap((value, index) =>
    tracker.observe(reading(value, T0 + index * stepMs, T0 + index * stepMs, rule.item)).map((t) => t.state),
  );
}

test('without hysteresis a value hovering at its limit flaps on every sample (the field report: 143 rows a minute)', (t) => {
  const flaps = states({ item: 'VatTemperature', type: 'Above', limit: 32, alert: 'VatTooHot' }, hovering(32));
  t.is(flaps.length, 100);
});

test('with hysteresis a value hovering at its limit raises exactly once and clears at most once', (t) => {
  const rules: AlertRule[] = [
    { item: 'VatTemperature', type: 'Above', limit: 32, alert: 'VatTooHot', hysteresis: 0.5 },
    { item: 'VatTemperature', type: 'Below', limit: 28, alert: 'VatTooCold', hysteresis: 0.5 },
    { item: 'VatTemperature', type: 'OutOfRange', minimum: 28, maximum: 32, alert: 'VatOut', hysteresis: 0.5 },
    { item: 'VatTemperature', type: 'InRange', minimum: 32, maximum: 40, alert: 'VatIn', hysteresis: 0.5 },
    { item: 'VatTemperature', type: 'DeviationAbove', value: 30, limit: 2, alert: 'VatDriftUp', hysteresis: 0.5 },
    { item: 'VatTemperature', type: 'DeviationBelow', value: 30, limit: 2, alert: 'VatDriftDown', hysteresis: 0.5 },
  ];
  for (const rule of rules) {
    const edge = rule.type === 'Below' || rule.type === 'DeviationBelow' ? 28 : 32;
    const seen = states(rule, [...hovering(edge), 30]);
    t.deepEqual(seen.slice(0, -1), ['raised'], `${rule.alert}: hovering raised ${seen.length - 1} transitions`);
  }
  // Coming back well inside clears once.
  t.deepEqual(states(rules[0]!, [...hovering(32), 31.6, 31.4, 31.0]), ['raised', 'cleared']);
});

test('the clear edge is the limit moved back by the hysteresis, and hysteresis 0 is the plain rule', (t) => {
  const rule: AlertRule = { item: 'VatTemperature', type: 'Above', limit: 32, alert: 'VatTooHot', hysteresis: 1 };
  t.deepEqual(
    states(rule, [32, 31.5, 31.01, 31, 30.99, 32]),
    ['raised', 'cleared', 'raised'],
    'clears below 31, not at it (inclusive limit)',
  );
  const plain = compileAlertRule({ item: 'VatTemperature', type: 'Above', limit: 32, alert: 'A' });
  t.is(holdingRule(plain), plain);
  const range = compileAlertRule({ item: 'X', type: 'OutOfRange', minimum: 28, maximum: 32, alert: 'A', hysteresis: 1 });
  t.like(holdingRule(range), { minimum: 29, maximum: 31 });
});

test('raiseAfterMs: a spike shorter than the duration raises nothing; a sustained excursion raises once', (t) => {
  const rule: AlertRule = { item: 'VatTemperature', type: 'Above', limit: 32, alert: 'VatTooHot', raiseAfterMs: 5_000 };
  const tracker = createAlertTracker([rule]);
  // a 4 s spike, sampled every second
  const spike = [31, 33, 34, 34, 33, 31.5].flatMap((value, index) => tracker.observe(reading(value, T0 + index * 1_000)));
  t.deepEqual(spike, []);
  t.deepEqual(tracker.due(T0 + 60_000), [], 'a spike that ended is not raised later either');
  // sustained from 10 s on
  const start = T0 + 10_000;
  const sustained = Array.from({ length: 30 }, (_, index) => tracker.observe(reading(33 + (index % 3), start + index * 1_000))).flat();
  t.deepEqual(
    sustained.map((x) => `${x.state}@${x.time - start}`),
    ['raised@5000'],
  );
  t.is(sustained[0]?.value, 33 + (5 % 3), 'the value that completed the duration is sent');
});

test('raiseAfterMs: an excursion with no further readings is raised by due() on the adapter clock, once', (t) => {
  const rule: AlertRule = { item: 'ResinLevel', type: 'Below', limit: 10, alert: 'ResinLow', raiseAfterMs: 30_000, severity: 'critical' };
  const tracker = createAlertTracker([rule]);
  // device clock 2 s behind the adapter's
  t.deepEqual(tracker.observe(reading(8, T0, T0 + 2_000, 'ResinLevel')), []);
  t.is(tracker.pending().length, 1);
  t.deepEqual(tracker.due(T0 + 2_000 + 29_999), []);
  const raised = tracker.due(T0 + 2_000 + 30_000);
  t.deepEqual(raised, [
    { alert: 'ResinLow', item: 'ResinLevel', printer: 'p01', state: 'raised', value: 8, time: T0 + 30_000, severity: 'critical' },
  ]);
  t.deepEqual(tracker.due(T0 + 120_000), []);
  t.deepEqual(tracker.observe(reading(7, T0 + 40_000, T0 + 42_000, 'ResinLevel')), [], 'still raised: no second raise');
  t.is(tracker.active().length, 1);
  t.deepEqual(tracker.pending(), []);
  // a late reading dated before the estimated raise clears it, dated no earlier than the raise
  t.like(tracker.observe(reading(50, T0 + 20_000, T0 + 43_000, 'ResinLevel'))[0], { state: 'cleared', time: T0 + 30_000 });
});

test('raiseAfterMs: a reading back inside the limit, or a BAD one, ends the wait', (t) => {
  const rule: AlertRule = { item: 'VatTemperature', type: 'Above', limit: 32, alert: 'VatTooHot', raiseAfterMs: 5_000 };
  const tracker = createAlertTracker([rule]);
  tracker.observe(reading(33, T0));
  tracker.observe(reading(31, T0 + 1_000));
  t.deepEqual(tracker.pending(), []);
  tracker.observe(reading(33, T0 + 2_000));
  tracker.observe({ ...reading(33, T0 + 3_000), quality: 'BAD', source: 'poll' });
  t.deepEqual(tracker.pending(), []);
  t.deepEqual(tracker.due(T0 + 60_000), []);
  // the wait starts again with the next excursion, measured from its own first reading
  t.deepEqual(tracker.observe(reading(33, T0 + 10_000)), []);
  t.like(tracker.observe(reading(33, T0 + 15_000))[0], { state: 'raised', time: T0 + 15_000 });
});

test('raiseAfterMs and hysteresis together: hovering raises once after the duration, then holds', (t) => {
  const rule: AlertRule = { item: 'VatTemperature', type: 'Above', limit: 32, alert: 'VatTooHot', raiseAfterMs: 3_000, hysteresis: 0.5 };
  // hovering around the limit never holds 3 s above it, so only a sustained part raises
  t.deepEqual(states(rule, hovering(32)), []);
  t.deepEqual(states(rule, [33, 33, 33, 33, ...hovering(32), 31]), ['raised', 'cleared']);
});

test('EqualTo with raiseAfterMs debounces a state that flickers', (t) => {
  const rule: AlertRule = { item: 'BuildState', type: 'EqualTo', value: 'error', alert: 'BuildFailed', raiseAfterMs: 2_000 };
  const values = ['building', 'error', 'building', 'error', 'building', 'error', 'error', 'error', 'idle'];
  t.deepEqual(states(rule, values), ['raised', 'cleared']);
});

test('bad hysteresis or raiseAfterMs is refused with HEALTH_RULE_INVALID naming the field', (t) => {
  const cases: Array<[unknown, string]> = [
    [{ item: 'X', type: 'Above', limit: 1, alert: 'A', hysteresis: -0.1 }, 'hysteresis'],
    [{ item: 'X', type: 'Above', limit: 1, alert: 'A', hysteresis: '1' }, 'hysteresis'],
    [{ item: 'X', type: 'OutOfRange', minimum: 0, maximum: 2, alert: 'A', hysteresis: 1 }, 'hysteresis'],
    [{ item: 'X', type: 'DeviationAbove', value: 30, limit: 1, alert: 'A', hysteresis: 1.5 }, 'hysteresis'],
    [{ item: 'X', type: 'EqualTo', value: 'error', alert: 'A', hysteresis: 1 }, 'hysteresis'],
    [{ item: 'X', type: 'Above', limit: 1, alert: 'A', raiseAfterMs: -1 }, 'raiseAfterMs'],
    [{ item: 'X', type: 'Above', limit: 1, alert: 'A', raiseAfterMs: 1.5 }, 'raiseAfterMs'],
  ];
  for (const [rule, field] of cases) {
    const error = t.throws(() => compileAlertRule(rule), undefined, JSON.stringify(rule)) as {
      code?: string;
      context?: { field?: string };
    };
    t.is(error.code, 'HEALTH_RULE_INVALID');
    t.is(error.context?.field, field, JSON.stringify(rule));
  }
  t.like(compileAlertRule({ item: 'X', type: 'OutOfRange', minimum: 0, maximum: 2, alert: 'A', hysteresis: 0.9 }), { hysteresis: 0.9 });
  t.like(compileAlertRule({ item: 'X', type: 'OutOfRange', minimum: 2, maximum: 2, alert: 'A' }), { hysteresis: 0 });
});
