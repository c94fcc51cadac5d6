/**
 * What travels through a supervised actor's mailbox. The wrapper, not the behaviour, handles
 * every kind but `user`.
 */
export type EnvelopeKind =
  | 'init' // first message of every incarnation: runs init
  | 'user' // a behaviour message
  | 'ping' // answered by the wrapper: proves the mailbox is being processed
  | 'probe' // does nothing; gives an armed crash a message to happen on
  | 'stop'; // ordered stop: runs after what is already queued, then terminate

export class Envelope {
  constructor(
    readonly kind: EnvelopeKind,
    readonly body: unknown,
    /** The asker's temporary ref, for a message delivered by `ask` or `ping`. */
    readonly sender: unknown,
  ) {}
}

/**
 * The cell's own FIFO of envelopes (a head index over an array: no per-message node). nact then
 * carries one drain message per batch rather than one dispatch, context and setImmediate per message.
 */
export class EnvelopeQueue {
  private items: (Envelope | undefined)[] = [];
  private head = 0;

  get isEmpty(): boolean {
    return this.head === this.items.length;
  }

  push(envelope: Envelope): void {
    this.items.push(envelope);
  }

  /** Drop everything queued (an ended incarnation handles nothing more). */
  clear(): void {
    this.items = [];
    this.head = 0;
  }

  shift(): Envelope | undefined {
    if (this.head === this.items.length) return undefined;
    const envelope = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1_024 && this.head * 2 >= this.items.length) {
      // Mostly consumed: drop the dead prefix so a long-busy mailbox does not grow without end.
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return envelope;
  }
}
