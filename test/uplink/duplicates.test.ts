import test from 'ava';
import { estimateEventBytes, estimateRowBytes } from '../../actors/uplink/queued-row.js';
import type { Reading } from '../../domain/readings.js';
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

// ── per event: the readings of one log line share its id ─────────────────────

/** The readings of one log line (one event): three items under one id. */
const line = (offset: number, values: Array<Reading['value']> = [1, 2, 3]): Reading[] =>
  ['VatTemperature', 'ChamberTemperature', 'JobId'].map((item, i) =>
    reading(item, values[i] ?? i, { eventId: `p01/filebeat//var/log/printer.log@${offset}` }),
  );

test('an event already delivered: a re-sent copy of all its readings is acknowledged at once, without a call', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10 } });
  await settle();
  h.engine.offer(batch('w1', 'T1', [...line(0), ...line(100)]));
  await h.clock.advance(10);
  t.deepEqual(
    h.transport.calls.map((call) => call.rows.length),
    [6],
  );
  h.engine.offer(batch('w1-again', 'T1', [...line(0), ...line(100)]));
  await settle();
  t.deepEqual(h.delivered, ['w1', 'w1-again'], 'acknowledged before any flush interval passed');
  await h.clock.advance(100);
  t.is(h.transport.calls.length, 1, 'no call for the copy');
  t.is(h.engine.status().queue.readings, 0);
  t.is(h.engine.status().counters.duplicatesSuppressed, 6);
});

test('a copy of an event in flight is acknowledged only after the original is delivered, and sent once', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10 } });
  h.transport.respond = () => undefined;
  await settle();
  h.engine.offer(batch('w1', 'T1', line(0)));
  await h.clock.advance(10);
  h.engine.offer(batch('w1-again', 'T1', line(0)));
  await h.clock.advance(100);
  t.is(h.transport.calls.length, 1);
  t.is(h.engine.status().queue.readings, 3, 'the copy queued nothing');
  t.deepEqual(h.delivered, []);
  h.transport.pending[0]?.settle(DELIVERED);
  await settle();
  t.deepEqual(h.delivered, ['w1', 'w1-again']);
  await h.clock.advance(100);
  t.is(h.transport.calls.length, 1);
});

test('an event with one rejected row is not remembered: its re-send is sent again, whole', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10 } });
  let reject = true;
  h.transport.respond = (_thing, rows) =>
    reject && rows.some((row) => row.value === 'bad') ? { kind: 'rejected', status: 400, detail: 'bad value' } : DELIVERED;
  await settle();
  h.engine.offer(batch('w1', 'T1', line(0, [1, 2, 'bad'])));
  await h.clock.advance(100);
  t.deepEqual(h.delivered, ['w1']);
  t.deepEqual(
    h.transport.deliveredRows('T1').map((row) => row.value),
    [1, 2],
    'the good rows went, the bad one was dropped',
  );
  reject = false;
  h.engine.offer(batch('w1-again', 'T1', line(0, [1, 2, 'bad'])));
  await h.clock.advance(100);
  t.deepEqual(h.delivered, ['w1', 'w1-again']);
  t.deepEqual(
    h.transport.deliveredRows('T1').map((row) => row.value),
    [1, 2, 1, 2, 'bad'],
  );
  t.is(h.engine.status().counters.duplicatesSuppressed, 0);
});

/** One event of three rows, sent two rows per call; the second call is answered by `second`. */
async function eventOverTwoCalls(second: 'delivered' | 'rejected') {
  const h = createHarness({ limits: { flushIntervalMs: 10, maxRowsPerCall: 2 } });
  h.transport.respond = () => undefined;
  await settle();
  h.engine.offer(batch('w1', 'T1', line(0)));
  await h.clock.advance(10);
  h.transport.pending[0]?.settle(DELIVERED);
  await settle();
  const secondCall = h.transport.pending[0];
  // The first call alone does not make the event delivered: a copy now waits rather than being acknowledged.
  h.engine.offer(batch('w1-again', 'T1', line(0)));
  await settle();
  const deliveredBetweenCalls = [...h.delivered];
  secondCall?.settle(second === 'delivered' ? DELIVERED : { kind: 'rejected', status: 400, detail: 'bad value' });
  await settle();
  const deliveredAfter = [...h.delivered];
  h.transport.respond = () => DELIVERED;
  h.engine.offer(batch('w1-third', 'T1', line(0)));
  await h.clock.advance(100);
  return { h, secondCall, deliveredBetweenCalls, deliveredAfter };
}

test('an event split across two calls is remembered once both succeed', async (t) => {
  const { h, secondCall, deliveredBetweenCalls, deliveredAfter } = await eventOverTwoCalls('delivered');
  t.is(secondCall?.rows.length, 1);
  t.deepEqual(deliveredBetweenCalls, []);
  t.deepEqual(deliveredAfter, ['w1', 'w1-again']);
  t.is(h.transport.calls.length, 2, 'the third copy was suppressed');
  t.deepEqual(h.delivered, ['w1', 'w1-again', 'w1-third']);
});

test('an event split across two calls is not remembered when the second is refused', async (t) => {
  const { h, deliveredBetweenCalls, deliveredAfter } = await eventOverTwoCalls('rejected');
  t.deepEqual(deliveredBetweenCalls, []);
  t.deepEqual(deliveredAfter, ['w1', 'w1-again'], 'dropped by counted policy: done, with its copy');
  t.deepEqual(
    h.transport.calls.slice(2).map((call) => call.rows.length),
    [2, 1],
    'the third copy was sent again, whole',
  );
  t.deepEqual(h.delivered, ['w1', 'w1-again', 'w1-third']);
});

test('readings of one event split into two runs of a batch are all sent, as one event', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10 } });
  await settle();
  const [a, b, c] = line(0);
  const other = line(100);
  h.engine.offer(
    batch(
      'w1',
      'T1',
      [a, b, ...other, c].filter((r) => r !== undefined),
    ),
  );
  await h.clock.advance(10);
  t.is(h.transport.deliveredRows('T1').length, 6);
  t.deepEqual(h.delivered, ['w1']);
  h.engine.offer(batch('w1-again', 'T1', line(0)));
  await h.clock.advance(10);
  t.is(h.transport.calls.length, 1, 'remembered as one delivered event');
});

test('the delivered-event memory counts events, keeps at most dedupeEntries, and forgets after dedupeTtlMs', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10, dedupeEntries: 2, dedupeTtlMs: 60_000 } });
  await settle();
  const sentRows = () => h.transport.calls.reduce((sum, call) => sum + call.rows.length, 0);
  h.engine.offer(batch('e1', 'T1', line(1)));
  h.engine.offer(batch('e2', 'T1', line(2)));
  await h.clock.advance(10);
  t.is(sentRows(), 6);
  h.engine.offer(batch('e1-again', 'T1', line(1)));
  await h.clock.advance(10);
  t.is(sentRows(), 6, 'two events of three readings each fit a memory of two entries');

  h.engine.offer(batch('e3', 'T1', line(3)));
  await h.clock.advance(10);
  h.engine.offer(batch('e2-again', 'T1', line(2)));
  await h.clock.advance(10);
  t.is(sentRows(), 9, 'e2 is still remembered');
  h.engine.offer(batch('e1-late', 'T1', line(1)));
  await h.clock.advance(10);
  t.is(sentRows(), 12, 'e1, the oldest, was forgotten when e3 was delivered');

  // Now +50 ms. e3 was delivered at +30 ms, e1 again at +50 ms: the TTL counts from delivery.
  await h.clock.advance(60_030 - 50);
  h.engine.offer(batch('e3-within', 'T1', line(3)));
  await h.clock.advance(10);
  t.is(sentRows(), 12, 'e3 is exactly dedupeTtlMs old: still remembered');
  h.engine.offer(batch('e3-expired', 'T1', line(3)));
  h.engine.offer(batch('e1-within', 'T1', line(1)));
  await h.clock.advance(10);
  t.is(sentRows(), 15, 'e3 expired; e1, delivered later, did not');
  t.is(h.delivered.length, 9, 'every batch acknowledged');
});

test('room is charged exactly as queued: one event overhead per event, nothing for a re-sent copy', async (t) => {
  const events = [line(0), line(100)];
  const window = events.flat();
  const exactBytes =
    window.reduce((sum, r) => sum + estimateRowBytes(r.value), 0) +
    events.reduce((sum, readings) => sum + estimateEventBytes(readings[0]?.eventId ?? ''), 0);
  // Caps that hold this window exactly, and not one byte or reading more.
  const h = createHarness({
    limits: { flushIntervalMs: 10, maxQueuedReadings: 6, maxQueuedBytes: exactBytes, perThingShare: 1, alertReserve: 0 },
  });
  h.transport.respond = () => undefined;
  await settle();
  t.deepEqual(h.engine.offer(batch('w1', 'T1', window)), { kind: 'accepted' });
  t.deepEqual(h.engine.status().queue, { readings: 6, bytes: exactBytes, maxReadings: 6, maxBytes: exactBytes, waitingSenders: 0 });
  t.deepEqual(h.engine.offer(batch('w1-again', 'T1', events.flat())), { kind: 'accepted' }, 'a copy needs no room');
  t.like(h.engine.offer(batch('other', 'T1', line(200))), { kind: 'busy' });
  t.is(h.engine.status().queue.bytes, exactBytes);
  await h.clock.advance(10);
  h.transport.pending[0]?.settle(DELIVERED);
  await settle();
  t.deepEqual(h.delivered, ['w1', 'w1-again']);
  t.like(h.engine.status().queue, { readings: 0, bytes: 0 });
  t.deepEqual(h.spaceAvailable, ['collector/p01'], 'the refused sender is told its batch fits now');
});
