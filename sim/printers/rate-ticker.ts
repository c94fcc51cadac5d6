import { performance } from 'node:perf_hooks';
import { SimPrinterError } from './errors.js';

/**
 * Calls back with how many events are due, at a settable rate per second. Fractions carry over
 * between ticks, so 0.5/s yields one event every 2 s; after the event loop stalled, at most
 * maxCatchUpMs worth of events are produced at once.
 */
export const RATE_TICKER_DEFAULTS = Object.freeze({
  tickMs: 100,
  maxCatchUpMs: 1_000,
});

export interface RateTicker {
  start(): void;
  stop(): void;
  setRate(perSecond: number): void;
  rate(): number;
}

export interface RateTickerOptions {
  perSecond: number;
  onDue(count: number): void;
  tickMs?: number;
  maxCatchUpMs?: number;
}

export function checkRate(perSecond: number, option: string): number {
  if (!Number.isFinite(perSecond) || perSecond < 0) {
    throw new SimPrinterError('SIM_ERR_BAD_OPTIONS', `${option} must be a finite number >= 0`, { option });
  }
  return perSecond;
}

export function createRateTicker(options: RateTickerOptions): RateTicker {
  const tickMs = options.tickMs ?? RATE_TICKER_DEFAULTS.tickMs;
  const maxCatchUpMs = options.maxCatchUpMs ?? RATE_TICKER_DEFAULTS.maxCatchUpMs;
  let perSecond = checkRate(options.perSecond, 'rate');
  let timer: NodeJS.Timeout | undefined;
  let lastTick = 0;
  let budget = 0;

  function tick(): void {
    const now = performance.now();
    const elapsed = Math.min(now - lastTick, maxCatchUpMs);
    lastTick = now;
    budget += (elapsed * perSecond) / 1000;
    const due = Math.floor(budget);
    budget -= due;
    if (due > 0) options.onDue(due);
  }

  return {
    start: () => {
      if (timer) return;
      lastTick = performance.now();
      budget = 0;
      timer = setInterval(tick, tickMs);
    },
    stop: () => {
      clearInterval(timer);
      timer = undefined;
    },
    setRate: (next) => {
      perSecond = checkRate(next, 'rate');
    },
    rate: () => perSecond,
  };
}
