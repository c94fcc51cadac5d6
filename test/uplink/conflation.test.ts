import test from 'ava';
import { settle } from './fake-clock.js';
import { batch, createHarness, reading } from './harness.js';
import { DELIVERED } from './scripted-transport.js';

const state = (id: string, value: number, time?: number) =>
  batch(id, 'T1', [reading('VatTemperature', value, { source: 'poll', ...(time === undefined ? {} : { time }) })], 'state');

test('latest wins for queued state readings; superseded batches are acknowledged', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 1000 } });
  await settle();
  h.engine.offer(state('s1', 1));
  h.engine.offer(state('s2', 2));
  h.engine.offer(state('s3', 3));
  await settle();
  t.deepEqual(h.delivered, ['s1', 's2'], 'superseded readings count as done for their batches');
  t.is(h.engine.status().queue.readings, 1);
  await h.clock.advance(1000);
  t.deepEqual(
    h.transport.calls.map((call) => call.rows.map((row) => row.value)),
    [[3]],
  );
  t.deepEqual(h.delivered, ['s1', 's2', 's3']);
  t.is(h.engine.status().counters.conflated, 2);
});

test('a reading in flight is not replaced; the next one queues and conflates on its own', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 100 } });
  h.transport.respond = () => undefined;
  await settle();
  h.engine.offer(state('s1', 1));
  await h.clock.advance(100);
  t.is(h.transport.pending.length, 1);
  h.engine.offer(state('s2', 2));
  h.engine.offer(state('s3', 3));
  h.transport.pending[0]?.settle(DELIVERED);
  await h.clock.advance(100);
  h.transport.pending[0]?.settle(DELIVERED);
  await settle();
  t.deepEqual(
    h.transport.calls.map((call) => call.rows.map((row) => row.value)),
    [[1], [3]],
  );
  t.deepEqual(h.delivered, ['s2', 's1', 's3']);
});

test('a state reading never jumps ahead of a newer event row of the same property', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 100 } });
  await settle();
  h.engine.offer(state('s1', 1));
  h.engine.offer(batch('e2', 'T1', [reading('VatTemperature', 2)], 'event'));
  h.engine.offer(state('s3', 3));
  h.engine.offer(state('s4', 4));
  await h.clock.advance(100);
  t.deepEqual(
    h.transport.deliveredRows('T1').map((row) => row.value),
    [1, 2, 4],
    'ThingWorx ends on the newest value',
  );
});

test('an older poll answer arriving late is superseded on arrival', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 100 } });
  await settle();
  h.engine.offer(state('new', 5, 2_000));
  h.engine.offer(state('late', 4, 1_000));
  await h.clock.advance(100);
  t.deepEqual(
    h.transport.deliveredRows('T1').map((row) => [row.value, row.time]),
    [[5, 2_000]],
  );
  t.deepEqual(h.delivered, ['late', 'new']);
});

test('alerts and events are never conflated', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 100 } });
  await settle();
  h.engine.offer(batch('a1', 'T1', [reading('OverTemperature', true)], 'alert'));
  h.engine.offer(batch('a2', 'T1', [reading('OverTemperature', false)], 'alert'));
  h.engine.offer(batch('e1', 'T1', [reading('Layer', 1)], 'event'));
  h.engine.offer(batch('e2', 'T1', [reading('Layer', 2)], 'event'));
  await h.clock.advance(100);
  t.deepEqual(
    h.transport.deliveredRows('T1').map((row) => row.value),
    [true, false, 1, 2],
  );
  t.is(h.engine.status().counters.conflated, 0);
});

test('conflation is bounded in (Thing, item) pairs: when full, a new pair does not conflate, kept ones still do', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 100, conflationEntries: 2 } });
  await settle();
  const poll = (item: string, value: number) => batch(`${item}${value}`, 'T1', [reading(item, value, { source: 'poll' })], 'state');
  for (const [item, value] of [
    ['A', 1],
    ['B', 1],
    ['C', 1],
    ['C', 2],
    ['A', 2],
  ] as const)
    h.engine.offer(poll(item, value));
  await h.clock.advance(100);
  t.deepEqual(
    h.transport.deliveredRows('T1').map((row) => `${row.name}${row.value}`),
    ['A2', 'B1', 'C1', 'C2'],
    'A and B are kept (A conflates); C found the bound full and was queued twice',
  );
  t.is(h.engine.status().counters.conflated, 1);
  t.deepEqual(h.delivered, ['A1', 'A2', 'B1', 'C1', 'C2']);

  // Delivered rows free their pairs: C conflates now.
  h.engine.offer(poll('C', 3));
  h.engine.offer(poll('C', 4));
  await h.clock.advance(100);
  t.deepEqual(
    h.transport.calls.at(-1)?.rows.map((row) => `${row.name}${row.value}`),
    ['C4'],
  );
  t.is(h.engine.status().counters.conflated, 2);
});

test('event rows take no conflation pair: with the bound at one, a state item still conflates behind many event rows', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 100, conflationEntries: 1 } });
  await settle();
  for (const item of ['A', 'B', 'C']) h.engine.offer(batch(`e${item}`, 'T1', [reading(item, 1)], 'event'));
  h.engine.offer(state('s1', 1));
  h.engine.offer(state('s2', 2));
  await h.clock.advance(100);
  t.deepEqual(
    h.transport.deliveredRows('T1').map((row) => `${row.name}${row.value}`),
    ['A1', 'B1', 'C1', 'VatTemperature2'],
  );
  t.is(h.engine.status().counters.conflated, 1);
});

test('an event row between two state readings of its item keeps both, and the next state reading conflates again', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 100 } });
  await settle();
  h.engine.offer(state('s1', 1));
  h.engine.offer(batch('e2', 'T1', [reading('VatTemperature', 2)], 'event'));
  h.engine.offer(state('s3', 3));
  h.engine.offer(state('s4', 4));
  h.engine.offer(state('s5', 5));
  await h.clock.advance(100);
  t.deepEqual(
    h.transport.deliveredRows('T1').map((row) => row.value),
    [1, 2, 5],
  );
  t.is(h.engine.status().counters.conflated, 2);
  t.deepEqual(h.delivered, ['s3', 's4', 's1', 'e2', 's5']);
});
