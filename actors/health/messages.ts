import type { ReadingSource, Reading } from '../../domain/readings.js';
import type { SenderNotice } from '../uplink/sender.js';

/** What a printer's health actor handles. */
export type HealthMessage =
  /** Readings seen from a source (collector, poller): liveness and limit checks. */
  | { type: 'Observed'; source: Exclude<ReadingSource, 'health'>; readings: readonly Reading[]; at: number }
  /** A source failed (a poll timed out, a connection broke): it counts as down until it delivers again. */
  | { type: 'SourceFailed'; source: Exclude<ReadingSource, 'health'>; at: number; reason: string }
  /** Re-evaluate the printer state (sources go stale without any message arriving). */
  | { type: 'EvaluateDue' }
  | { type: 'Describe' }
  /** The uplink's notices, and RetryOffer when the uplink was not running: actors/uplink/sender.ts handles them. */
  | SenderNotice;
