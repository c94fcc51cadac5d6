/**
 * The built-in data-item catalog of the four printer families (DATA-ITEMS.md); the SLA families' log
 * rules are the log-line parser's own defaults. Representative, as the simulators produce it; a
 * deployment replaces families in its config without code changes. Reached through defaultCatalog()
 * in config/defaults.ts.
 */
import { filesystemUsageItem } from '../protocols/beats/metricbeat-readings.js';
import { DEFAULT_SLA_LOG_RULES } from '../domain/loglines/default-sla-rules.js';
import type { Catalog, CatalogItem, FamilyCatalog } from './types.js';

// Item names for Metricbeat mounts are the Beats mapping's own, so the catalog and the mapping agree.
export { filesystemUsageItem };

/** The mounts the built-in catalog knows; add items for others in the config. */
export const DEFAULT_FILESYSTEM_MOUNTS = ['/', '/data'] as const;

const number = (unit?: string): CatalogItem => (unit ? { type: 'NUMBER', unit, lane: 'state' } : { type: 'NUMBER', lane: 'state' });
const integer: CatalogItem = { type: 'INTEGER', lane: 'state' };
const text: CatalogItem = { type: 'STRING', lane: 'state' };
const datetime: CatalogItem = { type: 'DATETIME', lane: 'state' };

/** Metricbeat `system` module items, every family (fractions 0..1). */
const METRICBEAT_ITEMS: Record<string, CatalogItem> = {
  CpuUsage: number(),
  MemoryUsage: number(),
  ...Object.fromEntries(DEFAULT_FILESYSTEM_MOUNTS.map((mount) => [filesystemUsageItem(mount), number()])),
};

/** Job items every family reports. */
const JOB_ITEMS: Record<string, CatalogItem> = {
  BuildState: text,
  JobId: text,
  Layer: integer,
  LayerCount: integer,
};

function slaFamily(): FamilyCatalog {
  return {
    sources: ['filebeat', 'metricbeat', 'poll'],
    items: {
      VatTemperature: number('°C'),
      ResinLevel: number('%'),
      LaserPower: number('W'),
      ChamberTemperature: number('°C'),
      ChamberHumidity: number('%'),
      RecoaterState: text,
      ...JOB_ITEMS,
      BuildStartedAt: datetime,
      BuildEstimatedEndAt: datetime,
      ErrorCode: { type: 'STRING', lane: 'event' },
      ...METRICBEAT_ITEMS,
    },
    // JOBFILE lines match no rule on purpose: file names never leave the adapter.
    logRules: structuredClone([...DEFAULT_SLA_LOG_RULES]),
  };
}

export const DEFAULT_FAMILIES: Readonly<Record<string, FamilyCatalog>> = {
  'projet-6k': slaFamily(),
  'projet-7k': slaFamily(),
  mjp: {
    sources: ['push', 'poll', 'metricbeat'],
    items: {
      PrintHeadTemperature: number('°C'),
      ModelMaterialLevel: number('%'),
      SupportMaterialLevel: number('%'),
      UVLampHours: number('h'),
      WasteLevel: number('%'),
      ...JOB_ITEMS,
      ...METRICBEAT_ITEMS,
    },
    logRules: [],
  },
  dmp: {
    sources: ['push', 'poll', 'metricbeat'],
    items: {
      OxygenPpm: number('ppm'),
      ChamberPressure: number('mbar'),
      LaserPower: number('W'),
      FilterDifferentialPressure: number('mbar'),
      ...JOB_ITEMS,
      ...METRICBEAT_ITEMS,
    },
    logRules: [],
  },
};

/**
 * The built-in catalog (DATA-ITEMS.md). A config that omits `catalog` gets all of it; a config that
 * lists families replaces those families and keeps the other built-in ones.
 */
export function defaultCatalog(): Catalog {
  return { families: structuredClone(DEFAULT_FAMILIES) };
}
