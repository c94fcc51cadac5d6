import test from 'ava';
import type { Reading } from '../../protocols/readings.js';
import { settle } from './fake-clock.js';
import { batch, createHarness, reading } from './harness.js';
import { DELIVERED } from './scripted-transport.js';

const logLine = (offset: number): Reading =>
  reading('VatTemperature', 30 + offset / 1000, { eventId: `p01/filebeat//var/log/printer.log@${offset}` });

test('a re-sent window already delivered is acknowledged without being sent again', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10 } });
  await settle();
  h.engine.offer(batch('w1', 'T1', [logLine(0), logLine(100)]));
  await h.clock.advance(10);
  t.is(h.transport.calls.length, 1);
  h.engine.offer(batch('w1-again', 'T1', [logLine(0), logLine(100), logLine(200)]));
  await h.clock.advance(10);
  t.deepEqual(h.delivered, ['w1', 'w1-again']);
  t.deepEqual(
    h.transport.calls.map((call) => call.rows.length),
    [2, 1],
    'only the new line went out',
  );
  t.is(h.engine.status().counters.duplicatesSuppressed, 2);
});

test('the same event id on another Thing is not a duplicate', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10 } });
  await settle();
  h.engine.offer(batch('a', 'T1', [logLine(0)]));
  h.engine.offer(batch('b', 'T2', [logLine(0)]));
  await h.clock.advance(10);
  t.is(h.transport.calls.length, 2);
});

test('the memory of delivered events expires after dedupeTtlMs and is bounded by dedupeEntries', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10, dedupeTtlMs: 60_000, dedupeEntries: 2 } });
  await settle();
  h.engine.offer(batch('w1', 'T1', [logLine(0)]));
  await h.clock.advance(59_000);
  h.engine.offer(batch('w1-again', 'T1', [logLine(0)]));
  await h.clock.advance(10);
  t.is(h.transport.calls.length, 1, 'suppressed within the TTL');
  await h.clock.advance(1_100);
  h.engine.offer(batch('w1-later', 'T1', [logLine(0)]));
  await h.clock.advance(10);
  t.is(h.transport.calls.length, 2, 'sent again once the TTL passed');

  h.engine.offer(batch('w2', 'T1', [logLine(100), logLine(200)]));
  await h.clock.advance(10);
  h.engine.offer(batch('w1-evicted', 'T1', [logLine(0)]));
  await h.clock.advance(10);
  t.is(h.transport.calls.length, 4, 'evicted by newer entries, so sent again');
});

test('a re-send of an event still in flight is not sent twice and is acknowledged with the original', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10, backoff: { minMs: 100 } } });
  h.transport.respond = () => undefined;
  await settle();
  h.engine.offer(batch('w1', 'T1', [logLine(0), logLine(100)]));
  await h.clock.advance(10);
  h.engine.offer(batch('w1-again', 'T1', [logLine(0), logLine(100)]));
  await h.clock.advance(10);
  t.is(h.transport.calls.length, 1);
  t.deepEqual(h.delivered, [], 'not acknowledged before the original is');

  h.transport.pending[0]?.settle({ kind: 'retry', status: 503, detail: 'unavailable' });
  h.engine.offer(batch('w1-third', 'T1', [logLine(100)]));
  await h.clock.advance(100);
  t.is(h.transport.calls.length, 2, 'the retry carries the rows once');
  t.is(h.transport.calls[1]?.rows.length, 2);
  t.deepEqual(h.delivered, []);
  h.transport.pending[0]?.settle(DELIVERED);
  await settle();
  t.deepEqual(h.delivered, ['w1', 'w1-again', 'w1-third']);
  t.is(h.engine.status().counters.duplicatesSuppressed, 3);
});
