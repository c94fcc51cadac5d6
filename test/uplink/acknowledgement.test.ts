import test from 'ava';
import type { DeliveryOutcome } from '../../protocols/thingworx/types.js';
import { settle } from './fake-clock.js';
import { batch, createHarness, reading, series } from './harness.js';
import { DELIVERED } from './scripted-transport.js';

const RETRY_500: DeliveryOutcome = { kind: 'retry', status: 500, detail: 'internal error' };

test('Delivered only once every reading of the batch is accepted, across calls and failures', async (t) => {
  const h = createHarness({ limits: { maxRowsPerCall: 10, flushIntervalMs: 50, backoff: { minMs: 1000 } } });
  // The fifth call (rows 20-29) is held in flight until the test settles it.
  const script: Array<DeliveryOutcome | undefined> = [DELIVERED, RETRY_500, RETRY_500, DELIVERED, undefined];
  h.transport.respond = () => (script.length > 0 ? script.shift() : DELIVERED);
  await settle();
  t.is(h.engine.offer(batch('b1', 'T1', series('Layer', 15))).kind, 'accepted');
  t.is(h.engine.offer(batch('b2', 'T1', series('Layer', 15, 15))).kind, 'accepted');

  await h.clock.advance(0);
  t.is(h.transport.calls.length, 2, 'rows 0-9 delivered, rows 10-19 failed');
  t.deepEqual(h.delivered, []);
  await h.clock.advance(999);
  t.is(h.transport.calls.length, 2, 'no retry before the backoff');
  await h.clock.advance(1);
  t.is(h.transport.calls.length, 3, 'retried after 1000 ms, failed again');
  await h.clock.advance(1999);
  t.deepEqual(h.delivered, []);
  await h.clock.advance(1);
  t.deepEqual(h.delivered, ['b1'], 'b1 acknowledged when rows 10-14 went through, b2 not yet');
  t.is(h.transport.pending.length, 1);
  h.transport.pending[0]?.settle(DELIVERED);
  await settle();
  t.deepEqual(h.delivered, ['b1', 'b2']);
  const values = h.transport.deliveredRows('T1').map((row) => row.value);
  t.deepEqual(
    values,
    Array.from({ length: 30 }, (_, i) => i),
    'each row accepted once, in order',
  );
  t.is(h.engine.status().counters.retries, 2);
  t.is(h.engine.status().counters.responsesByStatus['500'], 2);
});

test('a transport that throws is retried; nothing is lost', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10, backoff: { minMs: 100 } } });
  let throws = 2;
  h.transport.respond = () => {
    if (throws-- > 0) throw new Error('boom');
    return DELIVERED;
  };
  await settle();
  h.engine.offer(batch('b1', 'T1', series('Layer', 3)));
  await h.clock.advance(1000);
  t.deepEqual(h.delivered, ['b1']);
  t.deepEqual(
    h.transport.deliveredRows('T1').map((row) => row.value),
    [0, 1, 2],
  );
});

test('an empty batch is acknowledged; a non-finite value is dropped, counted, and does not block its batch', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10 } });
  await settle();
  t.is(h.engine.offer(batch('empty', 'T1', [])).kind, 'accepted');
  await settle();
  t.deepEqual(h.delivered, ['empty']);
  h.engine.offer(batch('nan', 'T1', [reading('VatTemperature', Number.NaN), reading('VatTemperature', 30.5)]));
  await h.clock.advance(100);
  t.deepEqual(h.delivered, ['empty', 'nan']);
  t.deepEqual(
    h.transport.deliveredRows('T1').map((row) => row.value),
    [30.5],
  );
  t.is(h.engine.status().counters.droppedByReason['invalid-value'], 1);
});

test('a callback may offer again from inside onSpaceAvailable/onDelivered without corrupting the engine', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10 } });
  await settle();
  let reoffered = false;
  h.engine.offer(batch('first', 'T1', series('A', 2)));
  const original = h.delivered.push.bind(h.delivered);
  h.delivered.push = (...ids: string[]) => {
    if (!reoffered) {
      reoffered = true;
      t.is(h.engine.offer(batch('second', 'T1', series('A', 2))).kind, 'accepted');
    }
    return original(...ids);
  };
  await h.clock.advance(100);
  t.deepEqual([...h.delivered], ['first', 'second']);
});
