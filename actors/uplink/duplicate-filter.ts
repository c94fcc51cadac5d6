import { type BatchTracker, EventTracker } from './queued-row.js';

/** What the filter holds for an event id: its tracker while pending, this marker once delivered. */
export const DELIVERED = 'delivered';

/** Dead slots tolerated at the front of the delivered FIFO before its arrays are copied down. */
const COMPACT_AFTER_DEAD_SLOTS = 1024;

/**
 * Suppresses re-sent events. Beats re-send whole windows after a reconnect (at-least-once), and a push printer
 * re-sends unacknowledged messages, so an event may come back while it is still queued, in flight, or shortly after
 * it was delivered; each is sent to ThingWorx once. Tracked per event, not per reading: the readings of one event
 * share its id and are delivered, suppressed or waited for together.
 */
export class DuplicateFilter {
  /**
   * Pending events (rows queued or in flight; bounded by the queue caps) and delivered ones (bounded below), by Thing
   * then event id. Nested rather than keyed by a joined string, so no key string is built per event.
   */
  readonly #byThing = new Map<string, Map<string, EventTracker | typeof DELIVERED>>();
  /**
   * Delivered events, oldest first, bounded in entries and age: parallel arrays from #head on (no object per
   * event; numbers stay unboxed). Not an LRU: a delivered event is looked up, never refreshed, and events are
   * delivered in time order, so forgetting the oldest is dropping the head of a FIFO.
   */
  #things: string[] = [];
  #eventIds: string[] = [];
  #deliveredAt: number[] = [];
  #head = 0;
  readonly #maxDelivered: number;
  readonly #ttlMs: number;

  constructor(options: { entries: number; ttlMs: number }) {
    this.#maxDelivered = options.entries;
    this.#ttlMs = options.ttlMs;
  }

  /** Delivered events remembered now. */
  get deliveredCount(): number {
    return this.#eventIds.length - this.#head;
  }

  /** The pending event with this id, DELIVERED, or undefined; call forgetExpired first. */
  find(thing: string, eventId: string): EventTracker | typeof DELIVERED | undefined {
    return this.#byThing.get(thing)?.get(eventId);
  }

  /** A new pending event whose rows `admittedBy` is queueing. */
  track(thing: string, eventId: string, admittedBy: BatchTracker): EventTracker {
    let events = this.#byThing.get(thing);
    if (events === undefined) {
      events = new Map();
      this.#byThing.set(thing, events);
    }
    const event = new EventTracker(eventId, admittedBy);
    events.set(eventId, event);
    return event;
  }

  /**
   * Every row of the event is done: remember it only if ThingWorx took them all, so a re-send of an event with a
   * dropped row is tried again.
   */
  settle(thing: string, event: EventTracker, now: number): void {
    // A pending event is in the index from track() until it settles, once (its rows are all added at admission).
    const events = this.#byThing.get(thing);
    if (events === undefined) throw new Error(`uplink: settled event ${event.eventId} of ${thing} is not tracked`);
    if (!event.allAccepted) {
      this.#forget(events, thing, event.eventId);
      return;
    }
    events.set(event.eventId, DELIVERED);
    this.#things.push(thing);
    this.#eventIds.push(event.eventId);
    this.#deliveredAt.push(now);
    this.forgetExpired(now);
  }

  /** Forgets delivered events beyond the entries cap or older than the TTL, oldest first. */
  forgetExpired(now: number): void {
    const length = this.#eventIds.length;
    let head = this.#head;
    while (head < length) {
      const expired = now - (this.#deliveredAt[head] ?? now) > this.#ttlMs;
      if (!expired && length - head <= this.#maxDelivered) break;
      // Only this entry removes a delivered id (a copy arriving meanwhile was suppressed, not tracked anew).
      const thing = this.#things[head] as string;
      const events = this.#byThing.get(thing);
      if (events !== undefined) this.#forget(events, thing, this.#eventIds[head] as string);
      head += 1;
    }
    if (head === this.#head) return;
    this.#head = head;
    this.#compact();
  }

  #forget(events: Map<string, EventTracker | typeof DELIVERED>, thing: string, eventId: string): void {
    events.delete(eventId);
    if (events.size === 0) this.#byThing.delete(thing);
  }

  #compact(): void {
    const head = this.#head;
    const length = this.#eventIds.length;
    if (head === length) {
      this.#things = [];
      this.#eventIds = [];
      this.#deliveredAt = [];
      this.#head = 0;
    } else if (head >= COMPACT_AFTER_DEAD_SLOTS && head * 2 >= length) {
      // Amortised: copy only once the dead prefix is at least half the arrays.
      this.#things = this.#things.slice(head);
      this.#eventIds = this.#eventIds.slice(head);
      this.#deliveredAt = this.#deliveredAt.slice(head);
      this.#head = 0;
    }
  }
}
