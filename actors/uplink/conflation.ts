import type { QueuedRow } from './queued-row.js';
import type { ThingQueue } from './thing-queue.js';

/**
 * The newest queued row per (Thing, item), so a polled state reading can replace an older one that has not been
 * sent. Routine rows of every lane are remembered: a state reading may only replace the newest row of its item,
 * never jump ahead of a newer event row for the same property. Kept on each ThingQueue (a Map by item, so no key
 * string per reading), bounded in pairs all Things together: when full, a new pair just does not conflate, while the
 * pairs already kept go on being updated (so a kept row is always the newest of its item).
 */
export class LatestByProperty {
  #pairs = 0;

  constructor(readonly maxPairs: number) {}

  get size(): number {
    return this.#pairs;
  }

  get(queue: ThingQueue, item: string): QueuedRow | undefined {
    return queue.latestByItem.get(item);
  }

  remember(queue: ThingQueue, row: QueuedRow): void {
    const latest = queue.latestByItem;
    if (this.#pairs >= this.maxPairs && !latest.has(row.name)) return;
    const before = latest.size;
    latest.set(row.name, row);
    this.#pairs += latest.size - before;
  }

  /** The row is done; drop it unless a newer row of the same property took its place. */
  forget(queue: ThingQueue, row: QueuedRow): void {
    const latest = queue.latestByItem;
    if (latest.get(row.name) !== row) return;
    latest.delete(row.name);
    this.#pairs -= 1;
  }
}
