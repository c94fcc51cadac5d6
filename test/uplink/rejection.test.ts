import test from 'ava';
import type { Reading } from '../../domain/readings.js';
import { settle } from './fake-clock.js';
import { batch, createHarness, reading } from './harness.js';
import { captureLogs } from './log-capture.js';
import { DELIVERED } from './scripted-transport.js';

test('a rejected call is split until the bad row is alone; only it is dropped, counted, and logged once', async (t) => {
  const { logger, lines } = captureLogs();
  const h = createHarness({ logger, limits: { flushIntervalMs: 10 } });
  h.transport.respond = (_thing, rows) =>
    rows.some((row) => row.value === 'bad') ? { kind: 'rejected', status: 400, detail: 'bad value' } : DELIVERED;
  await settle();
  const readings: Reading[] = [1, 2, 3, 'bad', 5, 6, 7, 8].map((value) => reading('JobId', value));
  h.engine.offer(batch('b1', 'T1', readings));
  h.engine.offer(batch('b2', 'T1', [reading('JobId', 9)]));
  await h.clock.advance(100);
  t.deepEqual(h.delivered, ['b1', 'b2']);
  t.deepEqual(
    h.transport.deliveredRows('T1').map((row) => row.value),
    [1, 2, 3, 5, 6, 7, 8, 9],
    'every good row delivered, in order',
  );
  const counters = h.engine.status().counters;
  t.deepEqual(counters.droppedByReason, { 'rejected-400': 1 });
  t.is(counters.deliveredReadings, 8);
  t.true(h.transport.calls.length <= 8, `${h.transport.calls.length} calls to isolate one bad row among 9`);
  t.is(lines.filter((line) => line.status === 400 && line.level === 40).length, 1);

  h.engine.offer(batch('b3', 'T1', [reading('JobId', 10), reading('JobId', 11)]));
  await h.clock.advance(100);
  t.is(h.transport.calls.at(-1)?.rows.length, 2, 'calls are full-sized again after isolation');
});

test('a dropped event is not remembered as delivered: a re-send is tried again', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10 } });
  let reject = true;
  h.transport.respond = () => (reject ? { kind: 'rejected', status: 400, detail: 'bad value' } : DELIVERED);
  await settle();
  const event = () => reading('ErrorCode', 'E1203', { eventId: 'p01/filebeat//var/log/printer.log@42' });
  h.engine.offer(batch('w1', 'T1', [event()]));
  await h.clock.advance(10);
  t.deepEqual(h.delivered, ['w1']);
  reject = false;
  h.engine.offer(batch('w1-again', 'T1', [event()]));
  await h.clock.advance(10);
  t.is(h.transport.deliveredRows('T1').length, 1);
  t.is(h.engine.status().counters.duplicatesSuppressed, 0);
});
