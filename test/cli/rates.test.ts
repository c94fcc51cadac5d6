/**
 * Issue 17: rates computed by the daemon over a fixed window, the same for every caller, right on the
 * first call and never negative across a restart; and the events the daemon keeps for the dashboard.
 */
import test from 'ava';
import { FleetEvents, type FleetSample } from '../../actors/control/fleet-events.js';
import { MonotonicRate } from '../../actors/control/rate-window.js';
import { collectorPath } from '../../actors/paths.js';
import { controlRequest } from '../../protocols/control/client.js';
import { startDemo } from '../../sim/demo.js';
import { until } from '../support/until.js';

test('a rate is the growth over the window, per second, and a counter back at zero adds rather than subtracts', (t) => {
  const rate = new MonotonicRate({ windowMs: 10_000 });
  t.is(rate.rate(), 0, 'nothing sampled yet');
  for (let second = 0; second <= 20; second += 1) rate.observe(second * 1000, second * 50);
  t.is(rate.rate(), 50);
  // The owner restarts: its counter starts again, at 30 after a second of the new incarnation.
  rate.observe(21_000, 30);
  t.true(rate.rate() > 0);
  t.is(rate.total, 1000 + 30);
  for (let second = 22; second <= 32; second += 1) rate.observe(second * 1000, 30 + (second - 21) * 50);
  t.is(rate.rate(), 50, 'a full window after the restart, the rate is the true one again');
});

test('a rate stays 0 only while nothing arrives', (t) => {
  const rate = new MonotonicRate({ windowMs: 10_000 });
  for (let second = 0; second <= 12; second += 1) rate.observe(second * 1000, 7);
  t.is(rate.rate(), 0);
  rate.observe(13_000, 8);
  t.is(rate.rate(), 0.1);
});

function sample(at: number, active: Array<{ alert: string; item?: string }> | undefined, restarts = 0): FleetSample {
  return {
    at,
    actors: [
      { path: 'adapter/fleet/p01', restarts: { total: restarts }, lastError: null },
      { path: 'adapter/fleet/p01/health', restarts: { total: restarts }, lastError: null },
    ],
    printers: [{ id: 'p01', healthPath: 'adapter/fleet/p01/health', ...(active ? { activeAlerts: active } : {}) }],
    refusals: [],
    holds: [],
  };
}

test('events: alerts raised and cleared, restarts named at the top of the subtree, and a restarted tracker is no clear', (t) => {
  const events = new FleetEvents({ capacity: 4 });
  events.observe(sample(1000, [{ alert: 'VatTempHigh', item: 'VatTemp' }]));
  t.deepEqual(events.recent(), [], 'what was there at the first sample is not news');
  events.observe(sample(2000, []));
  events.observe(sample(3000, [{ alert: 'ResinLow' }]));
  events.observe(sample(4000, undefined));
  events.observe(sample(5000, [], 1));
  t.deepEqual(
    events.recent().map((e) => `${e.kind} ${e.subject} ${e.detail}`),
    ['alert-cleared p01 VatTempHigh (VatTemp)', 'alert-raised p01 ResinLow', 'restart adapter/fleet/p01 restarted'],
  );
  t.deepEqual(events.totals(), { alertsRaised: 1, alertsCleared: 1, restarts: 1, refusedWindows: 0 });
  t.like(events.lastAlert('p01'), { name: 'ResinLow', state: 'raised', at: 3000 });
  for (let i = 0; i < 10; i += 1) events.observe(sample(6000 + i * 1000, i % 2 === 0 ? [{ alert: 'X' }] : [], 1));
  t.is(events.recent().length, 4, 'the ring is bounded');
});

interface PrintersReply {
  printers: Array<{ id: string; readingsPerSecond: number }>;
}

test('printers: the rate is right on the first call, the same for two callers, and never negative across a collector restart', async (t) => {
  const demo = await startDemo({ printers: 2, seed: 7 });
  t.teardown(() => demo.stop());
  const socket = demo.config.control.socket;
  const rates = async () =>
    ((await controlRequest(socket, 'printers')) as unknown as PrintersReply).printers.map((p) => p.readingsPerSecond);
  // Let the daemon take a few samples; then the very first call of a client is already a rate.
  let first: number[] = [];
  await until(
    async () => {
      first = await rates();
      return first.every((rate) => rate > 0);
    },
    { timeoutMs: 30_000, everyMs: 250, what: 'a rate for every printer' },
  ).catch(() => undefined);
  t.true(
    first.every((rate) => rate > 0),
    `first call: ${first.join(', ')}`,
  );
  // Two callers at once: the same figures (unless a sample landed between them; then the next pair).
  let same = false;
  for (let attempt = 0; attempt < 3 && !same; attempt += 1) {
    const [a, b] = await Promise.all([rates(), rates()]);
    same = JSON.stringify(a) === JSON.stringify(b);
  }
  t.true(same, 'two callers at once see the same figures');

  t.true(demo.daemon.tree.registry.restart(collectorPath('p01')));
  // Sampled across the restart (at least 30 samples, 200 ms apart) until its rate is back.
  const seen: number[] = [];
  await until(
    async () => {
      const [p01] = await rates();
      if (p01 !== undefined) seen.push(p01);
      return seen.length >= 30 && (seen.at(-1) ?? 0) > 0;
    },
    { timeoutMs: 30_000, everyMs: 200, what: 'p01 back to a real rate' },
  ).catch(() => undefined);
  t.true(
    seen.every((rate) => rate >= 0),
    `never negative: ${seen.join(', ')}`,
  );
  t.true((seen.at(-1) ?? 0) > 0, 'and back to a real rate');
  const events = (await controlRequest(socket, 'events')) as unknown as { events: Array<{ kind: string; subject: string }> };
  t.true(
    events.events.some((e) => e.kind === 'restart' && e.subject === collectorPath('p01')),
    'the restart is in the event log',
  );
});
