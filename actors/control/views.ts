/**
 * The operator views, assembled from the live tree by asking each actor (read-only). Pure builders
 * where possible; the control actor does the asking.
 */
import type { MetricFamily } from '../../protocols/control/metric-family.js';
import type { ActorSnapshot } from '../../supervision/index.js';
import type { CollectorView } from '../collector/messages.js';
import type { HealthView } from '../health/behaviour.js';
import type { UplinkStatus } from '../uplink/status.js';

export interface PrinterFacts {
  id: string;
  thing: string;
  family: string;
  subtreeStatus: string | undefined;
  collector?: CollectorView;
  health?: HealthView;
  readingsPerSecond: number;
  /** The uplink holds the printer's Thing alone (404, 403), when it does. */
  uplinkHold?: { reason: string; status: number };
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
    sources: (health?.sources ?? []).map((s) => ({ source: s.source, lastSeenAt: s.lastSeenAt ?? null })),
    readingsPerSecond: facts.readingsPerSecond,
    alerts: (health?.activeAlerts ?? []).map((a) => ({ name: a.alert, item: a.item, since: a.raisedAt })),
    held: facts.uplinkHold ?? null,
  };
}

const STATUSES = ['running', 'restarting', 'backoff', 'stopped', 'failed'] as const;

export function metricFamilies(actors: readonly ActorSnapshot[], uplink: UplinkStatus | undefined, printers: readonly PrinterFacts[]): MetricFamily[] {
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
