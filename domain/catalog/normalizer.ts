/**
 * What a printer's collector does to its inputs before anything leaves the adapter: Beats documents
 * and push readings become readings, and only catalogued items survive (ARCHITECTURE.md §4: raw
 * lines, file names and anything off the catalog never leave). Pure: counts say what was dropped.
 */
import {
  claimedPrinter,
  decodeBeatsEvent,
  identifyPrinter,
  logEventIdPrefix,
  logFileKey,
  textDigest,
} from '../../protocols/beats/index.js';
import { metricbeatReading } from '../../protocols/beats/metricbeat-readings.js';
import type { BeatsOrigin } from '../../protocols/beats/documents.js';
import type { IdentifiablePrinter } from '../../protocols/beats/identify-printer.js';
import type { PeerIdentity } from '../../protocols/lumberjack/batch.js';
import { appendLogReadings, createLogLineCounters, type LogLineContext, type LogLineCounters } from '../loglines/apply.js';
import { type CompiledLogRules, compileLogRules, type LogRuleSpec } from '../loglines/rules.js';
import type { Reading } from '../readings.js';

export interface CatalogView {
  /**
   * Catalogued item names of the printer's family, each mapped to itself: readings made from parsed
   * input can take this one copy instead of keeping the parser's (JSON.parse gives every longer name
   * its own string, which would live as long as the reading waits for delivery).
   */
  items: ReadonlyMap<string, string>;
  rules: CompiledLogRules;
}

/** Why an input produced no reading; every one is counted, none is forwarded. */
export type DropReason = 'unknown_document' | 'log_no_match' | 'log_too_long' | 'log_conversion_failed' | 'off_catalog' | 'not_sendable';

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

/** The drops of a batch that lost nothing, shared: most batches keep every reading. Read only. */
const NO_DROPS: Readonly<DropCounts> = Object.freeze(emptyDropCounts());

export interface Normalized {
  /** May be the input array itself when every reading was kept; neither side changes it afterwards. */
  readings: Reading[];
  drops: Readonly<DropCounts>;
  /** Log lines that matched a rule (for readings/s and operator views). */
  linesMatched: number;
}

/** Beats window → catalogued readings, with a stable event id per log line (file identity, offset, line digest). */
export function normalizeBeatsEvents(printer: string, catalog: CatalogView, events: readonly unknown[], receivedAt: number): Normalized {
  const counters: LogLineCounters = createLogLineCounters();
  let unknownDocuments = 0;
  const readings: Reading[] = [];
  // One context object for the window, updated per line, instead of one per line. Its eventId stays
  // empty: a line's readings get their id once they exist (below).
  const line: LogLineContext = { printer, eventId: '', receivedAt, fallbackTime: 0, counters };
  // The lines of a window come from one file, mostly: its part of the ids is digested once per run of lines.
  let idFile: string | undefined;
  let idFileId: string | undefined;
  let idPrefix = '';
  for (const event of events) {
    const decoded = decodeBeatsEvent(event);
    if (decoded.kind === 'unknown') {
      unknownDocuments++;
      continue;
    }
    if (decoded.kind === 'metrics') {
      readings.push(metricbeatReading(printer, decoded, receivedAt));
      continue;
    }
    if (decoded.file !== idFile || decoded.fileId !== idFileId) {
      idFile = decoded.file;
      idFileId = decoded.fileId;
      idPrefix = logEventIdPrefix(printer, logFileKey(idFile, idFileId));
    }
    line.fallbackTime = decoded.time;
    const first = readings.length;
    appendLogReadings(catalog.rules, decoded.line, line, readings);
    // Only a line that made readings needs its id: a line no rule matches is not digested at all.
    if (readings.length > first) {
      const eventId = `${idPrefix + decoded.offset}#${textDigest(decoded.line)}`; // logEventId(printer, file, fileId, offset, line)
      for (let index = first; index < readings.length; index++) (readings[index] as Reading).eventId = eventId;
    }
  }
  const dropped = unknownDocuments + counters.no_match + counters.too_long + counters.conversion_failed;
  const drops = dropped === 0 ? undefined : emptyDropCounts();
  if (drops) {
    drops.unknown_document = unknownDocuments;
    drops.log_no_match = counters.no_match;
    drops.log_too_long = counters.too_long;
    drops.log_conversion_failed = counters.conversion_failed;
  }
  return keepCatalogued(catalog, readings, drops, counters.matched);
}

/** Readings from any source (push, poll) → the catalogued ones. */
export function normalizeReadings(catalog: CatalogView, readings: Reading[]): Normalized {
  return keepCatalogued(catalog, readings, undefined, 0);
}

/** `drops` is created on the first drop; a batch that keeps everything returns its own array and NO_DROPS. */
function keepCatalogued(catalog: CatalogView, readings: Reading[], drops: DropCounts | undefined, linesMatched: number): Normalized {
  let kept: Reading[] | undefined;
  for (let index = 0; index < readings.length; index++) {
    const reading = readings[index] as Reading;
    const offCatalog = !catalog.items.has(reading.item);
    if (offCatalog || (typeof reading.value === 'number' && !Number.isFinite(reading.value))) {
      drops ??= emptyDropCounts();
      if (offCatalog) drops.off_catalog++;
      else drops.not_sendable++;
      kept ??= readings.slice(0, index);
      continue;
    }
    kept?.push(reading);
  }
  return { readings: kept ?? readings, drops: drops ?? NO_DROPS, linesMatched };
}

export function addDropCounts(into: DropCounts, from: Readonly<DropCounts>): void {
  if (from === NO_DROPS) return;
  for (const key of Object.keys(from) as DropReason[]) into[key] += from[key];
}

/** Which printer a window is from, and whether its documents claimed another one. */
export interface WindowIdentity {
  printer: string | undefined;
  /**
   * Set when the client certificate names one configured printer and the documents
   * (`fields.printer_id`, `host.name`) another: the certificate wins, the caller reports it.
   */
  mismatch?: { certificate: string; documents: string };
}

/**
 * Which configured printer a Beats window belongs to: the peer's certificate and address, and what
 * the first decodable document says about its host (one Beat ships one printer's files).
 */
export function identifyWindow(
  peer: Pick<PeerIdentity, 'remoteAddress' | 'tlsSubject'>,
  events: readonly unknown[],
  printers: readonly IdentifiablePrinter[],
): WindowIdentity {
  for (const event of events) {
    const decoded = decodeBeatsEvent(event);
    if (decoded.kind !== 'unknown' || saysWhoSentIt(decoded)) {
      const printer = identifyPrinter(peer, decoded, printers);
      // Only a certificate outranks the documents' own claim; without one the claim decided.
      if (peer.tlsSubject === undefined || printer === undefined) return { printer };
      const claimed = claimedPrinter(decoded, printers);
      return claimed === undefined || claimed === printer
        ? { printer }
        : { printer, mismatch: { certificate: printer, documents: claimed } };
    }
  }
  return { printer: identifyPrinter(peer, {}, printers) };
}

function saysWhoSentIt(decoded: BeatsOrigin): boolean {
  return (
    decoded.hostName !== undefined ||
    decoded.agentHostName !== undefined ||
    decoded.beatHostName !== undefined ||
    decoded.fieldsPrinterId !== undefined
  );
}

/** The view a collector needs of its family's catalog; throws when the family's rules do not compile. */
export function catalogView(family: { items: Record<string, unknown>; logRules: readonly LogRuleSpec[] }): CatalogView {
  const compiled = compileLogRules(family.logRules);
  if (!compiled.ok) {
    throw new Error(`log rules do not compile: ${compiled.errors.map((e) => `[${e.index}] ${e.message}`).join('; ')}`);
  }
  return { items: new Map(Object.keys(family.items).map((item) => [item, item])), rules: compiled.rules };
}
