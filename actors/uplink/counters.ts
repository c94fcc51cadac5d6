import type { DeliveryOutcome } from '../../protocols/thingworx/types.js';

/** Cumulative counters since the engine started; plain data for the CLI and the adapter's health Thing. */
export interface UplinkCounterSnapshot {
  deliveredReadings: number;
  /** Batches acknowledged with at least one reading in an accepted call. */
  deliveredBatches: number;
  /** Batches acknowledged without any reading sent: all superseded (state conflated), duplicates, or dropped. */
  settledUnsentBatches: number;
  deliveredCalls: number;
  /** Calls answered with `retry` (5xx, 429, timeout, reset). */
  retries: number;
  duplicatesSuppressed: number;
  /** State readings replaced by a newer one before they were sent. */
  conflated: number;
  droppedByReason: Record<string, number>;
  /** Delivery calls by HTTP status; "none" when there was no response (timeout, reset, refused). */
  responsesByStatus: Record<string, number>;
  responsesByOutcome: Record<string, number>;
  busyByReason: Record<string, number>;
  rejectedBatchesByReason: Record<string, number>;
}

export class UplinkCounters {
  deliveredReadings = 0;
  deliveredBatches = 0;
  settledUnsentBatches = 0;
  deliveredCalls = 0;
  retries = 0;
  duplicatesSuppressed = 0;
  conflated = 0;
  readonly #dropped = new Map<string, number>();
  readonly #byStatus = new Map<string, number>();
  readonly #byOutcome = new Map<string, number>();
  readonly #busy = new Map<string, number>();
  readonly #rejected = new Map<string, number>();

  response(outcome: DeliveryOutcome): void {
    bump(this.#byStatus, outcome.status === undefined ? 'none' : String(outcome.status));
    bump(this.#byOutcome, outcome.kind);
    if (outcome.kind === 'retry') this.retries += 1;
    if (outcome.kind === 'delivered') this.deliveredCalls += 1;
  }

  dropped(reason: string, count = 1): void {
    bump(this.#dropped, reason, count);
  }

  busy(reason: string): void {
    bump(this.#busy, reason);
  }

  rejectedBatch(reason: string): void {
    bump(this.#rejected, reason);
  }

  snapshot(): UplinkCounterSnapshot {
    return {
      deliveredReadings: this.deliveredReadings,
      deliveredBatches: this.deliveredBatches,
      settledUnsentBatches: this.settledUnsentBatches,
      deliveredCalls: this.deliveredCalls,
      retries: this.retries,
      duplicatesSuppressed: this.duplicatesSuppressed,
      conflated: this.conflated,
      droppedByReason: Object.fromEntries(this.#dropped),
      responsesByStatus: Object.fromEntries(this.#byStatus),
      responsesByOutcome: Object.fromEntries(this.#byOutcome),
      busyByReason: Object.fromEntries(this.#busy),
      rejectedBatchesByReason: Object.fromEntries(this.#rejected),
    };
  }
}

function bump(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}
