import test from 'ava';
import { collectorPath } from '../../actors/paths.js';
import type { ReplyAddress } from '../../supervision/index.js';
import { until } from '../support/until.js';
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
  const system = await startChaosSystem({
    seed: 5,
    printers: 4,
    rates: { linesPerSecond: 2, metricDocsPerSecond: 0, pushMessagesPerSecond: 2 },
  });
  t.teardown(() => system.stop());
  const { registry, fleet } = system;
  const beating = system.config.printers.find((printer) => printer.family.startsWith('projet'))!;
  const pushing = system.config.printers.find((printer) => printer.family === 'mjp' || printer.family === 'dmp')!;

  const armed = new Set<string>([collectorPath(beating.id), collectorPath(pushing.id)]);
  const orphaned: string[] = [];
  const tell = registry.tellUnchecked.bind(registry);
  registry.tellUnchecked = (to: string | ReplyAddress, msg: unknown): boolean => {
    const sent = tell(to, msg);
    if (
      sent &&
      typeof to === 'string' &&
      armed.has(to) &&
      isRouted(msg) &&
      !(to === collectorPath(pushing.id) && msg.type !== 'PushReceived')
    ) {
      armed.delete(to);
      // Killed with the message still in its mailbox: it dies there, unanswered.
      if (registry.killByPath(to)) orphaned.push(`${to} ${msg.type}`);
    }
    return sent;
  };
  await until(() => orphaned.length >= 2, { timeoutMs: 20_000, what: 'two messages orphaned' }).catch(() => undefined);
  t.deepEqual(orphaned.sort(), [`${collectorPath(beating.id)} WindowReceived`, `${collectorPath(pushing.id)} PushReceived`].sort());

  // The fleet goes on after the kills: more acknowledged from both printers, then it stops and everything is accounted.
  const ackedBy = (id: string) => {
    const { ledger } = fleet.printer(id)!.counters();
    return ledger.filebeat.events_acked + ledger.metricbeat.events_acked + ledger.push.events_acked;
  };
  const ackedAtKill = [ackedBy(beating.id), ackedBy(pushing.id)];
  await until(() => ackedBy(beating.id) > (ackedAtKill[0] ?? 0) && ackedBy(pushing.id) > (ackedAtKill[1] ?? 0), {
    timeoutMs: 20_000,
    what: 'both printers acknowledged again after the kills',
  });
  fleet.setRates({ linesPerSecond: 0, metricDocsPerSecond: 0, pushMessagesPerSecond: 0 });
  await t.notThrowsAsync(fleet.drained(DRAIN_MS), `not everything acknowledged within ${DRAIN_MS} ms`);
  const account = accountDeliveries(fleet, system.standIn.records);
  t.is(account.lost, 0, account.lostExamples.join('; '));
  t.is(account.sent, account.acked);
});
