import test from 'ava';
import { resolveUplinkLimits } from '../../actors/uplink/limits.js';
import { checkRoom } from '../../actors/uplink/queue-caps.js';

const limits = resolveUplinkLimits({
  maxQueuedReadings: 1000,
  maxQueuedBytes: 100_000,
  perThingShare: 0.5,
  alertReserve: 0.1,
});
const empty = { readings: 0, bytes: 0 };

test('fits while below every cap', (t) => {
  t.deepEqual(checkRoom(limits, 'event', { readings: 400, bytes: 1 }, empty, { readings: 100, bytes: 100 }), {
    kind: 'fits',
  });
});

test('routine lanes leave the alert reserve free; alerts may use it', (t) => {
  const total = { readings: 850, bytes: 0 };
  const need = { readings: 100, bytes: 10 };
  t.deepEqual(checkRoom(limits, 'state', total, empty, need), { kind: 'busy', reason: 'queue-readings-full' });
  t.deepEqual(checkRoom(limits, 'alert', total, empty, need), { kind: 'fits' });
});

test('bytes and the per-Thing share are caps of their own', (t) => {
  t.deepEqual(checkRoom(limits, 'event', { readings: 0, bytes: 89_000 }, empty, { readings: 1, bytes: 2000 }), {
    kind: 'busy',
    reason: 'queue-bytes-full',
  });
  t.deepEqual(checkRoom(limits, 'event', { readings: 450, bytes: 0 }, { readings: 450, bytes: 0 }, { readings: 51, bytes: 1 }), {
    kind: 'busy',
    reason: 'thing-share-full',
  });
});

test('a batch that could never fit is too large, not busy', (t) => {
  const verdict = checkRoom(limits, 'event', empty, empty, { readings: 501, bytes: 1 });
  t.is(verdict.kind, 'too-large');
  t.is(checkRoom(limits, 'event', empty, empty, { readings: 10, bytes: 60_000 }).kind, 'too-large');
});
