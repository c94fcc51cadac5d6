import { type BatchTracker, EventTracker } from './queued-row.js';

/** What the filter holds for an event id: its tracker while pending, this marker once delivered. */
export const DELIVERED = 'delivered';

/** Slots of a new delivered ring; it doubles when full (up to about the entries cap, which bounds it). */
const MIN_CAPACITY = 16;

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
   * Delivered events, oldest first, bounded in entries and age: parallel rings from #head on, #count long (no object
   * per event, times unboxed, and no array regrown or copied down as events come and go). Not an LRU: a delivered
   * event is looked up, never refreshed, and events are delivered in time order, so forgetting the oldest is
   * dropping the head of a FIFO.
   */
  #things: (string | undefined)[] = [];
  #eventIds: (string | undefined)[] = [];
  #deliveredAt = new Float64Array(0);
  #head = 0;
  #count = 0;
  readonly #maxDelivered: number;
  readonly #ttlMs: number;

  constructor(options: { entries: number; ttlMs: number }) {
    this.#maxDelivered = options.entries;
    this.#ttlMs = options.ttlMs;
  }

  /** Delivered events remembered now. */
  get deliveredCount(): number {
    return this.#count;
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
    if (this.#count === this.#eventIds.length) this.#grow();
    const at = (this.#head + this.#count) & (this.#eventIds.length - 1);
    this.#things[at] = thing;
    this.#eventIds[at] = event.eventId;
    this.#deliveredAt[at] = now;
    this.#count += 1;
    this.forgetExpired(now);
  }

  /** Forgets delivered events beyond the entries cap or older than the TTL, oldest first. */
  forgetExpired(now: number): void {
    const mask = this.#eventIds.length - 1;
    while (this.#count > 0) {
      const head = this.#head;
      const expired = now - (this.#deliveredAt[head] ?? now) > this.#ttlMs;
      if (!expired && this.#count <= this.#maxDelivered) break;
      // Only this entry removes a delivered id (a copy arriving meanwhile was suppressed, not tracked anew).
      const thing = this.#things[head] as string;
      const events = this.#byThing.get(thing);
      if (events !== undefined) this.#forget(events, thing, this.#eventIds[head] as string);
      this.#things[head] = undefined;
      this.#eventIds[head] = undefined;
      this.#head = (head + 1) & mask;
      this.#count -= 1;
    }
    if (this.#count === 0) this.#head = 0;
  }

  #forget(events: Map<string, EventTracker | typeof DELIVERED>, thing: string, eventId: string): void {
    events.delete(eventId);
    if (events.size === 0) this.#byThing.delete(thing);
  }

  /** Doubles the rings (a power of two, so an index wraps with a mask), oldest entry first. */
  #grow(): void {
    const capacity = Math.max(MIN_CAPACITY, this.#eventIds.length * 2);
    const mask = this.#eventIds.length - 1;
    const things: (string | undefined)[] = [];
    const eventIds: (string | undefined)[] = [];
    const deliveredAt = new Float64Array(capacity);
    for (let i = 0; i < this.#count; i++) {
      const from = (this.#head + i) & mask;
      things.push(this.#things[from]);
      eventIds.push(this.#eventIds[from]);
      deliveredAt[i] = this.#deliveredAt[from] ?? 0;
    }
    while (eventIds.length < capacity) {
      things.push(undefined);
      eventIds.push(undefined);
    }
    this.#things = things;
    this.#eventIds = eventIds;
    this.#deliveredAt = deliveredAt;
    this.#head = 0;
  }
}
