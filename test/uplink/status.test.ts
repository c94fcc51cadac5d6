import test from 'ava';
import { settle } from './fake-clock.js';
import { batch, createHarness, reading, series } from './harness.js';

test('status() is plain data: session, endpoint, queue vs caps, per-Thing view, in flight and counters', async (t) => {
  const h = createHarness({ limits: { maxQueuedReadings: 500, maxQueuedBytes: 1_000_000, flushIntervalMs: 10 } });
  h.transport.respond = (thing) => {
    if (thing === 'Gone') return { kind: 'not-found', status: 404 };
    if (thing === 'T1') return { kind: 'retry', status: 502, detail: 'bad gateway' };
    return undefined; // 'Slow' stays in flight
  };
  await settle();
  h.engine.offer(batch('a', 'T1', series('A', 2)));
  h.engine.offer(batch('g', 'Gone', series('A', 3)));
  h.engine.offer(batch('s', 'Slow', [reading('Alarm', true)], 'alert'));
  await h.clock.advance(10);

  const status = h.engine.status();
  t.deepEqual(JSON.parse(JSON.stringify(status)), status, 'survives JSON unchanged');
  t.is(status.session, 'degraded');
  t.is(status.endpointHost, 'twx.example.test:8443');
  t.deepEqual(status.queue, { readings: 6, bytes: 6 * 150, maxReadings: 500, maxBytes: 1_000_000, waitingSenders: 0 });
  t.is(status.inFlightCalls, 1);
  t.is(status.sessionChecks, 2, 'the start-up check, and one after the 502 (did ThingWorx go away?)');
  t.regex(String(status.sessionDetail), /^retrying 1 Thing; last: bad gateway$/, 'degraded says why');
  const byThing = Object.fromEntries(status.things.map((thing) => [thing.thing, thing]));
  t.like(byThing.T1, { queuedReadings: 2, retryAttempts: 1, inFlightRows: 0, hold: null, lastFailure: 'bad gateway' });
  t.true((byThing.T1?.waitMs ?? 0) > 0);
  t.like(byThing.Gone, { queuedReadings: 3, hold: { reason: 'not-found', status: 404, heldForMs: 0, retryInMs: 60_000 }, waitMs: 60_000 });
  t.like(byThing.Slow, { alertReadings: 1, inFlightRows: 1 });
  t.like(status.counters, {
    retries: 1,
    responsesByStatus: { '502': 1, '404': 1 },
    responsesByOutcome: { retry: 1, 'not-found': 1 },
  });
});

test('a callback that throws is logged and does not break delivery', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10 } });
  await settle();
  const original = h.delivered.push.bind(h.delivered);
  let calls = 0;
  h.delivered.push = (...ids: string[]) => {
    calls += 1;
    original(...ids);
    if (calls === 1) throw new Error('collector gone');
    return h.delivered.length;
  };
  h.engine.offer(batch('b1', 'T1', series('A', 1)));
  await h.clock.advance(10);
  h.engine.offer(batch('b2', 'T1', series('A', 1)));
  await h.clock.advance(10);
  t.deepEqual([...h.delivered], ['b1', 'b2']);
});
