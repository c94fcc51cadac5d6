import { type RefusalCounts, type RefusalReason, REFUSAL_REASONS } from './policy.js';

/** At most one warn line per reason in this period; the refusals in between are counted in the next one. */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;

/** What to log for one refusal: nothing (suppressed), or a line with how many were suppressed since the last. */
export type RefusalLogDecision = { log: false } | { log: true; suppressed: number };

/**
 * Counts refusals by reason and rate-limits their log lines, so a flood of refused connections
 * is visible (one line per reason and period, with a count) without flooding the journal.
 */
export class RefusalRecorder {
  private readonly totals: RefusalCounts = zeroCounts();
  private readonly lastLoggedAt = new Map<RefusalReason, number>();
  private readonly suppressed = new Map<RefusalReason, number>();

  constructor(private readonly intervalMs = REFUSAL_LOG_INTERVAL_MS) {}

  record(reason: RefusalReason, now: number): RefusalLogDecision {
    this.totals[reason] += 1;
    const last = this.lastLoggedAt.get(reason);
    if (last !== undefined && now - last < this.intervalMs) {
      this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
      return { log: false };
    }
    const suppressed = this.suppressed.get(reason) ?? 0;
    this.lastLoggedAt.set(reason, now);
    this.suppressed.delete(reason);
    return { log: true, suppressed };
  }

  counts(): RefusalCounts {
    return { ...this.totals };
  }
}

export function zeroCounts(): RefusalCounts {
  return Object.fromEntries(REFUSAL_REASONS.map((reason) => [reason, 0])) as RefusalCounts;
}
