/**
 * Refused Things and unanswered calls, on fake time: a 403 for one Thing holds that Thing only (the session check
 * shows the key works); a 401 the check confirms stops everything; an outage is probed on the short interval and the
 * first answer releases every Thing at once.
 */
import test from 'ava';
import type { DeliveryOutcome } from '../../protocols/thingworx/types.js';
import { settle } from './fake-clock.js';
import { batch, createHarness, reading, series } from './harness.js';
import { captureLogs } from './log-capture.js';
import { DELIVERED } from './scripted-transport.js';

const FORBIDDEN: DeliveryOutcome = { kind: 'unauthorized', status: 403 };
const NO_ANSWER: DeliveryOutcome = { kind: 'retry', detail: 'TWX_CONNECTION_REFUSED: connect ECONNREFUSED' };

test('403 for one Thing while the key works: that Thing is held on its backoff, the others go on, the session stays ready', async (t) => {
  const { logger, lines } = captureLogs();
  const h = createHarness({ logger, limits: { flushIntervalMs: 10, forbiddenRetryMs: 5_000, forbiddenRetryMaxMs: 20_000 } });
  let forbidden = true;
  h.transport.respond = (thing) => (thing === 'Locked' && forbidden ? FORBIDDEN : DELIVERED);
  await settle();
  const checksAtStart = h.transport.checks.length;
  h.engine.offer(batch('l1', 'Locked', series('A', 3), 'event', 'collector/locked'));
  for (let second = 0; second < 60; second++) {
    h.engine.offer(batch(`k${second}`, 'Known', series('A', 2)));
    await h.clock.advance(1000);
  }
  t.is(h.delivered.filter((id) => id.startsWith('k')).length, 60, 'the other Thing delivered every batch at once');
  t.false(h.delivered.includes('l1'));
  t.deepEqual(h.states, [['ready', 'connecting']], 'never unauthorized, never degraded');
  // Tried at 0, 5, 15, 35 and 55 s (backoff 5 s doubling to 20 s): 5 calls, each followed by one check.
  const lockedCalls = h.transport.calls.filter((call) => call.thing === 'Locked').length;
  t.is(lockedCalls, 5, `${lockedCalls} calls for the refused Thing in 60 s`);
  t.is(h.transport.checks.length - checksAtStart, lockedCalls, 'one session check per refusal');
  const held = h.engine.status().things.find((thing) => thing.thing === 'Locked');
  t.like(held, { queuedReadings: 3, hold: { reason: 'forbidden', status: 403 } });
  t.true((held?.hold?.retryInMs ?? 0) > 0);
  t.is(lines.filter((line) => line.thing === 'Locked' && line.level === 40).length, 1, 'one warning per episode');

  forbidden = false;
  await h.clock.advance(20_000);
  t.true(h.delivered.includes('l1'), 'delivered once permitted');
  t.is(h.engine.status().things.find((thing) => thing.thing === 'Locked')?.hold, null);
  t.is(h.engine.status().counters.deliveredReadings, 60 * 2 + 3);
});

test('401 on a call that the session check confirms: unauthorized, nothing held, everything goes once the key works', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10, unauthorizedRecheckMs: 1_000, unauthorizedRecheckMaxMs: 1_000 } });
  let keyValid = false;
  await settle();
  h.transport.respond = () => (keyValid ? DELIVERED : { kind: 'unauthorized', status: 401 });
  h.transport.respondToCheck = () => (keyValid ? DELIVERED : { kind: 'unauthorized', status: 401 });
  h.engine.offer(batch('a', 'T1', series('A', 1)));
  h.engine.offer(batch('b', 'T2', series('A', 1)));
  await h.clock.advance(50);
  t.is(h.engine.sessionState, 'unauthorized');
  t.true(
    h.engine.status().things.every((thing) => thing.hold === null),
    'a refused key holds no Thing alone',
  );
  keyValid = true;
  await h.clock.advance(1_500);
  t.is(h.engine.sessionState, 'ready');
  t.deepEqual([...h.delivered].sort(), ['a', 'b']);
});

test('an outage: calls get no answer, the check neither ⇒ unreachable, probed every second; the first answer releases every Thing', async (t) => {
  const h = createHarness({
    limits: { flushIntervalMs: 10, backoff: { minMs: 500, maxMs: 60_000 }, probeIntervalMs: 1_000, probeJitterRatio: 0.2 },
  });
  let down = false;
  await settle();
  h.transport.respond = () => (down ? NO_ANSWER : DELIVERED);
  h.transport.respondToCheck = () => (down ? NO_ANSWER : DELIVERED);
  down = true;
  const checksBefore = h.transport.checks.length;
  for (const thing of ['T1', 'T2', 'T3']) h.engine.offer(batch(`${thing}-0`, thing, series('A', 2)));
  await h.clock.advance(50);
  t.is(h.engine.sessionState, 'unreachable');
  t.regex(String(h.engine.status().sessionDetail), /TWX_CONNECTION_REFUSED/);
  const callsAtOutage = h.transport.calls.length;
  // 40 s of outage with input going on.
  for (let second = 1; second <= 40; second++) {
    for (const thing of ['T1', 'T2', 'T3']) h.engine.offer(batch(`${thing}-${second}`, thing, series('A', 2)));
    await h.clock.advance(1000);
  }
  t.is(h.transport.calls.length, callsAtOutage, 'no delivery call while unreachable: only the probe');
  const probes = h.transport.checks.length - checksBefore;
  t.true(probes >= 40 && probes <= 42, `${probes} probes in 40 s`);

  down = false;
  const callsBefore = h.transport.calls.length;
  await h.clock.advance(1_000);
  t.is(h.engine.sessionState, 'ready');
  const released = h.transport.calls.slice(callsBefore).map((call) => call.thing);
  t.deepEqual([...new Set(released)].sort(), ['T1', 'T2', 'T3'], 'every Thing called within one probe interval of the answer');
  await h.clock.advance(100);
  t.is(h.engine.status().queue.readings, 0, "the backlog went at once, not on each Thing's grown backoff");
  t.is(h.delivered.length, 3 * 41);
  t.deepEqual(
    h.states.map(([state]) => state),
    ['ready', 'degraded', 'unreachable', 'ready'],
  );
});

test('one reset while ThingWorx answers: the check passes, the session keeps sending, the Thing retries on its backoff', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10, backoff: { minMs: 500, maxMs: 4_000 } } });
  await settle();
  const script: DeliveryOutcome[] = [{ kind: 'retry', detail: 'TWX_CONNECTION_RESET: socket hang up' }];
  h.transport.respond = () => script.shift() ?? DELIVERED;
  h.engine.offer(batch('a', 'T1', series('A', 1)));
  await h.clock.advance(20);
  t.is(h.engine.sessionState, 'degraded');
  t.is(h.engine.status().sessionChecks, 2);
  await h.clock.advance(600);
  t.deepEqual(h.delivered, ['a']);
  t.is(h.engine.sessionState, 'ready');
});

test('batches count as delivered only when a reading of theirs went to ThingWorx', async (t) => {
  const h = createHarness({ start: false, limits: { flushIntervalMs: 10 } });
  // State readings of one item, offered while nothing is sent: each newer one supersedes the queued one.
  for (let i = 0; i < 5; i++) h.engine.offer(batch(`s${i}`, 'T1', [reading('PrinterState', `state-${i}`)], 'state'));
  h.engine.start();
  await h.clock.advance(50);
  t.deepEqual([...h.delivered].sort(), ['s0', 's1', 's2', 's3', 's4'], 'every batch acknowledged');
  const { counters } = h.engine.status();
  t.is(counters.deliveredReadings, 1);
  t.is(counters.deliveredBatches, 1, 'only the batch whose reading was sent');
  t.is(counters.settledUnsentBatches, 4, 'the superseded ones, counted apart');
});
