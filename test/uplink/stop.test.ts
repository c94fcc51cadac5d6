import test from 'ava';
import { settle } from './fake-clock.js';
import { batch, createHarness, series } from './harness.js';
import { DELIVERED } from './scripted-transport.js';

test('stop sends what is queued without waiting for the flush interval, then resolves drained', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 60_000 } });
  await settle();
  h.engine.offer(batch('b1', 'T1', series('A', 3)));
  h.engine.offer(batch('b2', 'T2', series('A', 3)));
  const report = await h.engine.stop({ drainMs: 5000 });
  t.deepEqual(report, { drained: true, remainingReadings: 0, inFlightCalls: 0, unacknowledged: [] });
  t.deepEqual([...h.delivered].sort(), ['b1', 'b2']);
  t.is(h.clock.pendingTimers, 0, 'no timer left behind');
  t.is(h.engine.stop(), h.engine.stop(), 'stop is idempotent');
});

test('stop with ThingWorx down reports what remains after drainMs; late answers are ignored', async (t) => {
  const h = createHarness({ limits: { flushIntervalMs: 10 } });
  await settle();
  h.engine.offer(batch('sent', 'T1', series('A', 1)));
  await h.clock.advance(10);
  h.transport.respond = () => undefined;
  h.engine.offer(batch('stuck', 'T1', series('A', 2)));
  h.engine.offer(batch('queued', 'T2', series('A', 2), 'event', 'collector/p02'));
  const stopping = h.engine.stop({ drainMs: 5000 });
  await h.clock.advance(5000);
  const report = await stopping;
  t.false(report.drained);
  t.is(report.remainingReadings, 4);
  t.is(report.inFlightCalls, 2);
  t.deepEqual(
    report.unacknowledged.sort((a, b) => a.batchId.localeCompare(b.batchId)),
    [
      { batchId: 'queued', sender: 'collector/p02' },
      { batchId: 'stuck', sender: 'collector/p01' },
    ],
  );
  for (const call of h.transport.pending) call.settle(DELIVERED);
  await settle();
  t.deepEqual(h.delivered, ['sent'], 'nothing acknowledged after stop resolved');
  t.is(h.clock.pendingTimers, 0);
});
