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

test("a batch over a Thing's share is admitted alone: once its Thing is empty and its lane has room", (t) => {
  const huge = { readings: 501, bytes: 1 };
  t.deepEqual(checkRoom(limits, 'event', empty, empty, huge), { kind: 'fits' });
  // Larger than the whole lane (900) too: still admitted alone, never refused for good.
  t.deepEqual(checkRoom(limits, 'event', { readings: 300, bytes: 0 }, empty, { readings: 5000, bytes: 1 }), { kind: 'fits' });
  t.deepEqual(checkRoom(limits, 'event', { readings: 300, bytes: 0 }, { readings: 1, bytes: 1 }, huge), {
    kind: 'busy',
    reason: 'thing-share-full',
  });
  t.deepEqual(checkRoom(limits, 'event', { readings: 900, bytes: 0 }, empty, huge), { kind: 'busy', reason: 'queue-readings-full' });
  t.deepEqual(checkRoom(limits, 'event', { readings: 0, bytes: 90_000 }, empty, { readings: 10, bytes: 60_000 }), {
    kind: 'busy',
    reason: 'queue-bytes-full',
  });
});
