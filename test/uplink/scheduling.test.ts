import test from 'ava';
import { settle } from './fake-clock.js';
import { batch, createHarness, reading, series } from './harness.js';
import { DELIVERED } from './scripted-transport.js';

test('routine rows wait for the flush interval, then go in one call; a full call goes at once', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 250, maxRowsPerCall: 20 } });
  await settle();
  h.engine.offer(batch('b1', 'T1', series('A', 3)));
  await h.clock.advance(100);
  h.engine.offer(batch('b2', 'T1', series('A', 4, 3)));
  await h.clock.advance(149);
  t.is(h.transport.calls.length, 0);
  await h.clock.advance(1);
  t.is(h.transport.calls.length, 1);
  t.is(h.transport.calls[0]?.rows.length, 7, 'everything gathered in the interval, in one call');

  h.engine.offer(batch('b3', 'T1', series('A', 20)));
  await settle();
  t.is(h.transport.calls.length, 2, 'maxRowsPerCall rows do not wait');
  t.deepEqual(h.delivered, ['b1', 'b2', 'b3']);
});

test('at most maxInFlight calls overall and one per Thing', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 0, maxInFlight: 2 } });
  h.transport.respond = () => undefined;
  await settle();
  for (const thing of ['T1', 'T2', 'T3', 'T4']) h.engine.offer(batch(`${thing}-a`, thing, series('A', 2)));
  await h.clock.advance(10);
  t.deepEqual(
    h.transport.pending.map((call) => call.thing),
    ['T1', 'T2'],
  );
  h.engine.offer(batch('T1-b', 'T1', series('A', 2, 2)));
  await h.clock.advance(10);
  t.is(h.transport.pending.length, 2);

  h.transport.pending[0]?.settle(DELIVERED);
  await settle();
  t.deepEqual(
    h.transport.pending.map((call) => call.thing).sort(),
    ['T2', 'T3'],
    'the freed slot goes to a Thing that has not had a turn, not back to T1',
  );
  t.is(h.engine.status().inFlightCalls, 2);
  h.transport.respond = () => DELIVERED;
  for (const call of h.transport.pending) call.settle(DELIVERED);
  await h.clock.advance(100);
  t.is(h.transport.maxConcurrentCalls, 2);
  t.is(h.delivered.length, 5);
});

test('alerts go first: ahead of other Things and ahead of their own Thing’s routine rows', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 100, maxInFlight: 1 } });
  h.transport.respond = () => undefined;
  await settle();
  h.engine.offer(batch('busy', 'T0', series('A', 1)));
  await h.clock.advance(100);
  t.is(h.transport.pending.length, 1, 'the only slot is taken');
  h.engine.offer(batch('r1', 'T1', series('A', 3)));
  h.engine.offer(batch('r3', 'T3', series('A', 3)));
  await h.clock.advance(150);
  h.engine.offer(batch('alert', 'T3', [reading('OverTemperature', true)], 'alert'));
  h.engine.offer(batch('r2', 'T2', series('A', 3)));
  h.transport.pending[0]?.settle(DELIVERED);
  await settle();
  const next = h.transport.pending[0];
  t.is(next?.thing, 'T3');
  t.deepEqual(
    next?.rows.map((row) => row.name),
    ['OverTemperature', 'A', 'A', 'A'],
    'the alert row leads; routine rows of the same Thing ride along',
  );
});

test('Things with a backlog take turns for the call slots', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 0, maxInFlight: 1, maxRowsPerCall: 10 } });
  h.transport.respond = () => undefined;
  await settle();
  for (const thing of ['A', 'B', 'C']) h.engine.offer(batch(thing, thing, series('x', 30)));
  for (let i = 0; i < 9; i++) {
    await settle();
    h.transport.pending[0]?.settle(DELIVERED);
  }
  await settle();
  t.is(h.transport.calls.map((call) => call.thing).join(''), 'ABCABCABC');
  t.deepEqual(h.delivered, ['A', 'B', 'C']);
});
