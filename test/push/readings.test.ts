import test from 'ava';
import { pushReadings } from '../../protocols/push/readings.js';

test("push readings carry printer, device time, source and the message's one event id, which a re-send repeats", (t) => {
  const delivery = {
    printerId: 'p03',
    seq: 41,
    time: 1_764_238_502_123,
    readings: [
      { item: 'OxygenPpm', value: 380, unit: 'ppm' },
      { item: 'BuildState', value: 'building' },
    ],
  };
  const readings = pushReadings(delivery, 1_764_238_503_000);
  t.deepEqual(readings[0], {
    printer: 'p03',
    item: 'OxygenPpm',
    value: 380,
    unit: 'ppm',
    time: 1_764_238_502_123,
    receivedAt: 1_764_238_503_000,
    quality: 'GOOD',
    source: 'push',
    eventId: 'p03/push/41@1764238502123',
  });
  t.is(readings[1]?.unit, undefined, 'no unit when the printer sent none');
  t.is(readings[1]?.eventId, 'p03/push/41@1764238502123', 'the readings of one message are one event');
  t.deepEqual(
    pushReadings(delivery, 1).map((r) => r.eventId),
    readings.map((r) => r.eventId),
  );
  t.not(pushReadings({ ...delivery, seq: 42 }, 1)[0]?.eventId, readings[0]?.eventId, 'the next message is another event');
});

test("with the catalog's item names a reading takes the catalog's string; an unknown item keeps its own", (t) => {
  const delivery = {
    printerId: 'p03',
    seq: 1,
    time: 1_764_238_502_123,
    readings: [
      { item: 'OxygenPpm', value: 380 },
      { item: 'NotCatalogued', value: 1 },
    ],
  };
  // Mapped to a different spelling only to see which string is used; the catalog maps each name to itself.
  const names = new Map([['OxygenPpm', 'OxygenPpm (catalog)']]);
  t.deepEqual(
    pushReadings(delivery, 1, names).map((reading) => reading.item),
    ['OxygenPpm (catalog)', 'NotCatalogued'],
  );
});
