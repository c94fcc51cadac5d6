/**
 * The operator views, assembled from the live tree by asking each actor (read-only). Pure builders
 * where possible; the control actor does the asking.
 */
import type { MetricFamily } from '../../protocols/control/metric-family.js';
import type { ActorSnapshot } from '../../supervision/index.js';
import type { CollectorView } from '../collector/messages.js';
import type { PrinterDropCounts, Refusal } from '../drop-ledger.js';
import type { HealthView } from '../health/behaviour.js';
import type { LastAlert } from './fleet-events.js';
import type { UplinkStatus } from '../uplink/status.js';

export interface PrinterFacts {
  id: string;
  thing: string;
  family: string;
  subtreeStatus: string | undefined;
  collector?: CollectorView;
  health?: HealthView;
  /** Over the control actor's window (RATE_WINDOW_DEFAULTS), from its own samples. */
  readingsPerSecond: number;
  /** The printer's latest alert transition the control actor saw, if any. */
  lastAlert?: LastAlert;
  /** The uplink holds the printer's Thing alone (404, 403), when it does. */
  uplinkHold?: { reason: string; status: number };
  /** Since the adapter started (from its drop ledger, so a busy or restarting collector still shows them). */
  dropped: PrinterDropCounts;
}

/** A printer's drops as the views show them: the total, and the reasons that have any. */
export function droppedEntry(dropped: Readonly<PrinterDropCounts>): { total: number; byReason: Record<string, number> } {
  const byReason: Record<string, number> = {};
  let total = 0;
  for (const [reason, count] of Object.entries(dropped)) {
    if (count === 0) continue;
    byReason[reason] = count;
    total += count;
  }
  return { total, byReason };
}

export function printerEntry(facts: PrinterFacts) {
  const health = facts.health;
  // A parked or restarting subtree says so; otherwise the printer's liveness state.
  const state = facts.subtreeStatus !== 'running' ? (facts.subtreeStatus ?? 'unknown') : (health?.state ?? 'starting');
  return {
    id: facts.id,
    thing: facts.thing,
    family: facts.family,
    state,
    sources: (health?.sources ?? []).map((s) => ({ source: s.source, lastSeenAt: s.lastSeenAt ?? null, fresh: s.fresh })),
    readingsPerSecond: facts.readingsPerSecond,
    dropped: droppedEntry(facts.dropped),
    alerts: (health?.activeAlerts ?? []).map((a) => ({ name: a.alert, item: a.item, since: a.raisedAt })),
    lastAlert: facts.lastAlert ?? null,
    held: facts.uplinkHold ?? null,
  };
}

const STATUSES = ['running', 'restarting', 'backoff', 'stopped', 'failed'] as const;

export function refusalEntries(refusals: readonly Refusal[]): Array<{ reason: string; peer: string; count: number }> {
  return refusals.map(({ reason, peer, count }) => ({ reason, peer, count }));
}

export function metricFamilies(
  actors: readonly ActorSnapshot[],
  uplink: UplinkStatus | undefined,
  printers: readonly PrinterFacts[],
  refusals: readonly Refusal[],
): MetricFamily[] {
  const families: MetricFamily[] = [
    {
      name: 'threedconnect_actors',
      help: 'Supervised actors by status.',
      type: 'gauge',
      samples: STATUSES.map((status) => ({ labels: { status }, value: actors.filter((a) => a.status === status).length })),
    },
    {
      name: 'threedconnect_actor_restarts',
      help: 'Restarts of each supervised actor since the adapter started.',
      type: 'counter',
      samples: actors.map((a) => ({ labels: { path: a.path }, value: a.restarts.total })),
    },
    {
      name: 'threedconnect_actor_mailbox_depth',
      help: 'Messages waiting in each actor mailbox.',
      type: 'gauge',
      samples: actors.map((a) => ({ labels: { path: a.path }, value: a.mailboxDepth })),
    },
    {
      name: 'threedconnect_printer_readings_forwarded',
      help: 'Catalogued readings each printer collector handed to the uplink.',
      type: 'counter',
      samples: printers.map((p) => ({ labels: { printer: p.id }, value: p.collector?.readingsForwarded ?? 0 })),
    },
    {
      name: 'threedconnect_printer_dropped',
      help: 'Printer inputs dropped without a reading, by reason; identity_mismatch counts connections whose documents claimed another printer than their certificate.',
      type: 'counter',
      samples: printers.flatMap((p) => Object.entries(p.dropped).map(([reason, value]) => ({ labels: { printer: p.id, reason }, value }))),
    },
    {
      name: 'threedconnect_ingress_refused',
      help: 'Beats windows refused before reaching a printer, by reason and peer (certificate subject or address); peers past the bound count as "other".',
      type: 'counter',
      samples: refusals.map((r) => ({ labels: { reason: r.reason, peer: r.peer }, value: r.count })),
    },
    {
      name: 'threedconnect_printer_alerts_active',
      help: 'Alerts raised and not cleared, per printer.',
      type: 'gauge',
      samples: printers.map((p) => ({ labels: { printer: p.id }, value: p.health?.activeAlerts.length ?? 0 })),
    },
  ];
  if (uplink) {
    families.push(
      {
        name: 'threedconnect_uplink_queue_readings',
        help: 'Readings queued for ThingWorx.',
        type: 'gauge',
        samples: [{ value: uplink.queue.readings }],
      },
      {
        name: 'threedconnect_uplink_queue_bytes',
        help: 'Estimated bytes of readings queued for ThingWorx.',
        type: 'gauge',
        unit: 'bytes',
        samples: [{ value: uplink.queue.bytes }],
      },
      {
        name: 'threedconnect_uplink_delivered_readings',
        help: 'Readings ThingWorx accepted.',
        type: 'counter',
        samples: [{ value: uplink.counters.deliveredReadings }],
      },
      {
        name: 'threedconnect_uplink_retries',
        help: 'Calls to ThingWorx retried.',
        type: 'counter',
        samples: [{ value: uplink.counters.retries }],
      },
      {
        name: 'threedconnect_uplink_dropped_readings',
        help: 'Readings dropped by policy, by reason.',
        type: 'counter',
        samples: Object.entries(uplink.counters.droppedByReason).map(([reason, value]) => ({ labels: { reason }, value })),
      },
    );
  }
  return families;
}
