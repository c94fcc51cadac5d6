const NEWLINE = 0x0a;

/**
 * Cuts a byte stream into lines (newline removed), for the line-delimited JSON protocols (PIP/1, the
 * control socket). The cap is checked before a partial line is buffered, so a peer that never sends
 * a newline costs at most `maxLineBytes` of memory. After a too-long line the splitter stays failed:
 * the stream is out of step and its connection must end. Each protocol supplies its own error.
 */
export class LineSplitter<E extends Error> {
  readonly #maxLineBytes: number;
  readonly #tooLong: (maxLineBytes: number) => E;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #failed: E | undefined;

  constructor(maxLineBytes: number, tooLong: (maxLineBytes: number) => E) {
    this.#maxLineBytes = maxLineBytes;
    this.#tooLong = tooLong;
  }

  /** Bytes held for an unfinished line. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /** Complete lines in this chunk, in order. Throws the protocol's too-long error. */
  push(chunk: Uint8Array): Buffer[] {
    if (this.#failed) throw this.#failed;
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: Buffer[] = [];
    let start = 0;
    while (start <= bytes.length) {
      const newline = bytes.indexOf(NEWLINE, start);
      const end = newline === -1 ? bytes.length : newline;
      this.#checkCap(end - start);
      if (newline === -1) {
        if (end > start) {
          // A copy: the caller may reuse its chunk buffer.
          this.#pending.push(Buffer.from(bytes.subarray(start, end)));
          this.#pendingBytes += end - start;
        }
        break;
      }
      lines.push(this.#takeLine(bytes.subarray(start, end)));
      start = newline + 1;
    }
    return lines;
  }

  #checkCap(moreBytes: number): void {
    if (this.#pendingBytes + moreBytes <= this.#maxLineBytes) return;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#failed = this.#tooLong(this.#maxLineBytes);
    throw this.#failed;
  }

  #takeLine(tail: Buffer): Buffer {
    if (this.#pending.length === 0) return Buffer.from(tail);
    const line = Buffer.concat([...this.#pending, tail], this.#pendingBytes + tail.length);
    this.#pending = [];
    this.#pendingBytes = 0;
    return line;
  }
}
