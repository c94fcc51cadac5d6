import type { Reading, ReadingSource } from '../readings.js';
import { HealthError } from './errors.js';
import { LIVENESS_DEFAULTS } from '../../config/defaults.js';

/** The sources a printer's data arrives by; `health` is the adapter's own and has no liveness. */
export const LIVENESS_SOURCES = Object.freeze(['filebeat', 'metricbeat', 'poll', 'push'] as const);
export type LivenessSource = (typeof LIVENESS_SOURCES)[number] & ReadingSource;

/**
 * - online: every expected source is fresh.
 * - degraded: at least one expected source is fresh and at least one is stale or failing.
 * - offline: no expected source is fresh.
 * A source is fresh when it was seen within its `staleAfterMs` (an age equal to the threshold is
 * still fresh) and no failure was reported after it was last seen.
 */
export type PrinterLiveness = 'online' | 'degraded' | 'offline';

export interface LivenessThresholds {
  staleAfterMs: Readonly<Record<LivenessSource, number>>;
}

/** Thresholds as callers give them: any source left out keeps its default. */
export interface LivenessThresholdOverrides {
  staleAfterMs?: Readonly<Partial<Record<LivenessSource, number>>>;
}

export interface SourceLiveness {
  source: LivenessSource;
  lastSeenAt?: number;
  lastFailedAt?: number;
  /** The most recent report about this source was a failure. */
  failing: boolean;
  fresh: boolean;
}

export interface LivenessTracker {
  /** Data (or a successful poll) arrived from this source at `at`. */
  seen(source: LivenessSource, at: number): void;
  /** The source failed at `at` (a poll that timed out, a connection that broke). */
  failed(source: LivenessSource, at: number): void;
  /** seen() for a GOOD or UNKNOWN reading, failed() for a BAD poll reading, at its receivedAt. */
  observe(reading: Reading): void;
  /** observe() for each reading in order (a batch comes from one source: its record is looked up once). */
  observeAll(readings: readonly Reading[]): void;
  /** Pure over what was recorded: the same `now` gives the same answer. */
  printerState(now: number, thresholds?: LivenessThresholdOverrides): PrinterLiveness;
  sources(now: number, thresholds?: LivenessThresholdOverrides): SourceLiveness[];
}

const NO_OVERRIDES: LivenessThresholdOverrides = Object.freeze({});

interface SourceRecord {
  lastSeenAt?: number;
  lastFailedAt?: number;
  failing: boolean;
}

function isLivenessSource(source: string): source is LivenessSource {
  return (LIVENESS_SOURCES as readonly string[]).includes(source);
}

/** Throws HEALTH_NO_SOURCES for an empty or unknown source list. */
export function createLivenessTracker(expected: readonly LivenessSource[]): LivenessTracker {
  const sources = [...new Set(expected)];
  if (sources.length === 0) throw new HealthError('HEALTH_NO_SOURCES', 'a printer needs at least one expected source');
  for (const source of sources) {
    if (!isLivenessSource(source)) throw new HealthError('HEALTH_NO_SOURCES', 'unknown source', { source });
  }
  const records = new Map<LivenessSource, SourceRecord>(sources.map((source) => [source, { failing: false }]));

  function markSeen(record: SourceRecord, at: number): void {
    record.lastSeenAt = Math.max(record.lastSeenAt ?? at, at);
    record.failing = false;
  }

  function markFailed(record: SourceRecord, at: number): void {
    record.lastFailedAt = Math.max(record.lastFailedAt ?? at, at);
    record.failing = true;
  }

  function seen(source: LivenessSource, at: number): void {
    const record = records.get(source);
    if (record) markSeen(record, at);
  }

  function failed(source: LivenessSource, at: number): void {
    const record = records.get(source);
    if (record) markFailed(record, at);
  }

  function recordOf(source: Reading['source']): SourceRecord | undefined {
    return isLivenessSource(source) ? records.get(source) : undefined;
  }

  function observeInto(record: SourceRecord, reading: Reading): void {
    // only a poll turns its own failure into BAD readings; a BAD value from a Beat still proves the Beat is alive
    if (reading.quality === 'BAD' && reading.source === 'poll') markFailed(record, reading.receivedAt);
    else markSeen(record, reading.receivedAt);
  }

  function observe(reading: Reading): void {
    const record = recordOf(reading.source);
    if (record) observeInto(record, reading);
  }

  function observeAll(readings: readonly Reading[]): void {
    let runSource: Reading['source'] | undefined;
    let record: SourceRecord | undefined;
    for (const reading of readings) {
      if (reading.source !== runSource) {
        runSource = reading.source;
        record = recordOf(runSource);
      }
      if (record) observeInto(record, reading);
    }
  }

  function staleAfter(source: LivenessSource, thresholds: LivenessThresholdOverrides): number {
    const limit = thresholds.staleAfterMs?.[source] ?? LIVENESS_DEFAULTS.staleAfterMs[source];
    if (!Number.isFinite(limit) || limit < 0) {
      throw new HealthError('HEALTH_THRESHOLD_INVALID', 'staleAfterMs must be a number >= 0', { source });
    }
    return limit;
  }

  function isFresh(record: SourceRecord, limit: number, now: number): boolean {
    return record.lastSeenAt !== undefined && !record.failing && now - record.lastSeenAt <= limit;
  }

  function describe(now: number, thresholds: LivenessThresholdOverrides = NO_OVERRIDES): SourceLiveness[] {
    return sources.map((source) => {
      const record = records.get(source) ?? { failing: false };
      return { source, ...record, fresh: isFresh(record, staleAfter(source, thresholds), now) };
    });
  }

  // Asked after every observed batch: counts without building describe()'s objects.
  function printerState(now: number, thresholds: LivenessThresholdOverrides = NO_OVERRIDES): PrinterLiveness {
    let fresh = 0;
    for (const source of sources) {
      const limit = staleAfter(source, thresholds);
      const record = records.get(source);
      if (record !== undefined && isFresh(record, limit, now)) fresh++;
    }
    if (fresh === sources.length) return 'online';
    return fresh === 0 ? 'offline' : 'degraded';
  }

  return { seen, failed, observe, observeAll, printerState, sources: describe };
}
