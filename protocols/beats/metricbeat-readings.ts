import type { Reading } from '../../domain/readings.js';
import type { BeatsDocument, MetricbeatSample } from './documents.js';
import { metricEventId } from './event-ids.js';

/**
 * Item name for a filesystem mount (DATA-ITEMS.md): "/" → FilesystemUsage_root, "/var/log" →
 * FilesystemUsage_var_log. ThingWorx property names allow letters, digits and "_".
 * Must agree with the catalog's names (config/default-catalog.ts filesystemUsageItem).
 */
export function filesystemUsageItem(mountPoint: string): string {
  const trimmed = mountPoint.replace(/^\/+|\/+$/g, '');
  const suffix = trimmed === '' ? 'root' : trimmed.replace(/[^A-Za-z0-9]+/g, '_');
  return `FilesystemUsage_${suffix}`;
}

/**
 * The readings of one Metricbeat sample (CpuUsage, MemoryUsage, FilesystemUsage_<mount>, fractions
 * 0..1); none for any other document. Only catalogued items leave the adapter: the caller filters.
 */
export function metricbeatReadings(printerId: string, decoded: BeatsDocument, receivedAt: number): Reading[] {
  return decoded.kind === 'metrics' ? [metricbeatReading(printerId, decoded, receivedAt)] : [];
}

/** The one reading of a Metricbeat sample (the collector's path: no array per sample). */
export function metricbeatReading(printerId: string, sample: MetricbeatSample, receivedAt: number): Reading {
  const { item, value } = itemOf(sample);
  const mountPoint = sample.metricset === 'filesystem' ? sample.mountPoint : undefined;
  return {
    printer: printerId,
    item,
    value,
    time: sample.time,
    receivedAt,
    quality: 'GOOD',
    source: 'metricbeat',
    eventId: metricEventId(printerId, sample.metricset, sample.time, mountPoint),
  };
}

function itemOf(sample: MetricbeatSample): { item: string; value: number } {
  switch (sample.metricset) {
    case 'cpu':
      return { item: 'CpuUsage', value: sample.cpuTotalNormPct };
    case 'memory':
      return { item: 'MemoryUsage', value: sample.memoryActualUsedPct };
    case 'filesystem':
      return { item: filesystemUsageItem(sample.mountPoint), value: sample.filesystemUsedPct };
    default: {
      const exhausted: never = sample;
      return exhausted;
    }
  }
}
