import test from 'ava';
import { badPollReadings, pollReadings } from '../../protocols/printer/poll-readings.js';
import type { Reading } from '../../domain/readings.js';

const AT = 1_764_238_502_123;
const job = { id: 'J-00042', state: 'building', layer: 152, layers: 1200, startedAt: AT - 60_000, estimatedEndAt: AT + 3_600_000 } as const;

test('a status with a job becomes the six catalogued status items', (t) => {
  const readings = pollReadings('p01', { status: { state: 'building', job } }, AT);
  t.deepEqual(
    readings.map(({ item, value }) => [item, value]),
    [
      ['BuildState', 'building'],
      ['JobId', 'J-00042'],
      ['Layer', 152],
      ['LayerCount', 1200],
      ['BuildStartedAt', AT - 60_000],
      ['BuildEstimatedEndAt', AT + 3_600_000],
    ],
  );
  for (const reading of readings) {
    t.like(reading, { printer: 'p01', time: AT, receivedAt: AT, quality: 'GOOD', source: 'poll' });
    t.is(reading.eventId, undefined, 'poll readings are state, conflated by item, not events');
  }
});

test('without a job only BuildState is reported', (t) => {
  t.deepEqual(
    pollReadings('p02', { status: { state: 'idle' } }, AT).map(({ item }) => item),
    ['BuildState'],
  );
});

test('sensors and consumables pass through by item name', (t) => {
  const readings = pollReadings(
    'p01',
    { sensors: { VatTemperature: 30.1, RecoaterState: 'ok', DoorClosed: true }, consumables: { ResinLevel: 71.5 } },
    AT,
  );
  t.deepEqual(
    readings.map(({ item, value }) => [item, value]),
    [
      ['VatTemperature', 30.1],
      ['RecoaterState', 'ok'],
      ['DoorClosed', true],
      ['ResinLevel', 71.5],
    ],
  );
  t.deepEqual(pollReadings('p01', {}, AT), []);
});

test('a failed poll repeats the last good readings as BAD at the failure time', (t) => {
  const lastGood: Reading[] = [
    ...pollReadings('p01', { status: { state: 'building', job }, sensors: { VatTemperature: 30.1 } }, AT - 5000),
    { printer: 'p01', item: 'CpuUsage', value: 0.2, time: AT, receivedAt: AT, quality: 'GOOD', source: 'metricbeat' },
    { printer: 'p02', item: 'BuildState', value: 'idle', time: AT, receivedAt: AT, quality: 'GOOD', source: 'poll' },
  ];
  const bad = badPollReadings('p01', lastGood, AT);
  t.deepEqual(
    bad.map(({ item, value }) => [item, value]),
    [
      ['BuildState', 'building'],
      ['JobId', 'J-00042'],
      ['Layer', 152],
      ['LayerCount', 1200],
      ['BuildStartedAt', AT - 60_000],
      ['BuildEstimatedEndAt', AT + 3_600_000],
      ['VatTemperature', 30.1],
    ],
    'only this printer and only poll readings',
  );
  for (const reading of bad) t.like(reading, { printer: 'p01', quality: 'BAD', source: 'poll', time: AT, receivedAt: AT });
});

test('a printer never reached is reported BuildState offline, BAD', (t) => {
  t.deepEqual(badPollReadings('p03', [], AT), [
    { printer: 'p03', item: 'BuildState', value: 'offline', time: AT, receivedAt: AT, quality: 'BAD', source: 'poll' },
  ]);
});
