import test from 'ava';
import { accountDeliveries } from '../../../sim/printers/delivery-account.js';
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

const pushed = (item: string, value: number, time: number): ExpectedReading => ({ printer: 'p01', thing: 'Printer-p01', item, value, time, source: 'push' });
const row = (name: string, value: number, time: number): RecordedVtq => ({
  name,
  value,
  baseType: 'NUMBER',
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
  const account = accountDeliveries(fleetThatAcked([pushed('LaserPower', 472, T0), pushed('OxygenPpm', 418, T0)]), [row('LaserPower', 472, T0)]);
  t.is(account.lost, 1);
  t.is(account.delivered, 0);
  t.deepEqual(account.lostExamples, [`p01 push OxygenPpm@${T0}`]);
});
