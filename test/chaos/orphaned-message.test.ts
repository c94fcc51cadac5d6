import test from 'ava';
import { collectorPath } from '../../actors/paths.js';
import type { Address } from '../../supervision/index.js';
import { accountDeliveries } from './invariants.js';
import { startChaosSystem } from './system.js';

/**
 * Regression for what the chaos suite found (isolation.test.ts timing out on a loaded Node 24 run):
 * a window or push message that reached a collector's mailbox just before the collector died was
 * never answered. Its Beats connection then waited for the stall limit (keep-alives stop Filebeat's
 * own timeout; 120 s by default), and a push message stayed unacknowledged for as long as its
 * connection lived. Here the collector is killed the instant ingress hands it a message.
 */
const DRAIN_MS = 15_000;

function isRouted(msg: unknown): msg is { type: 'WindowReceived' | 'PushReceived' } {
  const type = typeof msg === 'object' && msg !== null && 'type' in msg ? msg.type : undefined;
  return type === 'WindowReceived' || type === 'PushReceived';
}

test('a window and a push message that die in a collector’s mailbox are re-sent at once, not after the stall limit', async (t) => {
  t.timeout(90_000);
  // A slow trickle: the collector holds nothing else from the connection, so its own terminate does not close it.
  const system = await startChaosSystem({ seed: 5, printers: 4, rates: { linesPerSecond: 2, metricDocsPerSecond: 0, pushMessagesPerSecond: 2 } });
  t.teardown(() => system.stop());
  const { registry, fleet } = system;
  const beating = system.config.printers.find((printer) => printer.family.startsWith('projet'))!;
  const pushing = system.config.printers.find((printer) => printer.family === 'mjp' || printer.family === 'dmp')!;

  const armed = new Set([collectorPath(beating.id), collectorPath(pushing.id)]);
  const orphaned: string[] = [];
  const tell = registry.tell.bind(registry);
  registry.tell = (to: Address, msg: unknown): boolean => {
    const sent = tell(to, msg);
    if (sent && typeof to === 'string' && armed.has(to) && isRouted(msg) && !(to === collectorPath(pushing.id) && msg.type !== 'PushReceived')) {
      armed.delete(to);
      // Killed with the message still in its mailbox: it dies there, unanswered.
      if (registry.killByPath(to)) orphaned.push(`${to} ${msg.type}`);
    }
    return sent;
  };
  const deadline = Date.now() + 20_000;
  while (orphaned.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  t.deepEqual(orphaned.sort(), [`${collectorPath(beating.id)} WindowReceived`, `${collectorPath(pushing.id)} PushReceived`].sort());

  await new Promise((resolve) => setTimeout(resolve, 1_000));
  fleet.setRates({ linesPerSecond: 0, metricDocsPerSecond: 0, pushMessagesPerSecond: 0 });
  await t.notThrowsAsync(fleet.drained(DRAIN_MS), `not everything acknowledged within ${DRAIN_MS} ms`);
  const account = accountDeliveries(fleet, system.standIn.records);
  t.is(account.lost, 0, account.lostExamples.join('; '));
  t.is(account.sent, account.acked);
});
