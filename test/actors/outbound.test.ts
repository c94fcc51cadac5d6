import test from 'ava';
import type { UplinkBatch } from '../../actors/uplink/batch.js';
import type { Lane } from '../../actors/uplink/queued-row.js';
import { coalescingLimitFor, OutboundBatches } from '../../actors/uplink/outbound.js';
import type { UplinkNotice } from '../../actors/uplink/messages.js';
import type { Reading } from '../../domain/readings.js';
import { actorAddress } from '../../supervision/index.js';
import { OUTBOUND_DEFAULTS } from '../../config/defaults.js';

/** A sender's outbound batches against a recording uplink: offers are answered by the test. */
function sender(options: { maxCoalescedReadings?: number; uplinkUp?: boolean } = {}) {
  const offers: UplinkBatch[] = [];
  const retries: number[] = [];
  const ports = {
    uplinkUp: options.uplinkUp ?? true,
    offer: (batch: UplinkBatch) => {
      if (!ports.uplinkUp) return false;
      offers.push(batch);
      return true;
    },
    retryAfter: (delayMs: number) => {
      retries.push(delayMs);
    },
  };
  const outbound = new OutboundBatches<string>(ports, {
    maxCoalescedReadings: options.maxCoalescedReadings ?? OUTBOUND_DEFAULTS.maxCoalescedReadings,
  });
  const last = () => {
    const batch = offers.at(-1);
    if (batch === undefined) throw new Error('nothing offered');
    return batch;
  };
  return { outbound, offers, retries, ports, last };
}

function reading(event: string, item: string): Reading {
  return { printer: 'p01', item, value: 1, time: 1, receivedAt: 1, quality: 'GOOD', source: 'push', eventId: event };
}

/** Batch `id` with `count` readings of one event named after it. */
function batch(id: string, count = 2, thing = 'Printer-p01', lane: Lane = 'event'): UplinkBatch {
  return {
    batchId: id,
    sender: actorAddress<UplinkNotice>('collector'),
    thing,
    lane,
    readings: Array.from({ length: count }, (_, i) => reading(id, `Item${i}`)),
  };
}

/** Accepts and delivers every offer in turn until nothing is held. */
function deliverAll(outbound: OutboundBatches<string>, last: () => UplinkBatch): void {
  for (let offer = 0; outbound.size > 0; offer++) {
    if (offer > 100) throw new Error('stalled');
    const { batchId } = last();
    outbound.answered(batchId, { kind: 'accepted' });
    outbound.delivered(batchId);
  }
}

const eventsOf = (offer: UplinkBatch) => [...new Set(offer.readings.map((r) => r.eventId))];

test('batches queued behind an offer go next as one batch, readings in arrival order; its Delivered releases them all in order', (t) => {
  const { outbound, offers, last } = sender();
  outbound.add(batch('a'), 'A');
  outbound.add(batch('b'), 'B');
  outbound.add(batch('c'), 'C');
  outbound.add(batch('d'), 'D');
  t.deepEqual(
    offers.map((o) => o.batchId),
    ['a'],
    'one offer out at a time',
  );

  outbound.answered('a', { kind: 'accepted' });
  t.is(offers.length, 2);
  const coalesced = last();
  t.not(coalesced.batchId, 'b');
  t.deepEqual(eventsOf(coalesced), ['b', 'c', 'd']);
  t.is(coalesced.readings.length, 6);
  t.is(coalesced.thing, 'Printer-p01');
  t.is(coalesced.lane, 'event');
  outbound.answered(coalesced.batchId, { kind: 'accepted' });
  t.is(offers.length, 2, 'nothing left to offer');

  t.deepEqual(outbound.delivered(coalesced.batchId), ['B', 'C', 'D']);
  t.is(outbound.size, 1);
  t.deepEqual(outbound.delivered('a'), ['A']);
  t.is(outbound.size, 0);
  t.deepEqual(outbound.delivered(coalesced.batchId), [], 'a second Delivered releases nothing');
});

test('coalescing stops at another Thing or lane, so order per Thing holds', (t) => {
  const { outbound, offers, last } = sender();
  outbound.add(batch('a'), 'A');
  outbound.add(batch('b'), 'B');
  outbound.add(batch('c'), 'C');
  outbound.add(batch('x', 1, 'Printer-p02'), 'X');
  outbound.add(batch('d'), 'D');
  outbound.add(batch('s', 1, 'Printer-p01', 'state'), 'S');
  outbound.add(batch('e'), 'E');
  deliverAll(outbound, last);
  t.deepEqual(offers.map(eventsOf), [['a'], ['b', 'c'], ['x'], ['d'], ['s'], ['e']]);
});

test('a re-sent copy of an event queued in the group starts the next offer, so the uplink can suppress it', (t) => {
  const { outbound, offers, last } = sender();
  const copy = (id: string, of: string): UplinkBatch => ({ ...batch(of), batchId: id });
  outbound.add(batch('a'), 'A');
  outbound.add(batch('b'), 'B');
  outbound.add(batch('c'), 'C');
  outbound.add(copy('b-again', 'b'), 'B again');
  outbound.add(batch('d'), 'D');
  deliverAll(outbound, last);
  t.deepEqual(offers.map(eventsOf), [['a'], ['b', 'c'], ['b', 'd']]);
  t.true(offers.every((offer) => offer.readings.length === new Set(offer.readings.map((r) => `${r.eventId}|${r.item}`)).size));
});

test('a coalesced offer holds at most maxCoalescedReadings; a larger batch goes alone', (t) => {
  const { outbound, offers, last } = sender({ maxCoalescedReadings: 5 });
  outbound.add(batch('a'), 'A');
  outbound.add(batch('b', 2), 'B');
  outbound.add(batch('c', 3), 'C');
  outbound.add(batch('d', 1), 'D');
  outbound.add(batch('big', 9), 'BIG');
  outbound.add(batch('e', 1), 'E');
  deliverAll(outbound, last);
  t.deepEqual(offers.map(eventsOf), [['a'], ['b', 'c'], ['d'], ['big'], ['e']]);
  t.true(offers.every((offer) => offer.readings.length <= 5 || eventsOf(offer).length === 1));
});

test('Busy holds every batch of the offer; they are offered again, first, after SpaceAvailable', (t) => {
  const { outbound, offers, retries, last } = sender();
  outbound.add(batch('a'), 'A');
  outbound.add(batch('b'), 'B');
  outbound.add(batch('c'), 'C');
  outbound.answered('a', { kind: 'accepted' });
  const first = last();
  outbound.answered(first.batchId, { kind: 'busy', reason: 'queue-readings-full' });
  t.true(outbound.busy);
  t.deepEqual(retries, [OUTBOUND_DEFAULTS.busyRecheckMs]);
  outbound.add(batch('d'), 'D');
  t.is(offers.length, 2, 'nothing is offered while busy');
  t.is(outbound.size, 4);

  outbound.spaceAvailable();
  t.false(outbound.busy);
  const again = last();
  t.deepEqual(eventsOf(again), ['b', 'c', 'd']);
  outbound.answered(again.batchId, { kind: 'accepted' });
  t.deepEqual(outbound.delivered(first.batchId), [], 'the busy offer was never queued by the uplink');
  t.deepEqual(outbound.delivered(again.batchId), ['B', 'C', 'D']);
});

test('a coalesced offer refused for good is split: each batch is offered alone and only the refused one is returned', (t) => {
  const { outbound, offers, last } = sender();
  outbound.add(batch('a'), 'A');
  outbound.add(batch('b'), 'B');
  outbound.add(batch('c', 50), 'C');
  outbound.add(batch('d'), 'D');
  outbound.answered('a', { kind: 'accepted' });
  const coalesced = last();
  t.deepEqual(eventsOf(coalesced), ['b', 'c', 'd']);
  t.is(outbound.answered(coalesced.batchId, { kind: 'rejected', reason: 'invalid-batch', detail: 'too many' }), undefined);

  t.is(last().batchId, 'b');
  t.is(outbound.answered('b', { kind: 'accepted' }), undefined);
  t.is(last().batchId, 'c');
  const refused = outbound.answered('c', { kind: 'rejected', reason: 'invalid-batch', detail: 'too many' });
  t.is(refused?.source, 'C');
  t.is(refused?.batch.batchId, 'c');
  t.is(refused?.detail, 'invalid-batch: too many');
  t.is(last().batchId, 'd', 'a split batch is not coalesced again');
  outbound.answered('d', { kind: 'accepted' });
  t.deepEqual(offers.map((o) => o.batchId).slice(-3), ['b', 'c', 'd']);
  t.deepEqual([...outbound.delivered('d'), ...outbound.delivered('b'), ...outbound.delivered('a')], ['D', 'B', 'A']);
  t.is(outbound.size, 0);
});

test('a new uplink gets everything not delivered again, in order; a late Delivered for a batch offered alone still releases it', (t) => {
  const { outbound, last } = sender();
  outbound.add(batch('a'), 'A');
  outbound.add(batch('b'), 'B');
  outbound.add(batch('c'), 'C');
  outbound.answered('a', { kind: 'accepted' });
  const coalesced = last();
  outbound.answered(coalesced.batchId, { kind: 'accepted' });
  outbound.add(batch('d'), 'D');
  outbound.answered('d', { kind: 'accepted' });

  outbound.uplinkRestarted();
  const reoffered = last();
  t.deepEqual(eventsOf(reoffered), ['a', 'b', 'c', 'd']);
  t.deepEqual(outbound.delivered(coalesced.batchId), [], 'the old uplink’s offer is gone with it');
  t.deepEqual(outbound.delivered('a'), ['A'], 'ThingWorx has a: release it');
  outbound.answered(reoffered.batchId, { kind: 'accepted' });
  t.deepEqual(outbound.delivered(reoffered.batchId), ['B', 'C', 'D'], 'a is released once');
  t.is(outbound.size, 0);
});

test('with no uplink running the group waits and is offered on retry', (t) => {
  const { outbound, offers, retries, ports, last } = sender({ uplinkUp: false });
  outbound.add(batch('a'), 'A');
  outbound.add(batch('b'), 'B');
  t.is(offers.length, 0);
  t.deepEqual(retries, [OUTBOUND_DEFAULTS.uplinkDownRetryMs], 'one retry pending, however often it was tried');
  ports.uplinkUp = true;
  outbound.retry();
  t.deepEqual(eventsOf(last()), ['a', 'b']);
  t.deepEqual(outbound.takeAll(), ['A', 'B']);
  t.is(outbound.size, 0);
});

test('the coalescing limit never exceeds what the uplink may queue for one Thing', (t) => {
  t.is(coalescingLimitFor({}, 'event'), OUTBOUND_DEFAULTS.maxCoalescedReadings);
  t.is(coalescingLimitFor({ maxQueuedReadings: 1_000, perThingShare: 0.25 }, 'event'), 250);
  t.is(coalescingLimitFor({ maxQueuedReadings: 1_000, perThingShare: 1, alertReserve: 0.5 }, 'event'), 500);
  t.is(coalescingLimitFor({ maxQueuedReadings: 1_000, perThingShare: 1, alertReserve: 0.5 }, 'alert'), 1_000);
});

test('a batch released by a late Delivered while in a refused offer is not offered again, nor released twice', (t) => {
  const { outbound, offers, last } = sender();
  outbound.add(batch('a'), 'A');
  outbound.answered('a', { kind: 'accepted' });
  outbound.uplinkRestarted();
  outbound.add(batch('b'), 'B');
  const reoffered = last();
  t.is(reoffered.batchId, 'a', 'b is queued behind the outstanding re-offer of a');
  // The old uplink's Delivered for a arrives while the new one holds its re-offer.
  t.deepEqual(outbound.delivered('a'), ['A']);
  t.is(outbound.size, 1);
  outbound.answered(reoffered.batchId, { kind: 'busy', reason: 'queue-readings-full' });
  outbound.spaceAvailable();
  t.deepEqual(eventsOf(last()), ['b'], 'only b is offered again');
  outbound.answered(last().batchId, { kind: 'accepted' });
  t.deepEqual(outbound.delivered(last().batchId), ['B']);
  t.deepEqual(outbound.delivered('a'), [], 'a was released once');
  t.is(outbound.size, 0);
  t.is(offers.length, 3);
});

test('many batches held and released out of order: each released once, the rest offered in arrival order', (t) => {
  const { outbound, last } = sender({ maxCoalescedReadings: 4 });
  const ids = Array.from({ length: 60 }, (_, i) => `m${i}`);
  for (const id of ids) outbound.add(batch(id), id.toUpperCase());
  const offered: UplinkBatch[] = [];
  // Accept every offer; deliver them newest first, so releases come out of arrival order.
  for (let guard = 0; offered.length === 0 || last() !== offered.at(-1); guard++) {
    if (guard > 100) throw new Error('stalled');
    offered.push(last());
    outbound.answered(last().batchId, { kind: 'accepted' });
  }
  t.deepEqual(offered.flatMap(eventsOf), ids, 'every batch offered once, in arrival order');
  const released = offered.reverse().flatMap((offer) => outbound.delivered(offer.batchId));
  t.deepEqual([...released].sort(), ids.map((id) => id.toUpperCase()).sort());
  t.is(outbound.size, 0);
});
