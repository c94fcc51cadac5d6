import test from 'ava';
import { settle } from './fake-clock.js';
import { batch, createHarness, reading, series } from './harness.js';
import { DELIVERED } from './scripted-transport.js';

const limits = {
  maxQueuedReadings: 100,
  perThingShare: 1,
  alertReserve: 0,
  maxRowsPerCall: 50,
  flushIntervalMs: 100,
};

test('a full queue answers busy, all or nothing, and tells the sender when its batch fits', async (t) => {
  const h = createHarness({ limits });
  h.transport.respond = () => undefined; // hold calls in flight
  await settle();
  t.deepEqual(h.engine.offer(batch('b1', 'T1', series('A', 60), 'event', 'collector/p01')), { kind: 'accepted' });
  await h.clock.advance(0);
  t.is(h.transport.pending.length, 1, 'a full call (maxRowsPerCall) goes at once');

  const refused = batch('b2', 'T1', series('B', 50), 'event', 'collector/p02');
  t.deepEqual(h.engine.offer(refused), { kind: 'busy', reason: 'queue-readings-full' });
  t.is(h.engine.status().queue.readings, 60, 'nothing of a busy batch is queued');
  t.is(h.engine.status().queue.waitingSenders, 1);
  t.deepEqual(h.spaceAvailable, []);

  h.transport.pending[0]?.settle(DELIVERED);
  await settle();
  t.deepEqual(h.spaceAvailable, ['collector/p02'], 'told once its 50 readings fit beside the 10 left');
  t.deepEqual(h.delivered, [], 'b1 still has 10 readings undelivered');

  t.deepEqual(h.engine.offer(refused), { kind: 'accepted' });
  h.transport.respond = () => DELIVERED;
  for (const call of h.transport.pending) call.settle(DELIVERED);
  await h.clock.advance(1000);
  t.deepEqual(h.delivered, ['b1', 'b2']);
  t.is(h.transport.deliveredRows('T1').length, 110, 'nothing lost');
  t.is(h.engine.status().queue.readings, 0);
  t.is(h.engine.status().counters.busyByReason['queue-readings-full'], 1);
});

test('readings that take no room (unsendable, re-sent copies) do not make a batch busy when the rest fits exactly', async (t) => {
  const h = createHarness({ limits: { ...limits, maxQueuedReadings: 3 } });
  h.transport.respond = () => undefined; // hold calls in flight
  await settle();
  const event = (offset: number) => ({ eventId: `p01/filebeat//var/log/printer.log@${offset}` });
  t.deepEqual(h.engine.offer(batch('b1', 'T1', [reading('A', 1, event(0)), reading('A', 2, event(100))])), { kind: 'accepted' });
  // One free reading: the new line fits; its copy of line 0 and the NaN (dropped as invalid) take nothing.
  const mixed = [reading('A', 1, event(0)), reading('B', Number.NaN, event(200)), reading('A', 3, event(300))];
  t.deepEqual(h.engine.offer(batch('b2', 'T1', mixed)), { kind: 'accepted' });
  t.is(h.engine.status().queue.readings, 3);
  t.like(h.engine.offer(batch('b3', 'T1', [reading('A', 4, event(400))])), { kind: 'busy', reason: 'queue-readings-full' });
});

test('a batch bigger than a Thing may queue waits for its Thing to empty, then goes alone: never refused for good', async (t) => {
  const h = createHarness({ limits: { ...limits, perThingShare: 0.5 } });
  h.transport.respond = () => undefined; // hold calls in flight
  await settle();
  t.deepEqual(h.engine.offer(batch('small', 'T1', series('A', 5))), { kind: 'accepted' });
  t.like(h.engine.offer(batch('huge', 'T1', series('B', 51))), { kind: 'busy', reason: 'thing-share-full' });
  t.deepEqual(h.engine.offer(batch('huge-other', 'T2', series('C', 51))), { kind: 'accepted' });
  t.is(h.engine.status().queue.readings, 56);
  t.is(h.engine.status().counters.rejectedBatchesByReason['batch-exceeds-cap'], undefined);
});

test('a held (404) Thing fills only its share; other Things are still accepted and delivered', async (t) => {
  const h = createHarness({ limits: { ...limits, perThingShare: 0.3, notFoundRetryMs: 60_000 } });
  h.transport.respond = (thing) => (thing === 'Missing' ? { kind: 'not-found', status: 404 } : DELIVERED);
  await settle();
  let i = 0;
  let result = h.engine.offer(batch(`m${i}`, 'Missing', series('A', 10)));
  while (result.kind === 'accepted') {
    i += 1;
    result = h.engine.offer(batch(`m${i}`, 'Missing', series('A', 10)));
    await h.clock.advance(200);
  }
  t.deepEqual(result, { kind: 'busy', reason: 'thing-share-full' });
  t.is(h.engine.status().things.find((s) => s.thing === 'Missing')?.queuedReadings, 30);

  for (let j = 0; j < 5; j++) {
    t.is(h.engine.offer(batch(`ok${j}`, 'Present', series('B', 20))).kind, 'accepted');
    await h.clock.advance(200);
  }
  t.deepEqual(h.delivered, ['ok0', 'ok1', 'ok2', 'ok3', 'ok4']);
  t.true(h.engine.status().things.find((s) => s.thing === 'Missing')?.hold?.reason === 'not-found');
});

test('alerts still fit when routine lanes are full (alert reserve)', async (t) => {
  const h = createHarness({ limits: { ...limits, alertReserve: 0.2 } });
  h.transport.respond = () => undefined;
  await settle();
  t.is(h.engine.offer(batch('r1', 'T1', series('A', 40))).kind, 'accepted');
  t.is(h.engine.offer(batch('r2', 'T2', series('A', 40))).kind, 'accepted');
  t.deepEqual(h.engine.offer(batch('r3', 'T3', series('A', 1))), { kind: 'busy', reason: 'queue-readings-full' });
  t.is(h.engine.offer(batch('a1', 'T3', [reading('OverTemperature', true)], 'alert')).kind, 'accepted');
});

test('while stopping, offers are busy', async (t) => {
  const h = createHarness({ limits });
  await settle();
  const stopped = h.engine.stop({ drainMs: 1000 });
  t.deepEqual(h.engine.offer(batch('late', 'T1', series('A', 1))), { kind: 'busy', reason: 'stopping' });
  t.true((await stopped).drained);
});
