import type { Logger } from '../../config/logging.js';

/**
 * Callbacks to the engine's owner, run in a microtask after the engine's state is consistent: a callback may call
 * back into the engine (offer from onSpaceAvailable), and one that throws cannot leave the engine half-updated.
 * Kept as (callback, argument, argument) in one reused array, not as a closure per call: a Delivered is posted for
 * every batch.
 */
export class CallbackOutbox {
  #pending: unknown[] = [];
  /** Slots of #pending in use: three per call. */
  #used = 0;
  #scheduled = false;

  constructor(private readonly logger: Logger) {}

  post<A, B>(callback: (first: A, second: B) => void, first: A, second: B): void {
    const pending = this.#pending;
    pending[this.#used] = callback;
    pending[this.#used + 1] = first;
    pending[this.#used + 2] = second;
    this.#used += 3;
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    const pending = this.#pending;
    // A callback may post more; they run in this flush, in order.
    for (let at = 0; at < this.#used; at += 3) {
      const callback = pending[at] as (first: unknown, second: unknown) => void;
      const first = pending[at + 1];
      const second = pending[at + 2];
      pending[at] = pending[at + 1] = pending[at + 2] = undefined;
      try {
        callback(first, second);
      } catch (error) {
        this.logger.error({ err: error }, 'uplink callback threw');
      }
    }
    this.#used = 0;
  }
}
