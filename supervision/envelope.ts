/**
 * What travels through a supervised actor's mailbox. The wrapper, not the behaviour, handles
 * every kind but `user` and `raw`.
 */
export type EnvelopeKind =
  | 'init' // first message of every incarnation: runs init
  | 'user' // a behaviour message
  | 'raw' // a behaviour message dispatched to the nact ref directly: not counted in mailboxDepth
  | 'ping' // answered by the wrapper: proves the mailbox is being processed
  | 'probe' // does nothing; gives an armed crash a message to happen on
  | 'stop'; // ordered stop: runs after what is already queued, then terminate

/** One envelope taken off the queue; a holder reused for every message. */
export interface Envelope {
  kind: EnvelopeKind;
  body: unknown;
  /** The asker's temporary ref, for a message delivered by `ask` or `ping`. */
  sender: unknown;
}

/** Slots per envelope in the ring: kind, body, sender. */
const STRIDE = 3;
/** Envelopes a fresh ring holds; a power of two. */
const INITIAL_CAPACITY = 8;
/** A ring grown past this by a burst goes back to INITIAL_CAPACITY once it is empty again. */
const KEEP_CAPACITY = 1_024;

/**
 * The cell's own FIFO: a ring of (kind, body, sender) slots, so queueing a message allocates
 * nothing (no envelope object, no per-message node, no array regrown after every drain).
 */
export class EnvelopeQueue {
  private slots: unknown[] = EnvelopeQueue.ring(INITIAL_CAPACITY);
  private capacity = INITIAL_CAPACITY;
  private head = 0;
  private count = 0;

  private static ring(capacity: number): unknown[] {
    return new Array<unknown>(capacity * STRIDE).fill(undefined);
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }

  push(kind: EnvelopeKind, body: unknown, sender: unknown): void {
    if (this.count === this.capacity) this.grow();
    const at = ((this.head + this.count) & (this.capacity - 1)) * STRIDE;
    this.slots[at] = kind;
    this.slots[at + 1] = body;
    this.slots[at + 2] = sender;
    this.count += 1;
  }

  /** Take the oldest envelope into `into`; false when there is none. */
  shiftInto(into: Envelope): boolean {
    if (this.count === 0) return false;
    const at = this.head * STRIDE;
    into.kind = this.slots[at] as EnvelopeKind;
    into.body = this.slots[at + 1];
    into.sender = this.slots[at + 2];
    this.slots[at + 1] = undefined;
    this.slots[at + 2] = undefined;
    this.head = (this.head + 1) & (this.capacity - 1);
    this.count -= 1;
    if (this.count === 0) {
      this.head = 0;
      if (this.capacity > KEEP_CAPACITY) this.reset();
    }
    return true;
  }

  /** Drop everything queued (an ended incarnation handles nothing more). */
  clear(): void {
    this.reset();
  }

  private reset(): void {
    this.slots = EnvelopeQueue.ring(INITIAL_CAPACITY);
    this.capacity = INITIAL_CAPACITY;
    this.head = 0;
    this.count = 0;
  }

  /** Double the ring, oldest envelope first. */
  private grow(): void {
    const next = EnvelopeQueue.ring(this.capacity * 2);
    for (let index = 0; index < this.count; index += 1) {
      const from = ((this.head + index) & (this.capacity - 1)) * STRIDE;
      const to = index * STRIDE;
      next[to] = this.slots[from];
      next[to + 1] = this.slots[from + 1];
      next[to + 2] = this.slots[from + 2];
    }
    this.slots = next;
    this.capacity *= 2;
    this.head = 0;
  }
}
