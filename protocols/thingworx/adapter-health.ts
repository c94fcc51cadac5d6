import type { VtqRow } from './types.js';

/**
 * The adapter's own health as NamedVTQ rows for its own Thing (sent with UpdatePropertyValues like
 * any batch). Pure. A fixed set of properties, so the ThingWorx model can declare them once;
 * drops by reason travel as one JSON STRING property because reasons may grow.
 */
export interface AdapterHealth {
  uptimeMs: number;
  printersConnected: number;
  printersConfigured: number;
  queueReadings: number;
  queueBytes: number;
  /** Readings ThingWorx accepted since start. */
  delivered: number;
  /**
   * Everything dropped or refused since start, by reason: the uplink's policy drops, the printers'
   * inputs that made no reading (log_no_match, unknown_document, …) and refused windows (unknown_printer).
   */
  droppedByReason: Readonly<Record<string, number>>;
}

/** Property names on the adapter's Thing. */
export const ADAPTER_HEALTH_PROPERTIES = {
  uptime: 'UptimeSeconds',
  printersConnected: 'PrintersConnected',
  printersConfigured: 'PrintersConfigured',
  queueReadings: 'QueueReadings',
  queueBytes: 'QueueBytes',
  delivered: 'Delivered',
  droppedTotal: 'DroppedTotal',
  droppedByReason: 'DroppedByReason',
} as const;

export function adapterHealthRows(health: AdapterHealth, time: number): VtqRow[] {
  const reasons = Object.keys(health.droppedByReason).sort();
  const dropped: Record<string, number> = {};
  let droppedTotal = 0;
  for (const reason of reasons) {
    const count = health.droppedByReason[reason] ?? 0;
    dropped[reason] = count;
    droppedTotal += count;
  }
  const row = (name: string, value: number | string, baseType: VtqRow['baseType']): VtqRow => ({
    name,
    value,
    time,
    quality: 'GOOD',
    baseType,
  });
  const p = ADAPTER_HEALTH_PROPERTIES;
  // Counters are NUMBER, not INTEGER: they outgrow 32 bits on a long-running box.
  return [
    row(p.uptime, Math.floor(health.uptimeMs / 1000), 'NUMBER'),
    row(p.printersConnected, health.printersConnected, 'INTEGER'),
    row(p.printersConfigured, health.printersConfigured, 'INTEGER'),
    row(p.queueReadings, health.queueReadings, 'NUMBER'),
    row(p.queueBytes, health.queueBytes, 'NUMBER'),
    row(p.delivered, health.delivered, 'NUMBER'),
    row(p.droppedTotal, droppedTotal, 'NUMBER'),
    row(p.droppedByReason, JSON.stringify(dropped), 'STRING'),
  ];
}
