import test from 'ava';
import type { Reading } from '../../domain/readings.js';
import type { DeliveryOutcome } from '../../protocols/thingworx/types.js';
import { batch, createHarness, reading } from './harness.js';
import { DELIVERED } from './scripted-transport.js';
import { seededRandom } from '../../sim/seeded-random.js';

const THINGS = ['P01', 'P02', 'P03', 'P04'];
const limits = {
  maxQueuedReadings: 300,
  perThingShare: 0.5,
  alertReserve: 0,
  maxRowsPerCall: 25,
  flushIntervalMs: 100,
  maxInFlight: 2,
  backoff: { minMs: 100, maxMs: 2000 },
  notFoundRetryMs: 1000,
  unauthorizedRecheckMs: 500,
};

function randomOutcome(random: () => number): DeliveryOutcome {
  const roll = random();
  if (roll < 0.55) return DELIVERED;
  if (roll < 0.8) return { kind: 'retry', status: 502, detail: 'bad gateway' };
  if (roll < 0.87) return { kind: 'retry', detail: 'socket hang up' };
  if (roll < 0.92) return { kind: 'retry', status: 503, retryAfterMs: Math.floor(random() * 1500), detail: 'busy' };
  if (roll < 0.97) return { kind: 'not-found', status: 404 };
  return { kind: 'unauthorized', status: 401 };
}

for (const seed of [1, 2, 3]) {
  test(`seed ${seed}: under random failures, every accepted batch is delivered once, in order per Thing, within the caps`, async (t) => {
    const random = seededRandom(seed);
    const h = createHarness({ limits });
    h.transport.respond = () => undefined;
    const nextValue = new Map(THINGS.map((thing) => [thing, 0]));
    const held = new Map<string, ReturnType<typeof batch>>(); // a sender told busy holds its batch
    const accepted: string[] = [];
    let batchNo = 0;

    for (let step = 0; step < 600; step++) {
      const thing = THINGS[Math.floor(random() * THINGS.length)] ?? 'P01';
      let offered = held.get(thing);
      if (offered === undefined && random() < 0.6) {
        const from = nextValue.get(thing) ?? 0;
        const size = 1 + Math.floor(random() * 40);
        const readings: Reading[] = Array.from({ length: size }, (_, i) => reading('Seq', from + i));
        nextValue.set(thing, from + size);
        offered = batch(`${thing}-${batchNo++}`, thing, readings, 'event', `collector/${thing}`);
      }
      if (offered !== undefined) {
        const result = h.engine.offer(offered);
        t.not(result.kind, 'rejected');
        if (result.kind === 'accepted') {
          accepted.push(offered.batchId);
          held.delete(thing);
        } else {
          held.set(thing, offered);
        }
      }
      const pending = h.transport.pending;
      const call = pending[Math.floor(random() * pending.length)];
      if (call !== undefined && random() < 0.7) call.settle(randomOutcome(random));
      await h.clock.advance(Math.floor(random() * 300));

      const status = h.engine.status();
      t.true(status.queue.readings <= limits.maxQueuedReadings, 'queue within its cap');
      const inFlightThings = h.transport.pending.map((c) => c.thing);
      t.true(inFlightThings.length <= limits.maxInFlight, 'within maxInFlight');
      t.is(new Set(inFlightThings).size, inFlightThings.length, 'one call per Thing');
    }

    // ThingWorx recovers; held senders offer again until they are taken.
    h.transport.respond = () => DELIVERED;
    for (const call of h.transport.pending) call.settle(DELIVERED);
    for (let round = 0; round < 200 && (held.size > 0 || h.engine.status().queue.readings > 0); round++) {
      for (const [thing, offered] of held) {
        if (h.engine.offer(offered).kind === 'accepted') {
          accepted.push(offered.batchId);
          held.delete(thing);
        }
      }
      await h.clock.advance(1000);
    }

    t.is(h.engine.status().queue.readings, 0);
    t.deepEqual([...h.delivered].sort(), [...accepted].sort(), 'every accepted batch acknowledged exactly once');
    for (const thing of THINGS) {
      const values = h.transport.deliveredRows(thing).map((row) => row.value);
      const expected = Array.from({ length: nextValue.get(thing) ?? 0 }, (_, i) => i);
      t.deepEqual(values, expected, `${thing}: each reading accepted once, in order`);
    }
    const counters = h.engine.status().counters;
    t.log(
      `seed ${seed}: ${accepted.length} batches, ${counters.deliveredReadings} readings, ${h.transport.calls.length} calls, ` +
        `${counters.retries} retries, busy ${JSON.stringify(counters.busyByReason)}`,
    );
    t.true(
      counters.retries > 0 && (counters.busyByReason['queue-readings-full'] ?? 0) + (counters.busyByReason['thing-share-full'] ?? 0) > 0,
      'the run did exercise retries and backpressure',
    );
  });
}
