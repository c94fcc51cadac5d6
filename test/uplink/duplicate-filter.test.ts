import test from 'ava';
import { DELIVERED, DuplicateFilter } from '../../actors/uplink/duplicate-filter.js';
import type { UplinkNotice } from '../../actors/uplink/messages.js';
import { BatchTracker } from '../../actors/uplink/queued-row.js';
import { actorAddress } from '../../supervision/index.js';

const batch = new BatchTracker('b', actorAddress<UplinkNotice>('collector/s'), 1);

/** Tracks and settles one event at `now`, as the engine does when ThingWorx took all of its rows. */
function deliver(filter: DuplicateFilter, thing: string, eventId: string, now: number): void {
  filter.setNow(now);
  const event = filter.track(thing, eventId, batch);
  filter.settle(thing, event, now);
}

test('a pending event is found as itself until it settles, then as delivered', (t) => {
  const filter = new DuplicateFilter({ entries: 10, ttlMs: 1_000 });
  const event = filter.track('Thing', 'e1', batch);
  t.is(filter.find('Thing', 'e1'), event);
  t.is(filter.find('Other', 'e1'), undefined, 'the same id on another Thing is another event');
  filter.settle('Thing', event, 5);
  t.is(filter.find('Thing', 'e1'), DELIVERED);
  t.throws(() => filter.settle('Thing', event, 6), { message: /not tracked/ });
});

test('an event with a refused row is forgotten when it settles, so its re-send goes again', (t) => {
  const filter = new DuplicateFilter({ entries: 10, ttlMs: 1_000 });
  const event = filter.track('Thing', 'e1', batch);
  event.allAccepted = false;
  filter.settle('Thing', event, 5);
  t.is(filter.find('Thing', 'e1'), undefined);
  t.is(filter.deliveredHeld, 0);
});

test('the TTL counts from delivery, lookups do not extend it, and at exactly the TTL the event is still remembered', (t) => {
  const filter = new DuplicateFilter({ entries: 10, ttlMs: 1_000 });
  // Time 0 included: a start of 0 must not read as "no TTL".
  deliver(filter, 'Thing', 'e0', 0);
  deliver(filter, 'Thing', 'e1', 500);
  filter.setNow(900);
  t.is(filter.find('Thing', 'e1'), DELIVERED, 'looked up at 900: must not renew its age');
  filter.setNow(1_000);
  t.is(filter.find('Thing', 'e0'), DELIVERED, 'exactly dedupeTtlMs old');
  filter.setNow(1_001);
  t.is(filter.find('Thing', 'e0'), undefined);
  t.is(filter.find('Thing', 'e1'), DELIVERED);
  filter.setNow(1_501);
  t.is(filter.find('Thing', 'e1'), undefined, 'delivered at 500, so expired at 1,501 despite the lookup at 900');
});

test('at most `entries` delivered events are held; the oldest delivery goes first, even when looked up since', (t) => {
  const filter = new DuplicateFilter({ entries: 50, ttlMs: 1_000_000 });
  for (let i = 0; i < 500; i++) {
    deliver(filter, 'Thing', `e${i}`, 1_000 + i);
    t.is(filter.deliveredHeld, Math.min(i + 1, 50));
    // A lookup of the oldest must not save it from eviction (FIFO by delivery, not LRU by use).
    if (i >= 49) t.is(filter.find('Thing', `e${i - 49}`), DELIVERED);
  }
  t.is(filter.find('Thing', 'e449'), undefined);
  t.is(filter.find('Thing', 'e450'), DELIVERED);
  t.is(filter.find('Thing', 'e499'), DELIVERED);
  // Expired entries still count against the cap until newer ones replace them: memory stays bounded all the same.
  filter.setNow(1_000 + 499 + 1_000_001);
  t.is(filter.find('Thing', 'e499'), undefined);
  t.true(filter.deliveredHeld <= 50);
});

test('Thing and event id cannot run into each other in the key', (t) => {
  const filter = new DuplicateFilter({ entries: 10, ttlMs: 1_000 });
  deliver(filter, 'T1', '2/e', 5);
  t.is(filter.find('T12', '/e'), undefined);
  t.is(filter.find('T1', '2/e'), DELIVERED);
});
