import type { ReadingValue } from '../../domain/readings.js';
import type { MetricSample } from './beats-documents.js';
import { SimPrinterError } from './errors.js';
import { createSeededRandom } from './families.js';
import { checkForcedValue, type ItemFormat } from './item-formats.js';
import type { ExpectedItem } from './ledger.js';

/**
 * A printer's Metricbeat `system` samples (cpu, memory, one filesystem event per mount), seeded and
 * pure, with the reading each must become (DATA-ITEMS.md: CpuUsage, MemoryUsage,
 * FilesystemUsage_<mount>, fractions 0..1). Values are rounded to 4 places like Metricbeat's.
 */
export interface SimMount {
  mountPoint: string;
  /** The catalog item the adapter names this mount's usage (see protocols/beats/metricbeat-readings.ts). */
  item: string;
  deviceName: string;
  fsType: string;
  totalBytes: number;
}

/** The mounts the built-in catalog knows (config DEFAULT_FILESYSTEM_MOUNTS); others would not leave the adapter. */
export const DEFAULT_SIM_MOUNTS: readonly SimMount[] = Object.freeze([
  { mountPoint: '/', item: 'FilesystemUsage_root', deviceName: '/dev/mmcblk0p2', fsType: 'ext4', totalBytes: 31_268_536_320 },
  { mountPoint: '/data', item: 'FilesystemUsage_data', deviceName: '/dev/sda1', fsType: 'ext4', totalBytes: 500_107_862_016 },
]);

export const METRICBEAT_SAMPLE_DEFAULTS = Object.freeze({
  cores: 4,
  memoryTotalBytes: 8 * 1024 ** 3,
});

export interface GeneratedSample {
  sample: MetricSample;
  items: ExpectedItem[];
}

export interface MetricSampleGenerator {
  next(): GeneratedSample;
  /** From now on this item carries this value; the next sample is one that carries it. */
  forceValue(item: string, value: ReadingValue): void;
  releaseValue(item: string): void;
  readonly items: readonly string[];
}

interface Wander {
  value: number;
  noise: number;
  trend: number;
  min: number;
  max: number;
  reset: number;
}

const FRACTION: ItemFormat = { kind: 'decimal', decimals: 4 };

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

type Slot = { metricset: 'cpu' } | { metricset: 'memory' } | { metricset: 'filesystem'; mount: SimMount };

export function createMetricSampleGenerator(options: {
  seed: number;
  printer?: string;
  mounts?: readonly SimMount[];
  cores?: number;
  memoryTotalBytes?: number;
}): MetricSampleGenerator {
  const printer = options.printer ?? 'sim';
  const mounts = options.mounts ?? DEFAULT_SIM_MOUNTS;
  const cores = options.cores ?? METRICBEAT_SAMPLE_DEFAULTS.cores;
  const memoryTotalBytes = options.memoryTotalBytes ?? METRICBEAT_SAMPLE_DEFAULTS.memoryTotalBytes;
  const random = createSeededRandom(options.seed ^ 0x3e7c1);
  const cycle: Slot[] = [
    { metricset: 'cpu' },
    { metricset: 'memory' },
    ...mounts.map((mount) => ({ metricset: 'filesystem' as const, mount })),
  ];
  const slotOf = new Map<string, Slot>([
    ['CpuUsage', cycle[0]!],
    ['MemoryUsage', cycle[1]!],
    ...cycle.slice(2).map((slot): [string, Slot] => [slot.metricset === 'filesystem' ? slot.mount.item : '', slot]),
  ]);
  const wander = new Map<string, Wander>([
    ['CpuUsage', { value: 0.2, noise: 0.05, trend: 0, min: 0.02, max: 0.95, reset: 0.2 }],
    ['MemoryUsage', { value: 0.45, noise: 0.01, trend: 0, min: 0.2, max: 0.9, reset: 0.45 }],
    ...mounts.map((mount, index): [string, Wander] => [
      mount.item,
      { value: 0.35 - 0.1 * (index % 3), noise: 0.001, trend: 0.0005, min: 0.05, max: 0.95, reset: 0.3 },
    ]),
  ]);
  const forced = new Map<string, number>();
  const pending: Slot[] = [];

  function step(item: string): number {
    const forcedValue = forced.get(item);
    if (forcedValue !== undefined) return forcedValue;
    const state = wander.get(item)!;
    let next = state.value + (random() * 2 - 1) * state.noise + state.trend;
    if (next < state.min || next > state.max) next = state.reset;
    state.value = next;
    return round4(next);
  }

  function sampleOf(slot: Slot): GeneratedSample {
    switch (slot.metricset) {
      case 'cpu': {
        const value = step('CpuUsage');
        return { sample: { metricset: 'cpu', cpu: { cores, totalNormPct: value, userShare: 0.7 } }, items: [{ item: 'CpuUsage', value }] };
      }
      case 'memory': {
        const value = step('MemoryUsage');
        const usedPct = round4(Math.min(0.99, value + 0.3));
        return {
          sample: { metricset: 'memory', memory: { totalBytes: memoryTotalBytes, actualUsedPct: value, usedPct } },
          items: [{ item: 'MemoryUsage', value }],
        };
      }
      case 'filesystem': {
        const { mount } = slot;
        const value = step(mount.item);
        return {
          sample: {
            metricset: 'filesystem',
            filesystem: {
              mountPoint: mount.mountPoint,
              deviceName: mount.deviceName,
              fsType: mount.fsType,
              totalBytes: mount.totalBytes,
              usedPct: value,
            },
          },
          items: [{ item: mount.item, value }],
        };
      }
    }
  }

  return {
    items: Object.freeze([...slotOf.keys()]),
    next: () => {
      if (pending.length === 0) pending.push(...cycle);
      return sampleOf(pending.shift()!);
    },
    forceValue: (item, value) => {
      const slot = slotOf.get(item);
      if (!slot) {
        throw new SimPrinterError('SIM_ERR_UNKNOWN_ITEM', `${item} is not a Metricbeat item of this printer`, { printer, item });
      }
      forced.set(item, checkForcedValue(item, value, FRACTION, printer) as number);
      pending.unshift(slot);
    },
    releaseValue: (item) => {
      forced.delete(item);
    },
  };
}
