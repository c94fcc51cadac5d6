import type { Logger } from '../../config/logging.js';
import type { DeliveryOutcome, ThingworxTransport } from '../../protocols/thingworx/types.js';
import { backoffDelayMs } from '../../supervision/backoff.js';
import type { UplinkClock } from './clock.js';
import type { UplinkLimits } from './limits.js';

/**
 * connecting: no check has succeeded yet · ready: sending · degraded: sending, but some calls are being retried ·
 * unreachable: a call and the session check after it got no answer; only the check runs, on the probe interval ·
 * unauthorized: ThingWorx refused the app key; nothing is sent until a session check succeeds.
 */
export type SessionState = 'connecting' | 'ready' | 'degraded' | 'unreachable' | 'unauthorized';

/** What a session check proved: the key works (ThingWorx answered, and not 401/403), it is refused, or no answer. */
export type CheckVerdict = 'key-accepted' | 'key-refused' | 'unreachable';

export interface UplinkSessionOptions {
  transport: ThingworxTransport;
  /** The Thing the session check reads (the adapter's own Thing). */
  checkThing: string;
  limits: UplinkLimits;
  clock: UplinkClock;
  random: () => number;
  logger: Logger;
  onChange(state: SessionState, previous: SessionState): void;
  /** Every settled check, after the state it leads to is set. */
  onVerdict?(verdict: CheckVerdict): void;
}

/**
 * The session state machine. Only session checks leave `connecting`, `unreachable` and `unauthorized`, and only one
 * check runs at a time (on the probe interval while unanswered, on a backoff while the key is refused), so an outage
 * or a revoked key costs a bounded number of requests however much data waits.
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

  /** True while a session check is in flight. */
  get checking(): boolean {
    return this.#checking;
  }

  /**
   * A delivery call was refused (401/403) or got no answer: check the session now, unless a check is already out.
   * ThingWorx answers 403 for one Thing the key's user may not write, so a refusal alone proves nothing about the key;
   * and one reset proves nothing about the server. The verdict goes to onVerdict: a refused key makes the session
   * unauthorized, no answer makes it unreachable (probing on the short interval), an answer leaves it sending.
   */
  checkNow(): void {
    if (!this.canSend) return;
    this.#runCheck();
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
        // A check while sending (a refused or unanswered call) leaves ready or degraded as it is.
        if (!this.canSend) this.#transition('ready', { status: outcome.status });
        this.#options.onVerdict?.('key-accepted');
        return;
      case 'unauthorized':
        if (this.#state !== 'unauthorized') this.#checkAttempts = 0;
        this.#lastFailure = refusedKeyDetail(outcome.status);
        this.#transition('unauthorized', { status: outcome.status });
        this.#scheduleCheck(this.#unauthorizedDelay());
        this.#options.onVerdict?.('key-refused');
        return;
      case 'retry': {
        const serverAsked = Math.min(outcome.retryAfterMs ?? 0, this.#options.limits.maxRetryAfterMs);
        const delayMs = Math.max(this.#probeDelay(), serverAsked);
        // A wrong CA or an unreachable host shows only here: say why once per episode, keep it for status().
        const fields = { thing: this.#options.checkThing, status: outcome.status, detail: outcome.detail, delayMs };
        if (this.#lastFailure !== outcome.detail) this.#options.logger.warn(fields, 'uplink session check got no answer; probing');
        else this.#options.logger.debug(fields, 'uplink session check got no answer again');
        this.#lastFailure = outcome.detail;
        // At start-up the session stays connecting; once it had sent, it is unreachable until a probe succeeds.
        if (this.#state !== 'connecting') this.#transition('unreachable', { status: outcome.status });
        this.#scheduleCheck(delayMs);
        this.#options.onVerdict?.('unreachable');
        return;
      }
      default: {
        const unknown: never = outcome;
        throw new Error(`unhandled outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** The probe interval with jitter: short and flat, as one request a second is cheap and recovery should be quick. */
  #probeDelay(): number {
    const { probeIntervalMs, probeJitterRatio } = this.#options.limits;
    const policy = { minMs: probeIntervalMs, maxMs: probeIntervalMs, jitter: probeJitterRatio };
    return backoffDelayMs(0, policy, this.#options.random);
  }

  #unauthorizedDelay(): number {
    const { unauthorizedRecheckMs, unauthorizedRecheckMaxMs, backoff } = this.#options.limits;
    const policy = { minMs: unauthorizedRecheckMs, maxMs: unauthorizedRecheckMaxMs, jitter: backoff.jitter };
    const delay = backoffDelayMs(this.#checkAttempts, policy, this.#options.random);
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
    else if (next === 'unreachable') logger.warn(fields, 'uplink session unreachable: ThingWorx does not answer; probing');
    else logger.info(fields, `uplink session ${next}`);
    this.#options.onChange(next, previous);
  }
}

/** The detail for a refused key: status 0 means the transport had no usable key to send. */
function refusedKeyDetail(status: number): string {
  return status === 0 ? 'TWX_APP_KEY_UNUSABLE: no usable app key to send' : `HTTP ${status}: ThingWorx refused the app key`;
}
