import { DEFAULT_UPLINK_LIMITS } from '../../config/defaults.js';
import type { UplinkSettings } from '../../config/types.js';
import type { BackoffPolicy } from '../../supervision/backoff.js';

/** Every bound and timing of the delivery engine: what the configuration sets, and what only the code sets. */
export interface UplinkLimits extends Omit<UplinkSettings, 'backoff'> {
  /** Retry of a failed call (5xx, timeout, reset), per Thing; the configuration sets all but the jitter. */
  backoff: BackoffPolicy;
  /** How long stop() waits for the queue to drain when the caller does not say. */
  stopDrainMs: number;
}

export type UplinkLimitOverrides = Partial<Omit<UplinkLimits, 'backoff'>> & { backoff?: Partial<BackoffPolicy> };

export class UplinkLimitError extends Error {
  readonly code = 'UPLINK_BAD_LIMIT';
  constructor(
    readonly limit: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`uplink limit ${limit} must be ${expected}, got ${String(value)}`);
    this.name = 'UplinkLimitError';
  }
}

/** Defaults with overrides applied, checked so a bad config fails at start-up rather than mid-outage. */
export function resolveUplinkLimits(overrides: UplinkLimitOverrides = {}): UplinkLimits {
  const limits: UplinkLimits = {
    ...DEFAULT_UPLINK_LIMITS,
    ...overrides,
    backoff: { ...DEFAULT_UPLINK_LIMITS.backoff, ...overrides.backoff },
  };
  const positiveIntegers = [
    'maxQueuedReadings',
    'maxQueuedBytes',
    'maxRowsPerCall',
    'maxInFlight',
    'dedupeEntries',
    'conflationEntries',
  ] as const;
  for (const name of positiveIntegers) requirePositiveInteger(name, limits[name]);
  const durations = [
    'flushIntervalMs',
    'dedupeTtlMs',
    'notFoundRetryMs',
    'forbiddenRetryMs',
    'forbiddenRetryMaxMs',
    'probeIntervalMs',
    'unauthorizedRecheckMs',
    'unauthorizedRecheckMaxMs',
    'maxRetryAfterMs',
    'stopDrainMs',
  ] as const;
  for (const name of durations) requireDuration(name, limits[name]);
  requireDuration('backoff.minMs', limits.backoff.minMs);
  requireDuration('backoff.maxMs', limits.backoff.maxMs);
  if (!(limits.perThingShare > 0 && limits.perThingShare <= 1)) {
    throw new UplinkLimitError('perThingShare', limits.perThingShare, 'in (0, 1]');
  }
  if (!(limits.alertReserve >= 0 && limits.alertReserve < 1)) {
    throw new UplinkLimitError('alertReserve', limits.alertReserve, 'in [0, 1)');
  }
  if (!(limits.probeJitterRatio >= 0 && limits.probeJitterRatio <= 1)) {
    throw new UplinkLimitError('probeJitterRatio', limits.probeJitterRatio, 'in [0, 1]');
  }
  if (!(limits.backoff.jitter >= 0 && limits.backoff.jitter <= 1)) {
    throw new UplinkLimitError('backoff.jitter', limits.backoff.jitter, 'in [0, 1]');
  }
  return limits;
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new UplinkLimitError(name, value, 'a positive integer');
}

function requireDuration(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new UplinkLimitError(name, value, 'a duration in ms ≥ 0');
}
