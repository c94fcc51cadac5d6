import type { QueuedRow } from './queued-row.js';
import type { ThingQueue } from './thing-queue.js';

/**
 * Per (Thing, item), the queued state row a newer state reading may replace, so a polled value that has not been
 * sent is overwritten rather than queued twice. Only such a target is kept: a state reading may only replace the
 * newest row of its item, so a newer routine row of the item that cannot be replaced (an event row) removes the
 * target instead of taking its place. Event rows, the bulk of the traffic, then cost at most a lookup in a map that
 * is usually empty, never an entry. Kept on each ThingQueue (a Map by item, so no key string per reading), bounded
 * in pairs all Things together: when full, a new pair just does not conflate, while the pairs already kept go on
 * being updated (so a kept row is always the newest of its item).
 */
export class LatestByProperty {
  #pairs = 0;

  constructor(readonly maxPairs: number) {}

  get size(): number {
    return this.#pairs;
  }

  /** The state row a state reading of this item may replace, if any (still check that it is queued). */
  get(queue: ThingQueue, item: string): QueuedRow | undefined {
    return queue.latestByItem.get(item);
  }

  /** A state row without an event was queued: it is now the newest row of its item. */
  remember(queue: ThingQueue, row: QueuedRow): void {
    const latest = queue.latestByItem;
    if (this.#pairs >= this.maxPairs && !latest.has(row.name)) return;
    const before = latest.size;
    latest.set(row.name, row);
    this.#pairs += latest.size - before;
  }

  /** A routine row that may not be replaced was queued for this item: an older state row must not be either. */
  supersede(queue: ThingQueue, item: string): void {
    const latest = queue.latestByItem;
    if (latest.size === 0 || !latest.delete(item)) return;
    this.#pairs -= 1;
  }

  /** The row is done; drop it unless a newer row of the same property took its place. */
  forget(queue: ThingQueue, row: QueuedRow): void {
    const latest = queue.latestByItem;
    if (latest.size === 0 || latest.get(row.name) !== row) return;
    latest.delete(row.name);
    this.#pairs -= 1;
  }
}
