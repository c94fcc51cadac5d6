/**
 * FIFO of rows for one Thing and lane (and of a sender's outbound batches). Rows leave from the front only after
 * ThingWorx answered, so the in-flight call is always a prefix. A ring over one array, kept between fills: rows
 * come and go all the time, and an array rebuilt from empty (or copied down) would be reallocated again and again
 * as it grows.
 */
/** Slots of a new ring; it grows by half when full (as V8 grows an array), plus this. */
const MIN_CAPACITY = 16;
/** A ring larger than this is given up once it is empty, so an outage's backlog does not pin its memory. */
const KEEP_EMPTY_CAPACITY = 4096;

export class RowQueue<T> {
  /** Packed (never holey): slices of it are packed too, which JSON.stringify serialises on its fast path. */
  #slots: (T | undefined)[] = [];
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    if (this.#length === this.#slots.length) this.#grow();
    this.#slots[this.#slot(this.#length)] = item;
    this.#length += 1;
  }

  at(index: number): T | undefined {
    if (index < 0 || index >= this.#length) return undefined;
    return this.#slots[this.#slot(index)];
  }

  /** The first `count` items (fewer if shorter), oldest first, in a new array of exactly that length. */
  peekFront(count: number): T[] {
    const taken = Math.min(count, this.#length);
    const end = this.#head + taken;
    const capacity = this.#slots.length;
    if (end <= capacity) return this.#slots.slice(this.#head, end) as T[];
    return this.#slots.slice(this.#head).concat(this.#slots.slice(0, end - capacity)) as T[];
  }

  /** Appends the first `count` items (fewer if shorter) to `into`; returns how many. */
  copyFront(count: number, into: T[]): number {
    const taken = Math.min(count, this.#length);
    for (let i = 0; i < taken; i++) into.push(this.#slots[this.#slot(i)] as T);
    return taken;
  }

  /** Removes the first `count` items (fewer if shorter). */
  discardFront(count: number): void {
    const taken = Math.min(count, this.#length);
    for (let i = 0; i < taken; i++) this.#slots[this.#slot(i)] = undefined;
    this.#length -= taken;
    this.#head = this.#length === 0 ? 0 : this.#slot(taken);
    if (this.#length === 0 && this.#slots.length > KEEP_EMPTY_CAPACITY) this.#slots = [];
  }

  /** Removes and returns the first `count` items. */
  dropFront(count: number): T[] {
    const taken = this.peekFront(count);
    this.discardFront(taken.length);
    return taken;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#length; i++) yield this.#slots[this.#slot(i)] as T;
  }

  /** The slot of the item `index` places from the front (index below the capacity). */
  #slot(index: number): number {
    const slot = this.#head + index;
    return slot < this.#slots.length ? slot : slot - this.#slots.length;
  }

  /** Grows the ring, oldest item first at slot 0. */
  #grow(): void {
    const capacity = this.#slots.length + (this.#slots.length >> 1) + MIN_CAPACITY;
    const slots: (T | undefined)[] = [];
    for (let i = 0; i < this.#length; i++) slots.push(this.#slots[this.#slot(i)]);
    while (slots.length < capacity) slots.push(undefined);
    this.#slots = slots;
    this.#head = 0;
  }
}
