import type { Logger } from '../../config/logging.js';

/**
 * Callbacks to the engine's owner, run in a microtask after the engine's state is consistent: a callback may call
 * back into the engine (offer from onSpaceAvailable), and one that throws cannot leave the engine half-updated.
 */
export class CallbackOutbox {
  #callbacks: Array<() => void> = [];
  #scheduled = false;

  constructor(private readonly logger: Logger) {}

  post(callback: () => void): void {
    this.#callbacks.push(callback);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    while (this.#callbacks.length > 0) {
      const callbacks = this.#callbacks;
      this.#callbacks = [];
      for (const callback of callbacks) {
        try {
          callback();
        } catch (error) {
          this.logger.error({ err: error }, 'uplink callback threw');
        }
      }
    }
  }
}
