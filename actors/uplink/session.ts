import type { Logger } from '../../config/logging.js';
import type { DeliveryOutcome, ThingworxTransport } from '../../protocols/thingworx/types.js';
import { backoffDelayMs } from './backoff.js';
import type { UplinkClock } from './clock.js';
import type { UplinkLimits } from './limits.js';

/**
 * connecting: no check has succeeded yet · ready: sending · degraded: sending, but some calls are being retried ·
 * unauthorized: ThingWorx refused the app key; nothing is sent until a session check succeeds.
 */
export type SessionState = 'connecting' | 'ready' | 'degraded' | 'unauthorized';

export interface UplinkSessionOptions {
  transport: ThingworxTransport;
  /** The Thing the session check reads (the adapter's own Thing). */
  checkThing: string;
  limits: UplinkLimits;
  clock: UplinkClock;
  random: () => number;
  logger: Logger;
  onChange(state: SessionState, previous: SessionState): void;
}

/**
 * The session state machine. Only session checks leave `connecting` and `unauthorized`, and only one check runs at a
 * time on a backoff, so a revoked key costs a bounded number of requests however much data waits.
 */
export class UplinkSession {
  #state: SessionState = 'connecting';
  #checkAttempts = 0;
  #checkTimer: unknown;
  #checking = false;
  #stopped = false;
  #checks = 0;
  #lastFailure: string | undefined;
  readonly #options: UplinkSessionOptions;

  constructor(options: UplinkSessionOptions) {
    this.#options = options;
  }

  get state(): SessionState {
    return this.#state;
  }

  get canSend(): boolean {
    return this.#state === 'ready' || this.#state === 'degraded';
  }

  /** Why the session cannot send (the last check's failure, e.g. `TWX_TLS_UNTRUSTED: …`); undefined once a check succeeds. */
  get lastFailure(): string | undefined {
    return this.#lastFailure;
  }

  /** Session checks sent so far. */
  get checks(): number {
    return this.#checks;
  }

  start(): void {
    this.#runCheck();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#checkTimer !== undefined) this.#options.clock.clearTimeout(this.#checkTimer);
    this.#checkTimer = undefined;
  }

  /** A delivery call was refused for authentication: stop sending and start re-checking (once per episode). */
  noteUnauthorized(status: number): void {
    if (this.#state === 'unauthorized' || this.#stopped) return;
    this.#checkAttempts = 0;
    this.#lastFailure = refusedKeyDetail(status);
    this.#transition('unauthorized', { status });
    this.#scheduleCheck(this.#unauthorizedDelay());
  }

  /** The engine's view of the calls in flight: some are being retried (degraded) or none are (ready). */
  setDegraded(degraded: boolean): void {
    if (!this.canSend) return;
    this.#transition(degraded ? 'degraded' : 'ready', {});
  }

  #runCheck(): void {
    if (this.#checking || this.#stopped) return;
    this.#checking = true;
    this.#checks += 1;
    const { transport, checkThing } = this.#options;
    Promise.resolve()
      .then(() => transport.checkSession(checkThing))
      .then(
        (outcome) => this.#onCheck(outcome),
        (error: unknown) => {
          this.#options.logger.error({ err: error, thing: checkThing }, 'uplink session check threw; treated as retry');
          this.#onCheck({ kind: 'retry', detail: 'session check threw' });
        },
      );
  }

  #onCheck(outcome: DeliveryOutcome): void {
    this.#checking = false;
    if (this.#stopped) return;
    switch (outcome.kind) {
      case 'delivered':
      case 'not-found':
      case 'rejected':
        // Any answer but 401/403 proves the key is accepted; a missing own Thing is the health report's problem.
        if (outcome.kind !== 'delivered') {
          this.#options.logger.warn(
            { thing: this.#options.checkThing, status: outcome.status },
            'uplink session check answered but the adapter Thing is not readable',
          );
        }
        this.#checkAttempts = 0;
        this.#lastFailure = undefined;
        this.#transition('ready', { status: outcome.status });
        return;
      case 'unauthorized':
        this.#lastFailure = refusedKeyDetail(outcome.status);
        this.#transition('unauthorized', { status: outcome.status });
        this.#scheduleCheck(this.#unauthorizedDelay());
        return;
      case 'retry': {
        const { backoff, maxRetryAfterMs } = this.#options.limits;
        const delay = backoffDelayMs(this.#checkAttempts, backoff, this.#options.random());
        const serverAsked = Math.min(outcome.retryAfterMs ?? 0, maxRetryAfterMs);
        const delayMs = Math.max(delay, serverAsked);
        // A wrong CA or an unreachable host shows only here: say why once per episode, keep it for status().
        const fields = { thing: this.#options.checkThing, status: outcome.status, detail: outcome.detail, delayMs };
        if (this.#lastFailure !== outcome.detail) this.#options.logger.warn(fields, 'uplink session check failed; retrying with backoff');
        else this.#options.logger.debug(fields, 'uplink session check failed again');
        this.#lastFailure = outcome.detail;
        this.#checkAttempts += 1;
        this.#scheduleCheck(delayMs);
        return;
      }
      default: {
        const unknown: never = outcome;
        throw new Error(`unhandled outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  #unauthorizedDelay(): number {
    const { unauthorizedRecheckMs, unauthorizedRecheckMaxMs, backoff } = this.#options.limits;
    const policy = { minMs: unauthorizedRecheckMs, maxMs: unauthorizedRecheckMaxMs, jitterRatio: backoff.jitterRatio };
    const delay = backoffDelayMs(this.#checkAttempts, policy, this.#options.random());
    this.#checkAttempts += 1;
    return delay;
  }

  #scheduleCheck(delayMs: number): void {
    if (this.#stopped || this.#checkTimer !== undefined) return;
    this.#checkTimer = this.#options.clock.setTimeout(() => {
      this.#checkTimer = undefined;
      this.#runCheck();
    }, delayMs);
  }

  #transition(next: SessionState, context: { status?: number }): void {
    const previous = this.#state;
    if (next === previous) return;
    this.#state = next;
    const { logger } = this.#options;
    const fields = { state: next, previous, ...context };
    if (next === 'unauthorized') logger.warn(fields, 'uplink session unauthorized: ThingWorx refused the app key');
    else if (next === 'degraded') logger.warn(fields, 'uplink session degraded: calls are being retried');
    else logger.info(fields, `uplink session ${next}`);
    this.#options.onChange(next, previous);
  }
}

/** The detail for a refused key: status 0 means the transport had no usable key to send. */
function refusedKeyDetail(status: number): string {
  return status === 0 ? 'TWX_APP_KEY_UNUSABLE: no usable app key to send' : `HTTP ${status}: ThingWorx refused the app key`;
}
