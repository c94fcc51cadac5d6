import { LRUCache } from 'lru-cache';
import type { QueuedRow } from './queued-row.js';

/**
 * The newest queued row per (Thing, item), so a polled state reading can replace an older one that has not been
 * sent. Routine rows of every lane are remembered: a state reading may only replace the newest row of its item,
 * never jump ahead of a newer event row for the same property. Bounded: an evicted pair just stops conflating.
 */
export class LatestByProperty {
  readonly #latest: LRUCache<string, QueuedRow>;

  constructor(entries: number) {
    this.#latest = new LRUCache<string, QueuedRow>({ max: entries });
  }

  get(thing: string, item: string): QueuedRow | undefined {
    return this.#latest.get(`${thing}|${item}`);
  }

  remember(thing: string, item: string, row: QueuedRow): void {
    this.#latest.set(`${thing}|${item}`, row);
  }

  /** The row is done; drop it unless a newer row of the same property took its place. */
  forget(thing: string, item: string, row: QueuedRow): void {
    const key = `${thing}|${item}`;
    if (this.#latest.peek(key) === row) this.#latest.delete(key);
  }

  get size(): number {
    return this.#latest.size;
  }
}
