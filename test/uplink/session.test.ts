import test from 'ava';
import type { DeliveryOutcome } from '../../protocols/thingworx/types.js';
import { settle } from './fake-clock.js';
import { ADAPTER_THING, batch, createHarness, series } from './harness.js';
import { captureLogs } from './log-capture.js';
import { DELIVERED } from './scripted-transport.js';

const UNAUTHORIZED: DeliveryOutcome = { kind: 'unauthorized', status: 401 };

test('nothing is sent before the session check succeeds; offers made before start are kept', async (t) => {
  const h = createHarness({ start: false, limits: { flushIntervalMs: 10 } });
  t.is(h.engine.offer(batch('early', 'T1', series('A', 2))).kind, 'accepted');
  await h.clock.advance(1000);
  t.is(h.engine.sessionState, 'connecting');
  t.is(h.transport.calls.length, 0);
  h.engine.start();
  await h.clock.advance(10);
  t.deepEqual(
    h.transport.checks.map((check) => check.thing),
    [ADAPTER_THING],
  );
  t.is(h.engine.sessionState, 'ready');
  t.deepEqual(h.delivered, ['early']);
  t.deepEqual(h.states, [['ready', 'connecting']]);
});

test('ThingWorx unreachable at start-up: the session check probes on the jittered interval, nothing else is sent', async (t) => {
  const h = createHarness({ start: false, limits: { probeIntervalMs: 1000, probeJitterRatio: 0.2, backoff: { minMs: 500, maxMs: 4000 } } });
  let reachable = false;
  h.transport.respondToCheck = () => (reachable ? DELIVERED : { kind: 'retry', detail: 'ECONNREFUSED' });
  h.engine.offer(batch('b', 'T1', series('A', 2)));
  h.engine.start();
  await h.clock.advance(60_000);
  t.is(h.engine.sessionState, 'connecting');
  t.is(h.transport.calls.length, 0);
  // random = 0 in the harness: exactly one probe a second, plus the first; the per-call backoff plays no part.
  t.is(h.transport.checks.length, 61, `${h.transport.checks.length} checks in 60 s`);
  reachable = true;
  await h.clock.advance(1000);
  t.is(h.engine.sessionState, 'ready');
  t.deepEqual(h.delivered, ['b']);
});

test('401 ⇒ unauthorized: sending stops, checks are bounded, one log line per change, then recovery', async (t) => {
  const { logger, lines } = captureLogs();
  const h = createHarness({
    logger,
    limits: {
      maxQueuedReadings: 1000,
      perThingShare: 1,
      alertReserve: 0,
      flushIntervalMs: 100,
      maxInFlight: 3,
      unauthorizedRecheckMs: 1000,
      unauthorizedRecheckMaxMs: 8000,
    },
  });
  await settle();
  let keyValid = false;
  h.transport.respond = () => (keyValid ? DELIVERED : UNAUTHORIZED);
  h.transport.respondToCheck = () => (keyValid ? DELIVERED : UNAUTHORIZED);
  const checksBefore = h.transport.checks.length;

  // Ten minutes of continuous input from three printers while the key is revoked.
  const accepted: string[] = [];
  let busy = 0;
  for (let second = 0; second < 600; second++) {
    for (const thing of ['P1', 'P2', 'P3']) {
      const id = `${thing}-${second}`;
      const result = h.engine.offer(batch(id, thing, series('A', 5), 'event', `collector/${thing}`));
      if (result.kind === 'accepted') accepted.push(id);
      else busy += 1;
    }
    await h.clock.advance(1000);
  }
  t.is(h.engine.sessionState, 'unauthorized');
  t.true(h.transport.calls.length <= 3, `${h.transport.calls.length} delivery calls: only those already started`);
  const checks = h.transport.checks.length - checksBefore;
  t.true(checks >= 60 && checks <= 80, `${checks} session checks in 10 minutes (1, 2, 4, then every 8 s)`);
  t.true(busy > 0, 'the queue filled and senders were told busy');
  t.true(h.engine.status().queue.readings <= 1000);
  const unauthorizedLogs = lines.filter((line) => line.state === 'unauthorized');
  t.is(unauthorizedLogs.length, 1, 'logged once, not once per refused request');
  t.false(JSON.stringify(lines).includes('appKey'));

  keyValid = true;
  await h.clock.advance(10_000);
  t.is(h.engine.sessionState, 'ready');
  await h.clock.advance(10_000);
  t.deepEqual([...h.delivered].sort(), [...accepted].sort());
  t.deepEqual(
    h.states.map(([state]) => state),
    ['ready', 'unauthorized', 'ready'],
  );
});

test('404 holds only that Thing, logs once, and retries it after notFoundRetryMs', async (t) => {
  const { logger, lines } = captureLogs();
  const h = createHarness({ logger, limits: { flushIntervalMs: 10, notFoundRetryMs: 30_000 } });
  let thingCreated = false;
  h.transport.respond = (thing) => (thing === 'New' && !thingCreated ? { kind: 'not-found', status: 404 } : DELIVERED);
  await settle();
  h.engine.offer(batch('n1', 'New', series('A', 1)));
  for (let i = 0; i < 10; i++) {
    h.engine.offer(batch(`k${i}`, 'Known', series('A', 1)));
    await h.clock.advance(1000);
  }
  t.is(h.transport.calls.filter((call) => call.thing === 'New').length, 1, 'no retry before notFoundRetryMs');
  t.is(h.delivered.length, 10, 'the other Thing went on');
  t.is(h.engine.sessionState, 'ready');
  await h.clock.advance(19_900);
  t.is(h.transport.calls.filter((call) => call.thing === 'New').length, 1);
  await h.clock.advance(200);
  t.is(h.transport.calls.filter((call) => call.thing === 'New').length, 2, 'retried 30 s after the 404');
  t.is(lines.filter((line) => line.thing === 'New' && line.level === 40).length, 1, 'one warning while held');
  thingCreated = true;
  await h.clock.advance(30_000);
  t.true(h.delivered.includes('n1'));
  t.false(h.engine.status().things.find((thing) => thing.thing === 'New')?.hold?.reason === 'not-found');
});

test('503 Retry-After holds every call that long, capped by maxRetryAfterMs; the session is degraded meanwhile', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10, backoff: { minMs: 100 }, maxRetryAfterMs: 20_000 } });
  const script: DeliveryOutcome[] = [
    { kind: 'retry', status: 503, retryAfterMs: 5_000, detail: 'maintenance' },
    { kind: 'retry', status: 503, retryAfterMs: 3_600_000, detail: 'maintenance' },
  ];
  h.transport.respond = () => script.shift() ?? DELIVERED;
  await settle();
  h.engine.offer(batch('a', 'T1', series('A', 1)));
  await h.clock.advance(10);
  t.is(h.engine.sessionState, 'degraded');
  h.engine.offer(batch('b', 'T2', series('A', 1)));
  await h.clock.advance(4_980);
  t.is(h.transport.calls.length, 1, 'not even another Thing is called during Retry-After');
  await h.clock.advance(20);
  t.is(h.transport.calls.length, 3, 'both Things called at 5 s; T1 told to wait an hour');
  await h.clock.advance(19_990);
  t.is(h.transport.calls.length, 3);
  await h.clock.advance(10);
  t.is(h.transport.calls.length, 4, 'the hour was capped at maxRetryAfterMs');
  t.deepEqual([...h.delivered].sort(), ['a', 'b']);
  t.is(h.engine.sessionState, 'ready');
  t.deepEqual(
    h.states.map(([state]) => state),
    ['ready', 'degraded', 'ready'],
  );
  t.deepEqual(h.engine.status().counters.responsesByStatus, { '200': 2, '503': 2 });
});

test('a check answered 404 (own Thing missing) still proves the key: the session is ready', async (t) => {
  const h = createHarness({ start: false });
  h.transport.respondToCheck = () => ({ kind: 'not-found', status: 404 });
  h.engine.start();
  await settle();
  t.is(h.engine.sessionState, 'ready');
});
