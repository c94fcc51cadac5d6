import { SimPrinterError } from './errors.js';

/**
 * Promises that settle once a simulator has nothing waiting and nothing unacknowledged. The
 * shippers call check() whenever acknowledgements move on; no polling.
 */
export const DRAIN_DEFAULTS = Object.freeze({ timeoutMs: 30_000 });

export interface DrainWaiter {
  wait(timeoutMs?: number): Promise<void>;
  check(): void;
  /** Rejects every waiter (the simulator stopped). */
  abandon(error: Error): void;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export function createDrainWaiter(printer: string, isDrained: () => boolean): DrainWaiter {
  const waiters = new Set<Waiter>();

  function settle(waiter: Waiter, error?: Error): void {
    clearTimeout(waiter.timer);
    waiters.delete(waiter);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }

  return {
    wait: (timeoutMs = DRAIN_DEFAULTS.timeoutMs) => {
      if (isDrained()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve,
          reject,
          timer: setTimeout(() => {
            settle(
              waiter,
              new SimPrinterError('SIM_ERR_DRAIN_TIMEOUT', `printer ${printer}: events still unacknowledged after ${timeoutMs} ms`, {
                printer,
                timeoutMs,
              }),
            );
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    check: () => {
      if (waiters.size === 0 || !isDrained()) return;
      for (const waiter of [...waiters]) settle(waiter);
    },
    abandon: (error) => {
      for (const waiter of [...waiters]) settle(waiter, error);
    },
  };
}
