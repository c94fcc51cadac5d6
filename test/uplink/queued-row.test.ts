import test from 'ava';
import type { UplinkNotice } from '../../actors/uplink/messages.js';
import { BatchTracker, EventTracker, estimateEventBytes, estimateRowBytes, QueuedRow } from '../../actors/uplink/queued-row.js';
import { actorAddress } from '../../supervision/index.js';

const T = 1_764_238_502_123;
const SENDER = actorAddress<UplinkNotice>('collector/p01');

test('a queued row serialises as its NamedVTQ wire row only: the bookkeeping stays private', (t) => {
  const batch = new BatchTracker('b1', SENDER, 1);
  const event = new EventTracker('p01/push/7', batch);
  const row = new QueuedRow('JobName', 'J-7', T, 'GOOD', 'event', batch, event, true);
  row.phase = 'in-flight';
  t.is(JSON.stringify(row), '{"name":"JobName","value":"J-7","time":1764238502123,"quality":"GOOD"}');
  t.deepEqual(Object.keys(row), ['name', 'value', 'time', 'quality']);
});

test('phase, lane and bytes are kept apart in the packed bookkeeping', (t) => {
  const batch = new BatchTracker('b1', SENDER, 1);
  const event = new EventTracker('p01/push/7', batch);
  for (const lane of ['alert', 'event', 'state'] as const) {
    const charged = new QueuedRow('A', 'four', T, 'GOOD', lane, batch, event, true);
    const uncharged = new QueuedRow('A', 1.5, T, 'GOOD', lane, batch, event, false);
    for (const phase of ['in-flight', 'done', 'queued'] as const) {
      charged.phase = phase;
      t.is(charged.phase, phase);
      t.is(charged.lane, lane);
    }
    t.is(charged.bytes, estimateRowBytes('four') + estimateEventBytes('p01/push/7'));
    t.is(uncharged.bytes, estimateRowBytes(1.5));
    // A conflated row's bytes follow its new value.
    uncharged.value = 'longer text';
    t.is(uncharged.bytes, estimateRowBytes('longer text'));
  }
});

test('an event counts its rows and remembers a refusal independently', (t) => {
  const event = new EventTracker('e', new BatchTracker('b', SENDER, 1));
  t.true(event.allAccepted);
  event.remaining += 3;
  event.allAccepted = false;
  event.remaining -= 1;
  t.is(event.remaining, 2);
  t.false(event.allAccepted);
  event.allAccepted = true;
  t.is(event.remaining, 2);
  t.true(event.allAccepted);
});
