/** Chunks smaller than this are copied into a shared tail buffer instead of being queued alone. */
const COALESCE_BELOW = 1024;
/** Tail buffers start small (most streams are short) and double while small chunks keep coming. */
const TAIL_MIN_CAPACITY = 256;
const TAIL_MAX_CAPACITY = 16 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * The bytes a parser has received and not consumed yet. Reads that fit in the first chunk cost no
 * allocation (headers are read in place, payloads are views). A peer that dribbles a large payload
 * a byte per segment would otherwise cost a Buffer object per byte; small chunks are therefore
 * coalesced, so memory stays proportional to the bytes held.
 */
export class ByteQueue {
  private readonly chunks: Buffer[] = [];
  /** Bytes of chunks[0] already consumed. */
  private offset = 0;
  private tail: Buffer | undefined;
  private tailUsed = 0;
  /** Bytes of `tail` already handed to `chunks` (as a view); later bytes are written after them. */
  private tailQueued = 0;
  private held = 0;

  get length(): number {
    return this.held;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.held += chunk.length;
    if (chunk.length >= COALESCE_BELOW) {
      this.queueTail();
      this.chunks.push(chunk);
      return;
    }
    if (this.tail === undefined || this.tail.length - this.tailUsed < chunk.length) {
      this.queueTail();
      const grown = this.tail === undefined ? TAIL_MIN_CAPACITY : Math.min(TAIL_MAX_CAPACITY, this.tail.length * 2);
      this.tail = Buffer.allocUnsafe(Math.max(grown, chunk.length));
      this.tailUsed = 0;
      this.tailQueued = 0;
    }
    chunk.copy(this.tail, this.tailUsed);
    this.tailUsed += chunk.length;
  }

  /** The next `n` bytes (n <= length), contiguous: a view when they sit in one chunk, else a copy. */
  consume(n: number): Buffer {
    if (n === 0) return EMPTY;
    const first = this.first(n);
    if (first !== undefined) {
      const view = first.subarray(this.offset, this.offset + n);
      this.advance(first, n);
      return view;
    }
    this.held -= n;
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const take = Math.min(chunk.length - this.offset, n - filled);
      chunk.copy(out, filled, this.offset, this.offset + take);
      filled += take;
      this.offset += take;
      if (this.offset === chunk.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    return out;
  }

  /** One byte (length >= 1). */
  consumeUInt8(): number {
    const first = this.first(1)!;
    const value = first[this.offset]!;
    this.advance(first, 1);
    return value;
  }

  /** A big-endian u32 (length >= 4). */
  consumeUInt32(): number {
    const first = this.first(4);
    if (first === undefined) return this.consume(4).readUInt32BE(0);
    const value = first.readUInt32BE(this.offset);
    this.advance(first, 4);
    return value;
  }

  /** `n` bytes decoded as UTF-8 (n <= length). */
  consumeText(n: number): string {
    if (n === 0) return '';
    const first = this.first(n);
    if (first === undefined) return this.consume(n).toString('utf8');
    const text = first.toString('utf8', this.offset, this.offset + n);
    this.advance(first, n);
    return text;
  }

  /** The first chunk when it holds the next `n` bytes, else undefined. */
  private first(n: number): Buffer | undefined {
    this.queueTail();
    const first = this.chunks[0]!;
    return first.length - this.offset >= n ? first : undefined;
  }

  private advance(first: Buffer, n: number): void {
    this.held -= n;
    this.offset += n;
    if (this.offset === first.length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }

  private queueTail(): void {
    if (this.tail !== undefined && this.tailUsed > this.tailQueued) {
      this.chunks.push(this.tail.subarray(this.tailQueued, this.tailUsed));
      this.tailQueued = this.tailUsed;
    }
  }
}
