import test from 'ava';
import { createAlertTracker } from '../../domain/health/alert-tracker.js';
import type { AlertRule } from '../../domain/health/rules.js';
import type { Quality, Reading, ReadingValue } from '../../domain/readings.js';

let clock = 1_764_238_500_000;
function reading(item: string, value: ReadingValue, printer = 'p01', quality: Quality = 'GOOD'): Reading {
  clock += 1000;
  return { printer, item, value, time: clock, receivedAt: clock, quality, source: 'filebeat' };
}

const VAT_HOT: AlertRule = { item: 'VatTemperature', type: 'Above', limit: 32, alert: 'VatTooHot', severity: 'critical' };

/** Feeds values in order; returns "value:state" for each transition. */
function feed(rules: AlertRule[], item: string, values: ReadingValue[]): string[] {
  const tracker = createAlertTracker(rules);
  return values.flatMap((value) => tracker.observe(reading(item, value)).map((transition) => `${String(value)}:${transition.state}`));
}

test('an alert is raised once when its condition becomes true and cleared once when it stops', (t) => {
  t.deepEqual(feed([VAT_HOT], 'VatTemperature', [30, 31, 32, 33, 34, 32.5, 31.9, 31, 30, 33, 30]), [
    '32:raised',
    '31.9:cleared',
    '33:raised',
    '30:cleared',
  ]);
});

test('a value that is normal from the start never produces a transition', (t) => {
  t.deepEqual(feed([VAT_HOT], 'VatTemperature', [30, 30.5, 31, 31.9]), []);
});

test('a transition carries alert, item, printer, value, the reading time and severity', (t) => {
  const tracker = createAlertTracker([VAT_HOT]);
  const hot = reading('VatTemperature', 33);
  t.deepEqual(tracker.observe(hot), [
    { alert: 'VatTooHot', item: 'VatTemperature', printer: 'p01', state: 'raised', value: 33, time: hot.time, severity: 'critical' },
  ]);
  t.deepEqual(tracker.active(), [
    { alert: 'VatTooHot', item: 'VatTemperature', printer: 'p01', severity: 'critical', value: 33, raisedAt: hot.time },
  ]);
  const cool = reading('VatTemperature', 30);
  t.like(tracker.observe(cool)[0], { state: 'cleared', value: 30, time: cool.time });
  t.deepEqual(tracker.active(), []);
});

test('each printer has its own alert state', (t) => {
  const tracker = createAlertTracker([VAT_HOT]);
  t.is(tracker.observe(reading('VatTemperature', 33, 'p01')).length, 1);
  t.like(tracker.observe(reading('VatTemperature', 33, 'p02'))[0], { printer: 'p02', state: 'raised' });
  t.deepEqual(tracker.observe(reading('VatTemperature', 34, 'p01')), [], 'p01 stays raised');
  t.like(tracker.observe(reading('VatTemperature', 30, 'p02'))[0], { printer: 'p02', state: 'cleared' });
  t.deepEqual(
    tracker.active().map((alert) => alert.printer),
    ['p01'],
  );
});

test('several rules on one item move independently; other items are not touched', (t) => {
  const rules: AlertRule[] = [
    VAT_HOT,
    { item: 'VatTemperature', type: 'Below', limit: 28, alert: 'VatTooCold' },
    { item: 'VatTemperature', type: 'DeviationAbove', value: 30, limit: 1, alert: 'VatDrifting', severity: 'info' },
    { item: 'ResinLevel', type: 'Below', limit: 10, alert: 'ResinLow' },
  ];
  const tracker = createAlertTracker(rules);
  const names = (value: number) => tracker.observe(reading('VatTemperature', value)).map((x) => `${x.alert}:${x.state}`);
  t.deepEqual(names(31), ['VatDrifting:raised']);
  t.deepEqual(names(32), ['VatTooHot:raised']);
  t.deepEqual(names(27), ['VatTooHot:cleared', 'VatTooCold:raised', 'VatDrifting:cleared']);
  t.deepEqual(names(29), ['VatTooCold:cleared']);
  t.deepEqual(tracker.observe(reading('ChamberTemperature', 99)), []);
  t.like(tracker.observe(reading('ResinLevel', 5))[0], { alert: 'ResinLow', severity: 'warning' });
});

test('state alerts on strings: EqualTo raises on entering the value and clears on leaving it', (t) => {
  const rules: AlertRule[] = [{ item: 'BuildState', type: 'EqualTo', value: 'error', alert: 'BuildFailed', severity: 'critical' }];
  t.deepEqual(feed(rules, 'BuildState', ['building', 'error', 'error', 'idle', 'error']), ['error:raised', 'idle:cleared', 'error:raised']);
});

test('InRange and OutOfRange sequences respect the inclusive edges', (t) => {
  const inRange: AlertRule = { item: 'OxygenPpm', type: 'InRange', minimum: 100, maximum: 1000, alert: 'O2Window' };
  t.deepEqual(feed([inRange], 'OxygenPpm', [50, 100, 999, 1000, 1000, 99]), ['100:raised', '1000:cleared']);
  const outOfRange: AlertRule = { ...inRange, type: 'OutOfRange', maximumInclusive: true, alert: 'O2Out' };
  t.deepEqual(feed([outOfRange], 'OxygenPpm', [500, 1000, 1001, 1000, 100, 99]), ['1001:raised', '1000:cleared', '99:raised']);
});

test('BAD and UNKNOWN readings and values of the wrong type leave the state alone', (t) => {
  const tracker = createAlertTracker([VAT_HOT]);
  t.is(tracker.observe(reading('VatTemperature', 33)).length, 1);
  t.deepEqual(tracker.observe(reading('VatTemperature', 20, 'p01', 'BAD')), []);
  t.deepEqual(tracker.observe(reading('VatTemperature', 20, 'p01', 'UNKNOWN')), []);
  t.deepEqual(tracker.observe(reading('VatTemperature', 'sensor fault')), []);
  t.is(tracker.active().length, 1, 'still raised');
  t.like(tracker.observe(reading('VatTemperature', 20))[0], { state: 'cleared' });
});

test('invalid rules and duplicate alert names on one item are refused up front', (t) => {
  t.throws(() => createAlertTracker([{ item: 'X', type: 'Above', alert: 'A' }]), { message: /limit/ });
  const error = t.throws(() => createAlertTracker([VAT_HOT, { ...VAT_HOT, limit: 40 }]));
  t.like(error, { code: 'HEALTH_RULE_INVALID', context: { ruleIndex: 1, alert: 'VatTooHot' } });
  t.notThrows(() => createAlertTracker([VAT_HOT, { ...VAT_HOT, item: 'ChamberTemperature' }]));
});
