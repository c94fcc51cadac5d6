import type { ReadingValue } from '../../domain/readings.js';

/**
 * What one simulated printer considers handed over and acknowledged, for zero-loss checks. For every
 * acknowledged event it keeps the catalog readings that event must produce downstream, derived from
 * the very line or message the simulator generated (never by running the adapter's own rules).
 */
export type LedgerSource = 'filebeat' | 'metricbeat' | 'push';
export const LEDGER_SOURCES: readonly LedgerSource[] = Object.freeze(['filebeat', 'metricbeat', 'push']);

/** One item an event carries: what the adapter must turn it into. */
export interface ExpectedItem {
  item: string;
  value: ReadingValue;
}

/** A reading that must reach ThingWorx: the printer's Thing, property `item`, this value at this device time. */
export interface ExpectedReading extends ExpectedItem {
  printer: string;
  thing?: string;
  /** Device time, ms since epoch; unique per printer. */
  time: number;
  source: LedgerSource;
}

export interface SourceCounters {
  /** Events handed to the shipper (Beats client or push client) for the first time. */
  events_sent: number;
  /** Events the receiving side acknowledged. */
  events_acked: number;
  /** Expected readings of the acknowledged events. */
  readings_acked: number;
}

export type LedgerCounters = Record<LedgerSource, SourceCounters>;

export const LEDGER_DEFAULTS = Object.freeze({
  /** Raw lines kept as forbidden strings: every Nth line offered, up to this many. */
  maxSampledLines: 50,
  sampleEveryNthLine: 7,
  /** Forbidden strings kept in all (job file names included); a bound for very long runs. */
  maxForbiddenStrings: 10_000,
  /** Keep every expected reading (off for long benchmarks: counters only). */
  keepExpected: true,
});

export interface LedgerOptions {
  printer: string;
  thing?: string;
  keepExpected?: boolean;
  /** Told every expected reading of an acknowledged event as it is acknowledged (kept or not). */
  onExpected?: (reading: ExpectedReading) => void;
  maxSampledLines?: number;
  sampleEveryNthLine?: number;
  maxForbiddenStrings?: number;
}

export interface PrinterLedger {
  recordSent(source: LedgerSource, events?: number): void;
  /** One event acknowledged: its device time and the items it carries (none for a JOBFILE line). */
  recordAcked(source: LedgerSource, time: number, items: readonly ExpectedItem[]): void;
  /** Text that must never reach ThingWorx (a job file name, a log path, an error's free text). */
  forbid(text: string): void;
  /** A raw line handed over; some are kept as forbidden strings. */
  offerRawLine(line: string): void;
  expectedAcked(): ExpectedReading[];
  forbiddenStrings(): string[];
  counters(): LedgerCounters;
}

function emptyCounters(): LedgerCounters {
  return {
    filebeat: { events_sent: 0, events_acked: 0, readings_acked: 0 },
    metricbeat: { events_sent: 0, events_acked: 0, readings_acked: 0 },
    push: { events_sent: 0, events_acked: 0, readings_acked: 0 },
  };
}

export function createLedger(options: LedgerOptions): PrinterLedger {
  const keepExpected = options.keepExpected ?? LEDGER_DEFAULTS.keepExpected;
  const maxSampledLines = options.maxSampledLines ?? LEDGER_DEFAULTS.maxSampledLines;
  const sampleEvery = Math.max(1, options.sampleEveryNthLine ?? LEDGER_DEFAULTS.sampleEveryNthLine);
  const maxForbidden = options.maxForbiddenStrings ?? LEDGER_DEFAULTS.maxForbiddenStrings;
  const counts = emptyCounters();
  const expected: ExpectedReading[] = [];
  const forbidden = new Set<string>();
  let linesOffered = 0;
  let linesSampled = 0;

  const forbid = (text: string): void => {
    if (text.length > 0 && forbidden.size < maxForbidden) forbidden.add(text);
  };

  return {
    recordSent: (source, events = 1) => {
      counts[source].events_sent += events;
    },
    recordAcked: (source, time, items) => {
      counts[source].events_acked += 1;
      counts[source].readings_acked += items.length;
      const { onExpected } = options;
      if (!keepExpected && onExpected === undefined) return;
      // One fixed-shape object per reading (no spread): long runs keep hundreds of thousands.
      const { printer, thing } = options;
      for (const { item, value } of items) {
        const reading: ExpectedReading =
          thing === undefined ? { printer, item, value, time, source } : { printer, thing, item, value, time, source };
        if (keepExpected) expected.push(reading);
        onExpected?.(reading);
      }
    },
    forbid,
    offerRawLine: (line) => {
      const index = linesOffered++;
      if (index % sampleEvery !== 0 || linesSampled >= maxSampledLines) return;
      linesSampled += 1;
      forbid(line);
    },
    expectedAcked: () => expected.map((reading) => ({ ...reading })),
    forbiddenStrings: () => [...forbidden],
    counters: () => ({
      filebeat: { ...counts.filebeat },
      metricbeat: { ...counts.metricbeat },
      push: { ...counts.push },
    }),
  };
}
