import { LRUCache } from 'lru-cache';
import { type BatchTracker, EventTracker } from './queued-row.js';

/** What find() answers for an event delivered within the TTL. */
export const DELIVERED = 'delivered';

/** lru-cache reads a start time of 0 as "no TTL", so the filter hands it times shifted by this much (ages unchanged). */
const TIME_SHIFT_MS = 1;

/** One key per event and Thing; the length prefix keeps it unambiguous whatever the two strings hold. */
function eventKey(thing: string, eventId: string): string {
  return `${thing.length}:${thing}${eventId}`;
}

/**
 * Suppresses re-sent events. Beats re-send whole windows after a reconnect (at-least-once), and a push printer
 * re-sends unacknowledged messages, so an event may come back while it is still queued, in flight, or shortly after
 * it was delivered; each is sent to ThingWorx once. Tracked per event, not per reading: the readings of one event
 * share its id and are delivered, suppressed or waited for together.
 */
export class DuplicateFilter {
  /** Events whose rows are queued or in flight (bounded by the queue caps). */
  readonly #pending = new Map<string, EventTracker>();
  /**
   * Delivered events, at most `entries`, each for `ttlMs` from its delivery. Looked up with has(), which refreshes
   * neither an entry's age nor its place, so the oldest delivery is the first forgotten. No timers: an expired entry
   * answers false and stays until a newer one takes its place, so memory is bounded by `entries`.
   */
  readonly #delivered: LRUCache<string, true>;
  /** The engine's time as of its last call, so every lookup of one offer agrees on which events have expired. */
  #now = 0;

  constructor(options: { entries: number; ttlMs: number }) {
    this.#delivered = new LRUCache<string, true>({
      max: options.entries,
      ttl: options.ttlMs,
      ttlAutopurge: false,
      updateAgeOnGet: false,
      updateAgeOnHas: false,
      // Read the time at every check: the default caches it for a millisecond behind a timer.
      ttlResolution: 0,
      perf: { now: () => this.#now + TIME_SHIFT_MS },
    });
  }

  /** Delivered events held, expired ones not yet replaced included: at most `entries`. */
  get deliveredHeld(): number {
    return this.#delivered.size;
  }

  /** The engine's time now; find() answers as of this time until the next call. */
  setNow(now: number): void {
    this.#now = now;
  }

  /** The pending event with this id, DELIVERED (within the TTL as of setNow), or undefined. */
  find(thing: string, eventId: string): EventTracker | typeof DELIVERED | undefined {
    const key = eventKey(thing, eventId);
    const pending = this.#pending.get(key);
    if (pending !== undefined) return pending;
    return this.#delivered.has(key) ? DELIVERED : undefined;
  }

  /** A new pending event whose rows `admittedBy` is queueing. */
  track(thing: string, eventId: string, admittedBy: BatchTracker): EventTracker {
    const event = new EventTracker(eventId, admittedBy);
    this.#pending.set(eventKey(thing, eventId), event);
    return event;
  }

  /**
   * Every row of the event is done: remember it only if ThingWorx took them all, so a re-send of an event with a
   * dropped row is tried again.
   */
  settle(thing: string, event: EventTracker, now: number): void {
    const key = eventKey(thing, event.eventId);
    // A pending event is tracked from track() until it settles, once (its rows are all added at admission).
    if (!this.#pending.delete(key)) throw new Error(`uplink: settled event ${event.eventId} of ${thing} is not tracked`);
    if (!event.allAccepted) return;
    this.#now = now;
    this.#delivered.set(key, true);
  }
}
