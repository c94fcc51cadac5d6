/**
 * What a reload (SIGHUP) changes. Printers (and the catalog and log level they use) are applied to a
 * running adapter without touching the other printers; every other section is fixed for the life
 * of the process, because changing it means new listeners, a new ThingWorx session or new limits.
 */
import type { AdapterConfig, PrinterConfig } from './types.js';

export interface ReloadPlan {
  added: PrinterConfig[];
  removed: PrinterConfig[];
  /** Same id, different settings (or a different catalog family): restarted with the new settings. */
  changed: PrinterConfig[];
  /** Sections that differ but are not applied until the daemon restarts. */
  notApplied: string[];
  /** The configuration to run with from now on: the new printers, catalog and log level, the rest as it was. */
  effective: AdapterConfig;
}

const LIVE_SECTIONS = new Set(['printers', 'catalog', 'log']);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function planReload(running: AdapterConfig, next: AdapterConfig): ReloadPlan {
  const before = new Map(running.printers.map((p) => [p.id, p]));
  const after = new Map(next.printers.map((p) => [p.id, p]));
  const familyChanged = (printer: PrinterConfig) => !same(running.catalog.families[printer.family], next.catalog.families[printer.family]);
  const added = next.printers.filter((p) => !before.has(p.id));
  const removed = running.printers.filter((p) => !after.has(p.id));
  const changed = next.printers.filter((p) => {
    const old = before.get(p.id);
    return old !== undefined && (!same(old, p) || familyChanged(p));
  });
  const sections = new Set([...Object.keys(running), ...Object.keys(next)]);
  const notApplied = [...sections]
    .filter((section) => !LIVE_SECTIONS.has(section))
    .filter((section) => !same(running[section as keyof AdapterConfig], next[section as keyof AdapterConfig]))
    .sort();
  return {
    added,
    removed,
    changed,
    notApplied,
    effective: { ...running, printers: next.printers, catalog: next.catalog, log: next.log },
  };
}
