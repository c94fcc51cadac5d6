/**
 * What a printer's collector does to its inputs before anything leaves the adapter: Beats documents
 * and push readings become readings, and only catalogued items survive (ARCHITECTURE.md §4: raw
 * lines, file names and anything off the catalog never leave). Pure: counts say what was dropped.
 */
import { decodeBeatsEvent, identifyPrinter, logEventId, metricbeatReadings } from '../beats/index.js';
import type { IdentifiablePrinter } from '../beats/identify-printer.js';
import type { PeerIdentity } from '../lumberjack/batch.js';
import { applyLogRules, createLogLineCounters, type LogLineCounters } from '../loglines/apply.js';
import { type CompiledLogRules, compileLogRules, type LogRuleSpec } from '../loglines/rules.js';
import type { Reading } from '../readings.js';

export interface CatalogView {
  /** Catalogued item names of the printer's family. */
  items: ReadonlySet<string>;
  rules: CompiledLogRules;
}

/** Why an input produced no reading; every one is counted, none is forwarded. */
export type DropReason =
  | 'unknown_document'
  | 'log_no_match'
  | 'log_too_long'
  | 'log_conversion_failed'
  | 'off_catalog'
  | 'not_sendable';

export type DropCounts = Record<DropReason, number>;

export function emptyDropCounts(): DropCounts {
  return {
    unknown_document: 0,
    log_no_match: 0,
    log_too_long: 0,
    log_conversion_failed: 0,
    off_catalog: 0,
    not_sendable: 0,
  };
}

export interface Normalized {
  readings: Reading[];
  drops: DropCounts;
  /** Log lines that matched a rule (for readings/s and operator views). */
  linesMatched: number;
}

/** Beats window → catalogued readings, with a stable event id per log line (file + offset). */
export function normalizeBeatsEvents(
  printer: string,
  catalog: CatalogView,
  events: readonly unknown[],
  receivedAt: number,
): Normalized {
  const drops = emptyDropCounts();
  const counters: LogLineCounters = createLogLineCounters();
  const readings: Reading[] = [];
  for (const event of events) {
    const decoded = decodeBeatsEvent(event);
    if (decoded.kind === 'unknown') {
      drops.unknown_document++;
      continue;
    }
    if (decoded.kind === 'metrics') {
      readings.push(...metricbeatReadings(printer, decoded, receivedAt));
      continue;
    }
    const result = applyLogRules(catalog.rules, decoded.line, {
      printer,
      eventId: logEventId(printer, decoded.file, decoded.offset),
      receivedAt,
      fallbackTime: decoded.time,
      counters,
    });
    if ('readings' in result) readings.push(...result.readings);
  }
  drops.log_no_match += counters.no_match;
  drops.log_too_long += counters.too_long;
  drops.log_conversion_failed += counters.conversion_failed;
  return { readings: keepCatalogued(catalog, readings, drops), drops, linesMatched: counters.matched };
}

/** Readings from any source (push, poll) → the catalogued ones. */
export function normalizeReadings(catalog: CatalogView, readings: readonly Reading[]): Normalized {
  const drops = emptyDropCounts();
  return { readings: keepCatalogued(catalog, readings, drops), drops, linesMatched: 0 };
}

function keepCatalogued(catalog: CatalogView, readings: readonly Reading[], drops: DropCounts): Reading[] {
  const kept: Reading[] = [];
  for (const reading of readings) {
    if (!catalog.items.has(reading.item)) {
      drops.off_catalog++;
      continue;
    }
    if (typeof reading.value === 'number' && !Number.isFinite(reading.value)) {
      drops.not_sendable++;
      continue;
    }
    kept.push(reading);
  }
  return kept;
}

export function addDropCounts(into: DropCounts, from: DropCounts): void {
  for (const key of Object.keys(from) as DropReason[]) into[key] += from[key];
}

/**
 * Which configured printer a Beats window belongs to: the peer's certificate and address, and what
 * the first decodable document says about its host (one Beat ships one printer's files).
 */
export function identifyWindow(
  peer: Pick<PeerIdentity, 'remoteAddress' | 'tlsSubject'>,
  events: readonly unknown[],
  printers: readonly IdentifiablePrinter[],
): string | undefined {
  for (const event of events) {
    const decoded = decodeBeatsEvent(event);
    if (decoded.kind !== 'unknown' || decoded.hostName !== undefined || decoded.fieldsPrinterId !== undefined) {
      return identifyPrinter(peer, decoded, printers);
    }
  }
  return identifyPrinter(peer, { kind: 'unknown', reason: 'empty window' }, printers);
}

/** The view a collector needs of its family's catalog; throws when the family's rules do not compile. */
export function catalogView(family: { items: Record<string, unknown>; logRules: readonly LogRuleSpec[] }): CatalogView {
  const compiled = compileLogRules(family.logRules);
  if (!compiled.ok) {
    throw new Error(`log rules do not compile: ${compiled.errors.map((e) => `[${e.index}] ${e.message}`).join('; ')}`);
  }
  return { items: new Set(Object.keys(family.items)), rules: compiled.rules };
}
