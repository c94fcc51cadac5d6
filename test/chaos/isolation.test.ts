import test from 'ava';
import { collectorPath, FLEET_PATH, printerPath } from '../../actors/paths.js';
import type { ActorSnapshot, RegistryEvent } from '../../supervision/index.js';
import { accountDeliveries, waitForAllRunning } from './invariants.js';
import { replayHint } from './chaos-seed.js';
import { startChaosSystem } from './system.js';
import { until } from '../support/until.js';

const SEED = 7;
const POLICY = { intensity: 3, periodMs: 10_000, backoff: { minMs: 50, maxMs: 200 } };
const PARK_RETRY_MS = 3_000;
const VICTIM = 'p02';

const waitFor = (what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> =>
  until(check, { what: `${what} — ${replayHint(SEED)}`, timeoutMs, everyMs: 50 });

const inSubtree = (path: string, root: string) => path === root || path.startsWith(`${root}/`);
const restartsByPath = (rows: readonly ActorSnapshot[]) => new Map(rows.map((row) => [row.path, row.restarts.total]));

test('a collector that crashes on every message: its printer gives up once, is parked and retried; nothing else restarts', async (t) => {
  t.timeout(120_000);
  const system = await startChaosSystem({
    seed: SEED,
    printers: 4,
    configOverrides: { supervision: { printer: POLICY, fleet: { intensity: 10, periodMs: 10_000, parkRetryMs: PARK_RETRY_MS } } },
  });
  t.teardown(() => system.stop());
  const { registry, fleet } = system;
  const victim = printerPath(VICTIM);
  const victimCollector = collectorPath(VICTIM);
  const others = system.config.printers.filter((printer) => printer.id !== VICTIM).map((printer) => printer.id);

  await waitFor('the tree running and events acknowledged', () => {
    return registry.snapshot().every((row) => row.status === 'running') && fleet.counters().totals.filebeat.events_acked > 0;
  });
  const before = restartsByPath(registry.snapshot());

  // The poison: every time the victim's collector runs again, its next message throws.
  const events: Array<RegistryEvent & { at: number }> = [];
  let poisoning = true;
  let crashes = 0;
  const crash = () => {
    if (poisoning && registry.crashByPath(victimCollector)) crashes += 1;
  };
  const unsubscribe = registry.onChange((event) => {
    events.push({ ...event, at: Date.now() });
    if (event.type !== 'status') return;
    if (event.path === victimCollector && event.status === 'running') setImmediate(crash);
    // Parked: the printer's supervisor has given up; the poison has done its work.
    if (event.path === victim && event.status === 'failed') poisoning = false;
  });
  t.teardown(unsubscribe);
  crash();

  await waitFor('the victim parked', () => registry.get(victim)?.status === 'failed');
  const parkedAt = Date.now();
  const ackedOthers = () => others.reduce((sum, id) => sum + fleet.printer(id)!.counters().ledger.filebeat.events_acked, 0);
  const othersBefore = ackedOthers();
  await waitFor('the victim retried and running again', () => registry.get(victim)?.status === 'running', PARK_RETRY_MS + 15_000);
  const othersDuring = ackedOthers() - othersBefore;
  const converged = await waitForAllRunning(registry, 10_000);
  t.true(converged.converged, `not all running after the retry: ${converged.notRunning.join(', ')}`);

  t.is(crashes, POLICY.intensity + 1, 'the collector crashed once more than its printer tolerates');
  const escalations = events.filter((event) => event.type === 'escalated');
  t.deepEqual(
    escalations.map((event) => event.path),
    [victim],
    'exactly one escalation, from the victim printer',
  );
  const failedAt = events.find((event) => event.type === 'status' && event.path === victim && event.status === 'failed')!.at;
  const runningAgainAt = events.find(
    (event) => event.type === 'status' && event.path === victim && event.status === 'running' && event.at > failedAt,
  )!.at;
  t.true(
    runningAgainAt - failedAt >= PARK_RETRY_MS - 20,
    `retried after ${runningAgainAt - failedAt} ms, before parkRetryMs ${PARK_RETRY_MS}`,
  );
  t.true(Date.now() - parkedAt < PARK_RETRY_MS + 15_000);

  // Isolation: outside the victim's subtree nothing changed state, and no restart count moved.
  const outside = events.filter((event) => !inSubtree(event.path, victim));
  t.deepEqual(
    outside.map((event) => `${event.path}:${event.type === 'status' ? event.status : 'escalated'}`),
    [],
    'the fleet, the other printers and the shared actors never changed state',
  );
  const after = restartsByPath(registry.snapshot());
  for (const [path, total] of after) {
    if (inSubtree(path, victim)) continue;
    t.is(total, before.get(path) ?? Number.NaN, `${path} restarted (or is new)`);
  }
  t.is(after.get(FLEET_PATH), before.get(FLEET_PATH));
  t.is(after.get(victim), (before.get(victim) ?? 0) + 1, 'the park retry is the victim printer’s one restart');
  t.true(othersDuring > 0, 'the other printers kept delivering while the victim was parked');

  // The victim's windows were refused while it was down; its Filebeat re-sent them: nothing lost.
  fleet.setRates({ linesPerSecond: 0, metricDocsPerSecond: 0, pushMessagesPerSecond: 0 });
  await fleet.drained(45_000);
  const account = accountDeliveries(fleet, system.standIn.records);
  t.is(account.lost, 0, `lost: ${account.lostExamples.join('; ')}`);
  t.is(account.sent, account.acked);
  t.false(system.gaveUp());
});
