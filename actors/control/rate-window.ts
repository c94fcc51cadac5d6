/**
 * Rates the daemon computes itself, over a fixed window of its own samples: every caller of a view
 * sees the same figure, the first call is already right, and a counter that starts again at zero
 * (its actor restarted) never makes a rate negative. Pure: the control actor feeds it.
 */
import { RATE_WINDOW_DEFAULTS } from '../../config/defaults.js';

export interface RateWindowLimits {
  windowMs: number;
}

interface Sample {
  at: number;
  total: number;
}

/**
 * One counter made monotonic and sampled: `observe` takes the raw counter of whatever incarnation
 * answers; a value below the last one means a new incarnation started from zero, so everything it
 * counted is new. `rate` is the growth of the total between the oldest sample inside the window and
 * the newest, per second.
 */
export class MonotonicRate {
  readonly #windowMs: number;
  /** Samples inside the window plus the last one before it (the window's left edge), oldest first. */
  #samples: Sample[] = [];
  #lastRaw: number | undefined;
  #total = 0;

  constructor(limits: RateWindowLimits = RATE_WINDOW_DEFAULTS) {
    this.#windowMs = limits.windowMs;
  }

  /** Everything counted since the first sample, across restarts of the counter's owner. */
  get total(): number {
    return this.#total;
  }

  observe(at: number, raw: number): void {
    if (this.#lastRaw !== undefined) this.#total += raw >= this.#lastRaw ? raw - this.#lastRaw : raw;
    this.#lastRaw = raw;
    const last = this.#samples.at(-1);
    if (last !== undefined && at <= last.at) {
      last.total = this.#total;
    } else {
      this.#samples.push({ at, total: this.#total });
    }
    // Keep one sample at or before the window's start, so a full window is always measurable.
    const start = at - this.#windowMs;
    while (this.#samples.length > 2 && (this.#samples[1]?.at ?? Number.POSITIVE_INFINITY) <= start) this.#samples.shift();
  }

  /** Per second over the window ending at the newest sample, one decimal; 0 before two samples. */
  rate(): number {
    const newest = this.#samples.at(-1);
    const oldest = this.#samples[0];
    if (newest === undefined || oldest === undefined || newest.at <= oldest.at) return 0;
    const perSecond = ((newest.total - oldest.total) * 1000) / (newest.at - oldest.at);
    return Math.round(perSecond * 10) / 10;
  }
}

/** One MonotonicRate per key (a printer, the uplink), created on first sight. */
export class RateTable {
  readonly #limits: RateWindowLimits;
  readonly #rates = new Map<string, MonotonicRate>();

  constructor(limits: RateWindowLimits = RATE_WINDOW_DEFAULTS) {
    this.#limits = limits;
  }

  observe(key: string, at: number, raw: number): void {
    let rate = this.#rates.get(key);
    if (rate === undefined) {
      rate = new MonotonicRate(this.#limits);
      this.#rates.set(key, rate);
    }
    rate.observe(at, raw);
  }

  rate(key: string): number {
    return this.#rates.get(key)?.rate() ?? 0;
  }

  /** Keys no longer wanted (a printer removed by a reload). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#rates.keys()) if (!keys.has(key)) this.#rates.delete(key);
  }
}
