import test from 'ava';
import { accountDeliveries, sameValue } from '../../../sim/printers/delivery-account.js';
import type { SimulatedFleet } from '../../../sim/printers/fleet.js';
import type { ExpectedReading } from '../../../sim/printers/ledger.js';
import type { RecordedVtq } from '../../../sim/thingworx/stand-in.js';

const T0 = 1_800_000_000_000;

/** Only what accountDeliveries reads of a fleet: the readings of one acknowledged event, and the event totals. */
function fleetThatAcked(expected: ExpectedReading[]): SimulatedFleet {
  const source = { events_sent: 1, events_acked: 1, readings_acked: expected.length };
  const none = { events_sent: 0, events_acked: 0, readings_acked: 0 };
  return {
    expectedAcked: () => expected,
    counters: () => ({ totals: { filebeat: source, metricbeat: none, push: none } }),
  } as unknown as SimulatedFleet;
}

const pushed = (item: string, value: ExpectedReading['value'], time: number): ExpectedReading => ({
  printer: 'p01',
  thing: 'Printer-p01',
  item,
  value,
  time,
  source: 'push',
});
const row = (name: string, value: RecordedVtq['value'], time: number): RecordedVtq => ({
  name,
  value,
  baseType: typeof value === 'number' ? 'NUMBER' : typeof value === 'boolean' ? 'BOOLEAN' : 'STRING',
  time,
  quality: 'GOOD',
  thing: 'Printer-p01',
  arrivedAt: time + 50,
  via: 'UpdatePropertyValues',
});

test('a reading ThingWorx holds twice with the same value is a duplicate', (t) => {
  const account = accountDeliveries(fleetThatAcked([pushed('LaserPower', 472, T0), pushed('OxygenPpm', 418, T0)]), [
    row('LaserPower', 472, T0),
    row('OxygenPpm', 418, T0),
    row('LaserPower', 472, T0),
  ]);
  t.is(account.duplicates, 1);
  t.is(account.lost, 0);
});

test('another reading at the same property and millisecond (a poll row) is not a duplicate', (t) => {
  const account = accountDeliveries(fleetThatAcked([pushed('OxygenPpm', 418, T0)]), [row('OxygenPpm', 405, T0), row('OxygenPpm', 418, T0)]);
  t.is(account.duplicates, 0);
  t.is(account.lost, 0);
  t.is(account.delivered, 1);
});

test('a reading ThingWorx does not hold makes its event lost, and names it', (t) => {
  const account = accountDeliveries(fleetThatAcked([pushed('LaserPower', 472, T0), pushed('OxygenPpm', 418, T0)]), [
    row('LaserPower', 472, T0),
  ]);
  t.is(account.lost, 1);
  t.is(account.delivered, 0);
  t.deepEqual(account.lostExamples, [`p01 push OxygenPpm@${T0}`]);
});

test('a reading ThingWorx holds with its value changed by +1000 makes its event lost, and names Thing, item, time, expected and got', (t) => {
  const account = accountDeliveries(fleetThatAcked([pushed('LaserPower', 472, T0), pushed('OxygenPpm', 418, T0)]), [
    row('LaserPower', 472, T0),
    row('OxygenPpm', 418 + 1000, T0),
  ]);
  t.is(account.lost, 1);
  t.is(account.corrupted, 1);
  t.is(account.delivered, 0);
  const named = `p01 push Printer-p01 OxygenPpm@${T0} expected 418 got 1418`;
  t.deepEqual(account.corruptedExamples, [named]);
  t.deepEqual(account.lostExamples, [named]);
});

test('a poll row at the same millisecond does not hide a corrupted event reading; every value held there is named', (t) => {
  const account = accountDeliveries(fleetThatAcked([pushed('OxygenPpm', 418, T0)]), [
    row('OxygenPpm', 405, T0),
    row('OxygenPpm', 1418, T0),
  ]);
  t.is(account.corrupted, 1);
  t.deepEqual(account.corruptedExamples, [`p01 push Printer-p01 OxygenPpm@${T0} expected 418 got 405 | 1418`]);
});

test('strings, integers and booleans must match exactly, in type too', (t) => {
  const cases: Array<[ExpectedReading['value'], RecordedVtq['value']]> = [
    ['J-00042', 'J-00043'],
    ['building', 'Building'],
    ['E1203', 'E1203 '],
    [152, 153],
    [418, '418'],
    ['418', 418],
    [true, false],
    [true, 1],
    [false, 0],
  ];
  for (const [expected, got] of cases) {
    const account = accountDeliveries(fleetThatAcked([pushed('Item', expected, T0)]), [row('Item', got, T0)]);
    t.is(account.corrupted, 1, `${JSON.stringify(expected)} held as ${JSON.stringify(got)}`);
  }
  for (const same of ['J-00042', 152, true, false]) {
    t.is(accountDeliveries(fleetThatAcked([pushed('Item', same, T0)]), [row('Item', same, T0)]).lost, 0, JSON.stringify(same));
  }
});

test('numbers match bit for bit: one unit in the last place is a different value', (t) => {
  t.false(sameValue(0.3, 0.1 + 0.2));
  t.false(sameValue(30.1, 30.1 + 2 ** -48));
  t.true(sameValue(30.1, Number('30.1')));
  t.true(sameValue(0.4523, 4523 / 10_000), 'a Metricbeat fraction read back from its digits');
  const account = accountDeliveries(fleetThatAcked([pushed('VatTemperature', 0.3, T0)]), [row('VatTemperature', 0.1 + 0.2, T0)]);
  t.deepEqual(account.corruptedExamples, [`p01 push Printer-p01 VatTemperature@${T0} expected 0.3 got 0.30000000000000004`]);
});

test('zero and NaN are decided deliberately: -0 arrives as 0 (JSON has no -0), 0 held as -0 is wrong, NaN never matches', (t) => {
  t.true(sameValue(-0, 0), 'the wire writes -0 as 0');
  t.false(sameValue(0, -0), 'a 0 held as -0 was changed on the way');
  t.false(sameValue(Number.NaN, Number.NaN), 'the adapter refuses NaN: an expected NaN can never have been delivered');
  t.false(sameValue(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY));
  const account = accountDeliveries(fleetThatAcked([pushed('ChamberHumidity', 0, T0)]), [row('ChamberHumidity', -0, T0)]);
  t.deepEqual(account.corruptedExamples, [`p01 push Printer-p01 ChamberHumidity@${T0} expected 0 got -0`]);
});

test('a re-sent copy with the right value is a duplicate, not corruption', (t) => {
  const account = accountDeliveries(fleetThatAcked([pushed('OxygenPpm', 418, T0)]), [row('OxygenPpm', 418, T0), row('OxygenPpm', 418, T0)]);
  t.is(account.duplicates, 1);
  t.is(account.lost, 0);
  t.is(account.corrupted, 0);
});
