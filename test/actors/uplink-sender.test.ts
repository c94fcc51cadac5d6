import test from 'ava';
import type { UplinkBatch } from '../../actors/uplink/batch.js';
import { OutboundBatches } from '../../actors/uplink/outbound.js';
import { handleUplinkNotice, type OfferKeeper, type SenderHooks } from '../../actors/uplink/sender.js';
import type { UplinkNotice } from '../../actors/uplink/messages.js';
import type { Reading } from '../../domain/readings.js';
import { actorAddress } from '../../supervision/index.js';

function reading(item: string): Reading {
  return { printer: 'p01', item, value: 1, time: 1, receivedAt: 1, quality: 'GOOD', source: 'push', eventId: item };
}

function batch(id: string, thing = 'Printer-p01'): UplinkBatch {
  return { batchId: id, sender: actorAddress<UplinkNotice>('collector'), thing, lane: 'event', readings: [reading(id)] };
}

/** An outbound against a recording uplink, and hooks that record what the actor was asked to do. */
function sender() {
  const offers: UplinkBatch[] = [];
  const outbound = new OutboundBatches<string>({ offer: (b) => offers.push(b) > 0, retryAfter: () => undefined });
  const calls: string[] = [];
  const hooks: SenderHooks<string> = {
    refused: (refused, batchId) => calls.push(`refused ${batchId} ${refused.source}`),
    delivered: (source) => calls.push(`delivered ${source}`),
    unblocked: () => calls.push('unblocked'),
  };
  return { outbound, offers, calls, hooks };
}

test('Delivered releases each source through the hook, in arrival order', (t) => {
  const { outbound, offers, calls, hooks } = sender();
  outbound.add(batch('a'), 'A');
  handleUplinkNotice(outbound, { type: 'OfferAnswered', batchId: 'a', result: { kind: 'accepted' } }, hooks);
  outbound.add(batch('b'), 'B');
  const second = offers.at(-1)?.batchId ?? '';
  handleUplinkNotice(outbound, { type: 'Delivered', batchId: 'a' }, hooks);
  handleUplinkNotice(outbound, { type: 'OfferAnswered', batchId: second, result: { kind: 'accepted' } }, hooks);
  handleUplinkNotice(outbound, { type: 'Delivered', batchId: second }, hooks);
  t.deepEqual(calls, ['delivered A', 'delivered B']);
  t.is(outbound.size, 0);
});

test('a batch refused for good reaches the refused hook with its source; an accepted one does not', (t) => {
  const { outbound, calls, hooks } = sender();
  outbound.add(batch('a'), 'A');
  handleUplinkNotice(
    outbound,
    { type: 'OfferAnswered', batchId: 'a', result: { kind: 'rejected', reason: 'invalid-batch', detail: 'bad' } },
    hooks,
  );
  t.deepEqual(calls, ['refused a A']);
  t.is(outbound.size, 0);
});

test('busy holds the sender until SpaceAvailable or its own retry, and only then is it unblocked', (t) => {
  for (const wake of [{ type: 'SpaceAvailable' }, { type: 'RetryOffer' }] as const) {
    const { outbound, offers, calls, hooks } = sender();
    outbound.add(batch('a'), 'A');
    handleUplinkNotice(outbound, { type: 'OfferAnswered', batchId: 'a', result: { kind: 'busy', reason: 'queue-readings-full' } }, hooks);
    t.true(outbound.busy);
    t.deepEqual(calls, []);
    handleUplinkNotice(outbound, wake, hooks);
    t.false(outbound.busy, wake.type);
    t.deepEqual(calls, ['unblocked'], wake.type);
    t.is(offers.length, 2, `${wake.type}: offered again`);
  }
});

test('UplinkStarted offers again everything not yet delivered, and nothing is released', (t) => {
  const { outbound, offers, calls, hooks } = sender();
  outbound.add(batch('a'), 'A');
  handleUplinkNotice(outbound, { type: 'OfferAnswered', batchId: 'a', result: { kind: 'accepted' } }, hooks);
  handleUplinkNotice(outbound, { type: 'UplinkStarted', incarnation: 2 }, hooks);
  t.is(offers.length, 2);
  t.deepEqual(offers[1]?.readings, offers[0]?.readings);
  t.deepEqual(calls, []);
});

test("a keeper of its own (the poller's outage report) gets every notice through the same function", (t) => {
  const seen: string[] = [];
  const keeper: OfferKeeper<never> = {
    busy: false,
    answered: (batchId, result) => {
      seen.push(`answered ${batchId} ${result.kind}`);
      return undefined;
    },
    delivered: (batchId) => {
      seen.push(`delivered ${batchId}`);
      return [];
    },
    spaceAvailable: () => seen.push('space'),
    uplinkRestarted: () => seen.push('restarted'),
    retry: () => seen.push('retry'),
  };
  const hooks: SenderHooks<never> = {};
  handleUplinkNotice(keeper, { type: 'OfferAnswered', batchId: 'x', result: { kind: 'accepted' } }, hooks);
  handleUplinkNotice(keeper, { type: 'Delivered', batchId: 'x' }, hooks);
  handleUplinkNotice(keeper, { type: 'SpaceAvailable' }, hooks);
  handleUplinkNotice(keeper, { type: 'UplinkStarted', incarnation: 1 }, hooks);
  handleUplinkNotice(keeper, { type: 'RetryOffer' }, hooks);
  t.deepEqual(seen, ['answered x accepted', 'delivered x', 'space', 'restarted', 'retry']);
});
