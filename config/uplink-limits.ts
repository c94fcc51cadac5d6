import type { BackoffPolicy } from '../supervision/backoff.js';

/** Every bound and timing of the delivery engine, in one place (the config layer overrides them). */
export interface UplinkLimits {
  /** Readings queued or in flight, all Things together. */
  maxQueuedReadings: number;
  /** Estimated bytes of those readings (see estimateRowBytes). */
  maxQueuedBytes: number;
  /** Fraction (0..1] of both caps one Thing may hold, so a held (404) Thing cannot starve the others. */
  perThingShare: number;
  /** Fraction [0..1) of both caps kept for the alert lane: routine readings get busy before alerts do. */
  alertReserve: number;
  /** Rows in one UpdatePropertyValues call. */
  maxRowsPerCall: number;
  /** A Thing's routine rows go out this long after the first of them was queued (alerts go at once). */
  flushIntervalMs: number;
  /** Calls in flight, all Things together (never more than one per Thing). */
  maxInFlight: number;
  /** Recently delivered events (an event: the readings that share one eventId) remembered to suppress re-sends… */
  dedupeEntries: number;
  /** …each for this long after it was delivered. */
  dedupeTtlMs: number;
  /** (Thing, item) pairs tracked for conflation of state readings; when all are in use, a new pair is not conflated. */
  conflationEntries: number;
  /** Retry of a failed call (5xx, timeout, reset), per Thing. */
  backoff: BackoffPolicy;
  /** A Thing ThingWorx does not know (404) is retried this long after. */
  notFoundRetryMs: number;
  /**
   * A Thing refused (401/403) while the session check shows the key still works: the key's user may not write it.
   * Held alone and retried on a backoff from this…
   */
  forbiddenRetryMs: number;
  /** …up to this. */
  forbiddenRetryMaxMs: number;
  /** While ThingWorx does not answer, the session check probes it this often… */
  probeIntervalMs: number;
  /** …plus up to this fraction at random, so adapters that lost the same server do not probe in step. */
  probeJitterRatio: number;
  /** While unauthorized (401/403), the session is re-checked on a backoff from this… */
  unauthorizedRecheckMs: number;
  /** …up to this. */
  unauthorizedRecheckMaxMs: number;
  /** A server's Retry-After is honoured up to this. */
  maxRetryAfterMs: number;
  /** How long stop() waits for the queue to drain when the caller does not say. */
  stopDrainMs: number;
}

export const DEFAULT_UPLINK_LIMITS: Readonly<UplinkLimits> = Object.freeze({
  maxQueuedReadings: 100_000,
  maxQueuedBytes: 32 * 1024 * 1024,
  perThingShare: 0.25,
  alertReserve: 0.05,
  maxRowsPerCall: 500,
  flushIntervalMs: 100,
  maxInFlight: 4,
  /**
   * 10,000 events: the reach of the earlier per-reading default (50,000 readings at about five readings per
   * event). Each remembered id lives in the old generation until it is forgotten, and at 50,000 events the churn of
   * those ids cost the adapter about 15% of its CPU under load (bench/end-to-end.ts). Forgetting one early costs a
   * duplicate row in ThingWorx, never a lost one.
   */
  dedupeEntries: 10_000,
  dedupeTtlMs: 10 * 60_000,
  conflationEntries: 10_000,
  backoff: Object.freeze({ minMs: 500, maxMs: 60_000, jitter: 0.2 }),
  notFoundRetryMs: 60_000,
  forbiddenRetryMs: 5_000,
  forbiddenRetryMaxMs: 120_000,
  probeIntervalMs: 1_000,
  probeJitterRatio: 0.2,
  unauthorizedRecheckMs: 5_000,
  unauthorizedRecheckMaxMs: 120_000,
  maxRetryAfterMs: 5 * 60_000,
  stopDrainMs: 10_000,
});
