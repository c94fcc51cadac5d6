import { LRUCache } from 'lru-cache';
import type { UplinkClock } from './clock.js';
import type { QueuedRow } from './queued-row.js';

/**
 * Suppresses re-sent events. Beats re-send whole windows after a reconnect (at-least-once), so an event may come
 * back while it is still queued, in flight, or shortly after it was delivered; each is sent to ThingWorx once.
 */
export class DuplicateFilter {
  /** Recently delivered `${thing}|${eventId}` keys; bounded in entries and age. */
  readonly #delivered: LRUCache<string, true>;
  /**
   * Events queued or in flight, by Thing then event id; bounded by the queue caps. Nested rather than keyed by a
   * joined string so a queued event costs no second copy of its id (the memory budget is per queued reading).
   */
  readonly #pending = new Map<string, Map<string, QueuedRow>>();

  constructor(options: { entries: number; ttlMs: number; clock: UplinkClock }) {
    this.#delivered = new LRUCache<string, true>({
      max: options.entries,
      ttl: options.ttlMs,
      // The engine's clock, read on every check: tests drive expiry, and no debounce timer is created.
      perf: { now: () => options.clock.now() },
      ttlResolution: 0,
    });
  }

  wasDelivered(thing: string, eventId: string): boolean {
    return this.#delivered.has(deliveredKey(thing, eventId));
  }

  pending(thing: string, eventId: string): QueuedRow | undefined {
    return this.#pending.get(thing)?.get(eventId);
  }

  track(thing: string, eventId: string, row: QueuedRow): void {
    let events = this.#pending.get(thing);
    if (events === undefined) {
      events = new Map();
      this.#pending.set(thing, events);
    }
    events.set(eventId, row);
  }

  /** The row is done: remember it only if ThingWorx took it, so a re-send of a dropped event is tried again. */
  settle(thing: string, eventId: string, delivered: boolean): void {
    const events = this.#pending.get(thing);
    events?.delete(eventId);
    if (events?.size === 0) this.#pending.delete(thing);
    if (delivered) this.#delivered.set(deliveredKey(thing, eventId), true);
  }
}

function deliveredKey(thing: string, eventId: string): string {
  return `${thing}|${eventId}`;
}
