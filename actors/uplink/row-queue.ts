/**
 * FIFO of rows for one Thing and lane. Rows leave from the front only after ThingWorx answered, so the
 * in-flight call is always a prefix; a head index avoids Array#shift's O(n) copying on long outage queues.
 */
/** Dead slots tolerated at the front before the array is copied down. */
const COMPACT_AFTER_DEAD_SLOTS = 1024;

export class RowQueue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  at(index: number): T | undefined {
    return this.#items[this.#head + index];
  }

  /** The first `count` items (fewer if shorter), oldest first. */
  peekFront(count: number): T[] {
    return this.#items.slice(this.#head, this.#head + Math.min(count, this.length)) as T[];
  }

  /** Appends the first `count` items (fewer if shorter) to `into`; returns how many. */
  copyFront(count: number, into: T[]): number {
    const end = this.#head + Math.min(count, this.length);
    for (let i = this.#head; i < end; i++) into.push(this.#items[i] as T);
    return end - this.#head;
  }

  /** Removes the first `count` items (fewer if shorter). */
  discardFront(count: number): void {
    const end = this.#head + Math.min(count, this.length);
    for (let i = this.#head; i < end; i++) this.#items[i] = undefined;
    this.#head = end;
    this.#compact();
  }

  /** Removes and returns the first `count` items. */
  dropFront(count: number): T[] {
    const taken = this.peekFront(count);
    this.discardFront(taken.length);
    return taken;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i] as T;
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= COMPACT_AFTER_DEAD_SLOTS && this.#head * 2 >= this.#items.length) {
      // Amortised: copy only once the dead prefix is at least half the array.
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
