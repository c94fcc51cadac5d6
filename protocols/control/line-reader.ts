import { ControlError } from './errors.js';

const NEWLINE = 0x0a;

/**
 * Cuts a byte stream into lines (newline removed). The cap is checked before a partial line is
 * buffered, so a peer that never sends a newline costs at most `maxLineBytes` of memory.
 * After CONTROL_LINE_TOO_LONG the reader stays failed: the stream is out of step and must end.
 */
export class LineReader {
  readonly #maxLineBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #failed: ControlError | undefined;

  constructor(maxLineBytes: number) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** Bytes held for an unfinished line. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /** Complete lines in this chunk, in order. Throws CONTROL_LINE_TOO_LONG. */
  push(chunk: Buffer): Buffer[] {
    if (this.#failed) throw this.#failed;
    const lines: Buffer[] = [];
    let start = 0;
    while (start <= chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      this.#checkCap(end - start);
      if (newline === -1) {
        if (end > start) {
          // A copy: the caller may reuse its chunk buffer.
          this.#pending.push(Buffer.from(chunk.subarray(start, end)));
          this.#pendingBytes += end - start;
        }
        break;
      }
      lines.push(this.#takeLine(chunk.subarray(start, end)));
      start = newline + 1;
    }
    return lines;
  }

  #checkCap(moreBytes: number): void {
    if (this.#pendingBytes + moreBytes <= this.#maxLineBytes) return;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#failed = new ControlError('CONTROL_LINE_TOO_LONG', `line longer than ${this.#maxLineBytes} bytes`, {
      limit: 'maxLineBytes',
      limitValue: this.#maxLineBytes,
    });
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
