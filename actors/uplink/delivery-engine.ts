import type { Logger } from '../../config/logging.js';
import type { Reading } from '../../domain/readings.js';
import type { DeliveryOutcome, ThingworxTransport } from '../../protocols/thingworx/types.js';
import { backoffDelayMs } from '../../supervision/backoff.js';
import { isSendable, isWellFormedBatch, type OfferResult, type RejectReason, type SenderAddress, type UplinkBatch } from './batch.js';
import { systemClock, type UplinkClock } from './clock.js';
import { LatestByProperty } from './conflation.js';
import { UplinkCounters } from './counters.js';
import { DELIVERED, DuplicateFilter } from './duplicate-filter.js';
import { resolveUplinkLimits, type UplinkLimitOverrides, type UplinkLimits } from './limits.js';
import { CallbackOutbox } from './outbox.js';
import { type BusyReason, checkRoom, isOversized, type QueueUsage } from './queue-caps.js';
import { BatchTracker, type EventTracker, estimateEventBytes, estimateRowBytes, type Lane, QueuedRow } from './queued-row.js';
import { type CheckVerdict, type SessionState, UplinkSession } from './session.js';
import type { StopReport, ThingStatus, UplinkStatus } from './status.js';
import { type InFlightCall, ThingQueue } from './thing-queue.js';

/** Gateway answers that mean ThingWorx behind it does not answer: like a reset, they start a session check. */
const NO_ANSWER_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** A retried call that says nothing about one Thing: no response at all, or a gateway standing in for ThingWorx. */
function isNoAnswer(outcome: { status?: number }): boolean {
  return outcome.status === undefined || NO_ANSWER_STATUSES.has(outcome.status);
}

export type { OfferResult, RejectReason, UplinkBatch } from './batch.js';
export type { StopReport, UplinkStatus } from './status.js';

export interface DeliveryEngineOptions {
  transport: ThingworxTransport;
  /** The adapter's own Thing, read by the session check. */
  sessionCheckThing: string;
  /** Shown in status(); the engine never sees the URL or the key. */
  endpointHost?: string;
  limits?: UplinkLimitOverrides;
  logger: Logger;
  clock?: UplinkClock;
  /** In [0, 1); for backoff jitter. */
  random?: () => number;
  /** Every reading of the batch was accepted by ThingWorx (or suppressed, superseded, or dropped by counted policy). */
  onDelivered(batchId: string, sender: SenderAddress): void;
  /** A sender told busy may offer again: its refused batch would fit now. */
  onSpaceAvailable?(sender: SenderAddress): void;
  onStateChange?(state: SessionState, previous: SessionState): void;
  /** The engine's own bookkeeping threw (a bug): the owner should restart it; nothing unacknowledged is lost. */
  onFault?(error: unknown): void;
}

const ACCEPTED: OfferResult = Object.freeze({ kind: 'accepted' });

interface RefusedOffer {
  thing: string;
  lane: Lane;
  need: QueueUsage;
}

/**
 * At least what #roomNeeded answers, without asking the duplicate filter: every reading counted as a new row, and
 * each run of an event's readings charged its event (dropping duplicates and unsendable readings only lowers both).
 */
function roomNeededAtMost(batch: UplinkBatch): QueueUsage {
  let bytes = 0;
  let runEventId: string | undefined;
  for (const reading of batch.readings) {
    const { eventId } = reading;
    if (eventId !== undefined && eventId !== runEventId) {
      runEventId = eventId;
      bytes += estimateEventBytes(eventId);
    }
    bytes += estimateRowBytes(reading.value);
  }
  return { readings: batch.readings.length, bytes };
}

/**
 * The uplink's delivery engine: bounded queue, per-Thing batching, sessions, retries and acknowledgements,
 * without sockets or actors. Calls the transport; reports through callbacks.
 */
export class DeliveryEngine {
  readonly limits: UplinkLimits;
  readonly #options: DeliveryEngineOptions;
  readonly #clock: UplinkClock;
  readonly #random: () => number;
  readonly #logger: Logger;
  readonly #session: UplinkSession;
  readonly #counters = new UplinkCounters();
  readonly #duplicates: DuplicateFilter;
  readonly #latest: LatestByProperty;
  readonly #things = new Map<string, ThingQueue>();
  readonly #refused = new Map<SenderAddress, RefusedOffer>();
  /**
   * Batches of re-sent copies that arrived while their event was pending, acknowledged when it settles. Kept here,
   * not on each EventTracker: copies are rare, and every pending event would pay for the field.
   */
  readonly #waiters = new Map<EventTracker, BatchTracker[]>();
  #queuedReadings = 0;
  #queuedBytes = 0;
  #inFlightCalls = 0;
  #turn = 0;
  /** A server's Retry-After holds every Thing, not only the one that was told. */
  #pausedUntil = 0;
  /** The last retried call's detail, the reason given for degraded. */
  #lastCallFailure: string | undefined;
  #wakeTimer: unknown;
  #wakeAt = Number.POSITIVE_INFINITY;
  #started = false;
  #stopping = false;
  #stopped = false;
  #stopTimer: unknown;
  #stopPromise: Promise<StopReport> | undefined;
  #resolveStop: ((report: StopReport) => void) | undefined;
  readonly #outbox: CallbackOutbox;

  constructor(options: DeliveryEngineOptions) {
    this.#options = options;
    this.limits = resolveUplinkLimits(options.limits);
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#logger = options.logger;
    this.#outbox = new CallbackOutbox(options.logger);
    this.#duplicates = new DuplicateFilter({ entries: this.limits.dedupeEntries, ttlMs: this.limits.dedupeTtlMs });
    this.#latest = new LatestByProperty(this.limits.conflationEntries);
    this.#session = new UplinkSession({
      transport: options.transport,
      checkThing: options.sessionCheckThing,
      limits: this.limits,
      clock: this.#clock,
      random: this.#random,
      logger: options.logger,
      onChange: (state, previous) => this.#onSessionChange(state, previous),
      onVerdict: (verdict) => this.#guard(() => this.#onVerdict(verdict)),
    });
  }

  get sessionState(): SessionState {
    return this.#session.state;
  }

  /** Checks the session; sending begins once ThingWorx accepts the key. Offers made before are kept. */
  start(): void {
    if (this.#started || this.#stopping) return;
    this.#started = true;
    this.#session.start();
  }

  offer(batch: UplinkBatch): OfferResult {
    if (this.#stopping) return this.#busy(batch, 'stopping', undefined);
    if (!isWellFormedBatch(batch)) {
      return this.#reject('invalid-batch', `batch ${batch.batchId}: needs a Thing name, a lane and readings`);
    }
    const now = this.#clock.now();
    // Before both passes below, so they agree on which events are still remembered as delivered.
    this.#duplicates.setNow(now);
    const queue = this.#things.get(batch.thing);
    const total: QueueUsage = { readings: this.#queuedReadings, bytes: this.#queuedBytes };
    const forThing: QueueUsage = { readings: queue?.readings ?? 0, bytes: queue?.bytes ?? 0 };
    // Usually the batch fits even if none of its events were known: then the exact need (a duplicate lookup per
    // event) is not needed, as the verdict only gets stricter with a larger need. An oversized batch is the
    // exception (admitted alone, whatever its size), so its exact need decides.
    let need = roomNeededAtMost(batch);
    let verdict = checkRoom(this.limits, batch.lane, total, forThing, need);
    if (verdict.kind !== 'fits' || isOversized(this.limits, batch.lane, need)) {
      need = this.#roomNeeded(batch);
      verdict = checkRoom(this.limits, batch.lane, total, forThing, need);
    }
    if (verdict.kind === 'busy') return this.#busy(batch, verdict.reason, need);
    this.#refused.delete(batch.sender);
    const admittedTo = queue ?? this.#addThing(batch.thing);
    this.#admit(batch, admittedTo, now);
    this.#pumpAfterOffer(admittedTo, now);
    return ACCEPTED;
  }

  /** Stops accepting, sends what is queued, and resolves when drained or after drainMs with what remains. */
  stop(options: { drainMs?: number } = {}): Promise<StopReport> {
    if (this.#stopPromise) return this.#stopPromise;
    this.#stopping = true;
    this.#refused.clear();
    this.#stopPromise = new Promise<StopReport>((resolve) => {
      this.#resolveStop = resolve;
    });
    this.#stopTimer = this.#clock.setTimeout(() => this.#finishStop(false), options.drainMs ?? this.limits.stopDrainMs);
    this.#pump();
    this.#finishStopIfDrained();
    return this.#stopPromise;
  }

  status(): UplinkStatus {
    const now = this.#clock.now();
    const things: ThingStatus[] = [];
    for (const queue of this.#things.values()) {
      things.push({
        thing: queue.thing,
        queuedReadings: queue.readings,
        queuedBytes: queue.bytes,
        alertReadings: queue.alerts.length,
        inFlightRows: queue.inFlight?.rows.length ?? 0,
        hold:
          queue.hold === undefined
            ? null
            : {
                reason: queue.hold.reason,
                status: queue.hold.status,
                // Whole ms: the clock is monotonic and fractional, the CLI reads counts.
                heldForMs: Math.max(0, Math.round(now - queue.hold.since)),
                // A Thing waiting for the session's verdict has no retry time of its own.
                retryInMs: queue.hold.reason === 'verifying' ? null : Math.max(0, Math.ceil(queue.notBefore - now)),
              },
        retryAttempts: queue.retryAttempts,
        lastFailure: queue.retryAttempts > 0 ? (queue.lastFailure ?? null) : null,
        waitMs: Math.max(0, Math.max(queue.notBefore, this.#pausedUntil) - now),
      });
    }
    return {
      session: this.#session.state,
      sessionDetail: this.#session.lastFailure ?? this.#degradedReason() ?? null,
      endpointHost: this.#options.endpointHost ?? null,
      transportSession: this.#options.transport.describe?.() ?? null,
      stopping: this.#stopping,
      queue: {
        readings: this.#queuedReadings,
        bytes: this.#queuedBytes,
        maxReadings: this.limits.maxQueuedReadings,
        maxBytes: this.limits.maxQueuedBytes,
        waitingSenders: this.#refused.size,
      },
      inFlightCalls: this.#inFlightCalls,
      maxInFlight: this.limits.maxInFlight,
      sessionChecks: this.#session.checks,
      things,
      counters: this.#counters.snapshot(),
    };
  }

  // ── admission ────────────────────────────────────────────────────────────

  /**
   * Room for the rows #admit will queue: duplicates and invalid readings take none, and an event's overhead is
   * charged to the first row of each run of its readings (a batch's readings of one event come together; should
   * they not, each run is charged again, as #admit does). A state reading that will conflate is counted as a row:
   * an over-estimate, on the safe side.
   */
  #roomNeeded(batch: UplinkBatch): QueueUsage {
    let readings = 0;
    let bytes = 0;
    let runEventId: string | undefined;
    let runIsNew = false;
    for (const reading of batch.readings) {
      if (!isSendable(reading)) continue;
      const { eventId } = reading;
      if (eventId !== undefined) {
        if (eventId !== runEventId) {
          runEventId = eventId;
          runIsNew = this.#duplicates.find(batch.thing, eventId) === undefined;
          if (runIsNew) bytes += estimateEventBytes(eventId);
        }
        if (!runIsNew) continue;
      }
      readings += 1;
      bytes += estimateRowBytes(reading.value);
    }
    return { readings, bytes };
  }

  #admit(batch: UplinkBatch, queue: ThingQueue, now: number): void {
    // Starts at one, released below, so the batch cannot complete while its readings are still being admitted.
    const tracker = new BatchTracker(batch.batchId, batch.sender, 1);
    let runEventId: string | undefined;
    let runEvent: EventTracker | undefined;
    for (const reading of batch.readings) {
      if (!isSendable(reading)) {
        this.#counters.dropped('invalid-value');
        continue;
      }
      const { eventId } = reading;
      let chargesEvent = false;
      if (eventId !== undefined) {
        if (eventId !== runEventId) {
          runEventId = eventId;
          runEvent = this.#eventToQueue(batch.thing, eventId, tracker);
          chargesEvent = runEvent !== undefined;
        }
        if (runEvent === undefined) {
          this.#counters.duplicatesSuppressed += 1;
          continue;
        }
        runEvent.remaining += 1;
      } else if (batch.lane === 'state' && this.#conflate(queue, reading, tracker)) {
        continue;
      }
      const row = new QueuedRow(
        reading.item,
        reading.value,
        reading.time,
        reading.quality,
        batch.lane,
        tracker,
        eventId === undefined ? undefined : runEvent,
        chargesEvent,
      );
      tracker.remaining += 1;
      queue.enqueue(row, now);
      this.#queuedReadings += 1;
      this.#queuedBytes += row.bytes;
      // Only a state row may be replaced later; any other routine row of its item stops that.
      if (batch.lane === 'state' && eventId === undefined) this.#latest.remember(queue, row);
      else if (batch.lane !== 'alert') this.#latest.supersede(queue, row.name);
    }
    this.#readingDone(tracker);
  }

  /**
   * The event a run of the batch's readings adds rows to; undefined when they are a re-sent copy. A copy of an
   * event already delivered is done now; a copy of one still queued or in flight makes the batch wait for it.
   */
  #eventToQueue(thing: string, eventId: string, tracker: BatchTracker): EventTracker | undefined {
    const known = this.#duplicates.find(thing, eventId);
    if (known === undefined) return this.#duplicates.track(thing, eventId, tracker);
    if (known === DELIVERED) return undefined;
    if (known.admittedBy === tracker) return known;
    const waiters = this.#waiters.get(known);
    if (waiters === undefined) this.#waiters.set(known, [tracker]);
    else if (waiters.at(-1) !== tracker) waiters.push(tracker);
    else return undefined;
    tracker.remaining += 1;
    return undefined;
  }

  /** Latest wins for a state reading whose property's newest row is a state row not yet sent. */
  #conflate(queue: ThingQueue, reading: Reading, tracker: BatchTracker): boolean {
    const latest = this.#latest.get(queue, reading.item);
    if (latest === undefined || latest.lane !== 'state' || latest.phase !== 'queued' || latest.event !== undefined) {
      return false;
    }
    this.#counters.conflated += 1;
    if (reading.time < latest.time) {
      // Older than what is queued (a late poll answer): it is superseded on arrival, nothing to wait for.
      return true;
    }
    const superseded = latest.batch;
    // The row's bytes follow its value (it carries no event): charge the difference.
    const change = estimateRowBytes(reading.value) - latest.bytes;
    queue.bytes += change;
    this.#queuedBytes += change;
    latest.value = reading.value;
    latest.time = reading.time;
    latest.quality = reading.quality;
    // The row is now this batch's to wait for, no longer the superseded one's.
    latest.batch = tracker;
    tracker.remaining += 1;
    this.#readingDone(superseded);
    return true;
  }

  #busy(batch: UplinkBatch, reason: BusyReason, need: QueueUsage | undefined): OfferResult {
    this.#counters.busy(reason);
    if (need !== undefined) this.#refused.set(batch.sender, { thing: batch.thing, lane: batch.lane, need });
    return { kind: 'busy', reason };
  }

  #reject(reason: RejectReason, detail: string): OfferResult {
    this.#counters.rejectedBatch(reason);
    this.#logger.warn({ reason, detail }, 'uplink rejected a batch');
    return { kind: 'rejected', reason, detail };
  }

  #addThing(thing: string): ThingQueue {
    const queue = new ThingQueue(thing);
    this.#things.set(thing, queue);
    return queue;
  }

  // ── sending ──────────────────────────────────────────────────────────────

  /** Starts every call that is due and allowed, then sleeps until the next one is due. */
  #pump(): void {
    if (this.#stopped || !this.#session.canSend) {
      this.#sleepUntil(Number.POSITIVE_INFINITY);
      return;
    }
    const now = this.#clock.now();
    const { flushIntervalMs, maxRowsPerCall, maxInFlight } = this.limits;
    const due: ThingQueue[] = [];
    let nextWake = Number.POSITIVE_INFINITY;
    for (const queue of this.#things.values()) {
      const dueAt = queue.dueAt(flushIntervalMs, maxRowsPerCall, this.#stopping);
      if (dueAt === undefined) continue;
      const allowedAt = Math.max(dueAt, this.#pausedUntil);
      if (allowedAt <= now) due.push(queue);
      else nextWake = Math.min(nextWake, allowedAt);
    }
    // Alerts first, then the Thing served least recently, so a Thing with a backlog cannot starve the others.
    // Due Things left over go when a call finishes.
    due.sort((a, b) => Number(b.alerts.length > 0) - Number(a.alerts.length > 0) || a.lastServedTurn - b.lastServedTurn);
    for (const queue of due) {
      if (this.#inFlightCalls >= maxInFlight) break;
      this.#startCall(queue);
    }
    this.#sleepUntil(nextWake);
  }

  /**
   * After an offer only its Thing's schedule changed: a full #pump (every Thing, sorted) only if that Thing may
   * start a call now; otherwise at most an earlier wake-up. Offers come far more often than calls.
   */
  #pumpAfterOffer(queue: ThingQueue, now: number): void {
    if (this.#stopped || !this.#session.canSend) return;
    const dueAt = queue.dueAt(this.limits.flushIntervalMs, this.limits.maxRowsPerCall, this.#stopping);
    if (dueAt === undefined) return;
    const allowedAt = Math.max(dueAt, this.#pausedUntil);
    if (allowedAt > now) {
      if (allowedAt < this.#wakeAt) this.#sleepUntil(allowedAt);
    } else if (this.#inFlightCalls < this.limits.maxInFlight) {
      this.#pump();
    }
  }

  #sleepUntil(wakeAt: number): void {
    if (wakeAt === this.#wakeAt) return;
    if (this.#wakeTimer !== undefined) this.#clock.clearTimeout(this.#wakeTimer);
    this.#wakeTimer = undefined;
    this.#wakeAt = wakeAt;
    if (wakeAt === Number.POSITIVE_INFINITY) return;
    this.#wakeTimer = this.#clock.setTimeout(
      () => {
        this.#wakeTimer = undefined;
        this.#wakeAt = Number.POSITIVE_INFINITY;
        this.#guard(() => this.#pump());
      },
      Math.max(0, wakeAt - this.#clock.now()),
    );
  }

  #startCall(queue: ThingQueue): void {
    const maxRows = Math.min(this.limits.maxRowsPerCall, queue.isolation?.callLimit ?? Number.POSITIVE_INFINITY);
    const call = queue.startCall(maxRows);
    this.#turn += 1;
    queue.lastServedTurn = this.#turn;
    this.#inFlightCalls += 1;
    const { transport } = this.#options;
    // The queued rows are the wire rows: unchanged while in flight (only queued rows are conflated).
    Promise.resolve()
      .then(() => transport.updatePropertyValues(queue.thing, call.rows))
      .then(
        (outcome) => outcome,
        (error: unknown): DeliveryOutcome => {
          // The transport promises never to throw; if it does, nothing accepted may be lost: retry.
          this.#logger.error({ err: error, thing: queue.thing }, 'uplink transport threw; retrying the call');
          return { kind: 'retry', detail: 'transport threw' };
        },
      )
      .then((outcome) => this.#guard(() => this.#onCallSettled(queue, call, outcome)));
  }

  #onCallSettled(queue: ThingQueue, call: InFlightCall, outcome: DeliveryOutcome): void {
    if (this.#stopped) return;
    this.#inFlightCalls -= 1;
    this.#counters.response(outcome);
    const now = this.#clock.now();
    const thing = queue.thing;
    switch (outcome.kind) {
      case 'delivered':
        this.#finishCall(queue, call, true, now);
        queue.retryAttempts = 0;
        queue.lastFailure = undefined;
        if (queue.hold !== undefined) {
          this.#logger.info({ thing, was: queue.hold.reason, heldMs: now - queue.hold.since }, 'uplink Thing accepted again; delivering');
          queue.hold = undefined;
        }
        this.#isolationProgress(queue, call.rows.length);
        // A rejection episode (and its one log line) lasts until the isolated rows are all settled.
        if (queue.isolation === undefined) queue.rejecting = false;
        break;
      case 'rejected':
        queue.retryAttempts = 0;
        this.#onRejected(queue, call, outcome, now);
        break;
      case 'not-found':
        queue.returnCall(call);
        queue.retryAttempts = 0;
        queue.notBefore = now + this.limits.notFoundRetryMs;
        if (queue.hold?.reason !== 'not-found') {
          this.#logger.warn(
            { thing, status: outcome.status, retryInMs: this.limits.notFoundRetryMs },
            'uplink Thing unknown to ThingWorx; holding it, others go on',
          );
        }
        queue.hold = { reason: 'not-found', status: outcome.status, since: queue.hold?.since ?? now, refusals: 0 };
        break;
      case 'unauthorized':
        queue.returnCall(call);
        queue.retryAttempts = 0;
        // Sending: the key or only this Thing was refused; the session check tells which (#onVerdict). Not sending:
        // the session already knows, and the rows go when it sends again.
        if (this.#session.canSend) {
          queue.hold = {
            reason: 'verifying',
            status: outcome.status,
            since: queue.hold?.since ?? now,
            refusals: queue.hold?.refusals ?? 0,
          };
          this.#session.checkNow();
        }
        break;
      case 'retry': {
        queue.returnCall(call);
        queue.lastFailure = outcome.detail;
        this.#lastCallFailure = outcome.detail;
        let delayMs = backoffDelayMs(queue.retryAttempts, this.limits.backoff, this.#random);
        queue.retryAttempts += 1;
        if (outcome.retryAfterMs !== undefined) {
          const askedMs = Math.min(Math.max(0, outcome.retryAfterMs), this.limits.maxRetryAfterMs);
          this.#pausedUntil = Math.max(this.#pausedUntil, now + askedMs);
          delayMs = Math.max(delayMs, askedMs);
        }
        queue.notBefore = now + delayMs;
        const fields = { thing, status: outcome.status, detail: outcome.detail, attempt: queue.retryAttempts, delayMs };
        if (queue.retryAttempts === 1) this.#logger.warn(fields, 'uplink call failed; retrying with backoff');
        else this.#logger.debug(fields, 'uplink call failed again');
        // No answer at all: is ThingWorx down? The session check says, and probes until it answers if so.
        if (isNoAnswer(outcome)) this.#session.checkNow();
        break;
      }
      default: {
        const unknown: never = outcome;
        throw new Error(`unhandled delivery outcome ${JSON.stringify(unknown)}`);
      }
    }
    this.#session.setDegraded(this.#anyThingRetrying());
    this.#offerRoomToRefused();
    this.#pump();
    this.#finishStopIfDrained();
  }

  /**
   * A refused call may hold one bad row among good ones: halve the calls until each bad row is refused alone,
   * and drop only those (counted), rather than losing a whole call for one value.
   */
  #onRejected(queue: ThingQueue, call: InFlightCall, outcome: { status: number; detail: string }, now: number): void {
    if (!queue.rejecting) {
      queue.rejecting = true;
      this.#logger.warn(
        { thing: queue.thing, status: outcome.status, detail: outcome.detail, rows: call.rows.length },
        'ThingWorx rejected a call; isolating and dropping the rows it refuses',
      );
    }
    if (call.rows.length > 1) {
      queue.returnCall(call);
      queue.isolation = { callLimit: Math.ceil(call.rows.length / 2), suspectRows: call.rows.length };
      return;
    }
    this.#counters.dropped(`rejected-${outcome.status}`, call.rows.length);
    this.#finishCall(queue, call, false, now);
    this.#isolationProgress(queue, call.rows.length);
  }

  #isolationProgress(queue: ThingQueue, settledRows: number): void {
    if (queue.isolation === undefined) return;
    queue.isolation.suspectRows -= settledRows;
    if (queue.isolation.suspectRows <= 0) queue.isolation = undefined;
  }

  /** The call's rows are done: delivered, or dropped by counted policy. */
  #finishCall(queue: ThingQueue, call: InFlightCall, delivered: boolean, now: number): void {
    queue.finishCall(call);
    this.#queuedReadings -= call.rows.length;
    this.#queuedBytes -= call.bytes;
    for (const row of call.rows) {
      row.phase = 'done';
      if (row.lane === 'state') this.#latest.forget(queue, row);
      if (delivered) row.batch.sent = true;
      this.#readingDone(row.batch);
      const { event } = row;
      if (event === undefined) continue;
      if (!delivered) event.allAccepted = false;
      event.remaining -= 1;
      if (event.remaining === 0) this.#eventSettled(queue.thing, event, now);
    }
    if (delivered) this.#counters.deliveredReadings += call.rows.length;
  }

  /** Every row of the event is done; the batches of its re-sent copies are too. */
  #eventSettled(thing: string, event: EventTracker, now: number): void {
    this.#duplicates.settle(thing, event, now);
    // Re-sent copies are rare: most events settle without a lookup.
    if (this.#waiters.size === 0) return;
    const waiters = this.#waiters.get(event);
    if (waiters === undefined) return;
    this.#waiters.delete(event);
    for (const waiter of waiters) this.#readingDone(waiter);
  }

  #anyThingRetrying(): boolean {
    for (const queue of this.#things.values()) if (queue.retryAttempts > 0) return true;
    return false;
  }

  /** Why the session is degraded, for status(): how many Things are retrying and the last failure. */
  #degradedReason(): string | undefined {
    if (this.#session.state !== 'degraded') return undefined;
    let retrying = 0;
    for (const queue of this.#things.values()) if (queue.retryAttempts > 0) retrying += 1;
    const things = `${retrying} Thing${retrying === 1 ? '' : 's'}`;
    return this.#lastCallFailure === undefined ? `retrying ${things}` : `retrying ${things}; last: ${this.#lastCallFailure}`;
  }

  /**
   * A session check settled. The Things waiting on it learn whether it was their own refusal (the key works: hold
   * them alone, on the forbidden backoff) or the key's (release them: they go with everything else once the session
   * sends again).
   */
  #onVerdict(verdict: CheckVerdict): void {
    const now = this.#clock.now();
    const { forbiddenRetryMs, forbiddenRetryMaxMs, backoff } = this.limits;
    const policy = { minMs: forbiddenRetryMs, maxMs: forbiddenRetryMaxMs, jitter: backoff.jitter };
    for (const queue of this.#things.values()) {
      const hold = queue.hold;
      if (hold?.reason !== 'verifying') continue;
      if (verdict !== 'key-accepted') {
        queue.hold = undefined;
        continue;
      }
      const retryInMs = backoffDelayMs(hold.refusals, policy, this.#random);
      queue.notBefore = now + retryInMs;
      if (hold.refusals === 0) {
        this.#logger.warn(
          { thing: queue.thing, status: hold.status, retryInMs },
          'uplink Thing refused while the app key works (no permission on it?); holding it, others go on',
        );
      }
      queue.hold = { reason: 'forbidden', status: hold.status, since: hold.since, refusals: hold.refusals + 1 };
    }
    this.#pump();
  }

  // ── acknowledgements and notifications ───────────────────────────────────

  #readingDone(tracker: BatchTracker): void {
    tracker.remaining -= 1;
    if (tracker.remaining === 0) this.#batchDone(tracker);
  }

  #batchDone(tracker: BatchTracker): void {
    if (tracker.sent) this.#counters.deliveredBatches += 1;
    else this.#counters.settledUnsentBatches += 1;
    const { onDelivered } = this.#options;
    this.#outbox.post(onDelivered, tracker.batchId, tracker.sender);
  }

  /** Tells each refused sender once its refused batch would fit. */
  #offerRoomToRefused(): void {
    const { onSpaceAvailable } = this.#options;
    for (const [sender, refused] of this.#refused) {
      const thing = this.#things.get(refused.thing);
      const verdict = checkRoom(
        this.limits,
        refused.lane,
        { readings: this.#queuedReadings, bytes: this.#queuedBytes },
        { readings: thing?.readings ?? 0, bytes: thing?.bytes ?? 0 },
        refused.need,
      );
      if (verdict.kind !== 'fits') continue;
      this.#refused.delete(sender);
      if (onSpaceAvailable !== undefined) this.#outbox.post(onSpaceAvailable, sender, undefined);
    }
  }

  #onSessionChange(state: SessionState, previous: SessionState): void {
    const { onStateChange } = this.#options;
    if (onStateChange !== undefined) this.#outbox.post(onStateChange, state, previous);
    if (state === 'ready' && previous !== 'degraded') {
      // Back from connecting, unreachable or unauthorized: every Thing that backed off while ThingWorx was away goes
      // now (held Things keep their own 404/403 schedule), and rows that waited are due.
      this.#guard(() => {
        let released = 0;
        for (const queue of this.#things.values()) {
          if (queue.retryAttempts === 0) continue;
          queue.retryAttempts = 0;
          queue.lastFailure = undefined;
          queue.notBefore = 0;
          released += 1;
        }
        if (released > 0) this.#logger.info({ released, previous }, 'uplink session back; released every Thing that was backing off');
        this.#lastCallFailure = undefined;
        this.#session.setDegraded(this.#anyThingRetrying());
        this.#pump();
      });
    }
  }

  #guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#logger.error({ err: error }, 'uplink engine fault');
      this.#options.onFault?.(error);
    }
  }

  // ── stopping ─────────────────────────────────────────────────────────────

  #finishStopIfDrained(): void {
    if (this.#stopping && this.#queuedReadings === 0 && this.#inFlightCalls === 0) this.#finishStop(true);
  }

  #finishStop(drained: boolean): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clock.clearTimeout(this.#stopTimer);
    this.#sleepUntil(Number.POSITIVE_INFINITY);
    this.#session.stop();
    const report: StopReport = {
      drained,
      remainingReadings: this.#queuedReadings,
      inFlightCalls: this.#inFlightCalls,
      unacknowledged: this.#unacknowledgedBatches(),
    };
    if (!drained) this.#logger.warn({ ...report, unacknowledged: report.unacknowledged.length }, 'uplink stopped undrained');
    this.#resolveStop?.(report);
  }

  #unacknowledgedBatches(): Array<{ batchId: string; sender: string }> {
    const trackers = new Set<BatchTracker>();
    for (const queue of this.#things.values()) {
      for (const lane of [queue.alerts, queue.routine]) {
        for (const row of lane) {
          trackers.add(row.batch);
          const waiters = row.event === undefined ? undefined : this.#waiters.get(row.event);
          for (const waiter of waiters ?? []) trackers.add(waiter);
        }
      }
    }
    return [...trackers].map(({ batchId, sender }) => ({ batchId, sender }));
  }
}
