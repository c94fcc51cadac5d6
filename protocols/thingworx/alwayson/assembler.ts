import { Cursor } from './cursor.js';
import { AlwaysOnError, limitExceeded } from './errors.js';
import type { AlwaysOnCodecLimits } from './limits.js';
import type { Header, Message } from './message.js';
import { classifyCode, decodeBody, readFrameHead } from './reader.js';
import { DEFAULT_ALWAYSON_LIMITS } from '../../../config/defaults.js';

/**
 * Reassembles multipart messages (PROTOCOLS.md §3). Each message being assembled is a small state machine keyed by
 * its request id: it waits for chunk 1, then for exactly chunk n+1, until chunk chunkCount completes it. The announced
 * chunkCount × chunkSize is checked against the message limit on the first chunk, before any chunk is kept, and the
 * bytes kept never exceed it. Any chunk out of order drops that message. Throws AlwaysOnError; the caller decides what
 * the peer is told (context.requestId says which message).
 */

interface Partial {
  code: number;
  chunkCount: number;
  chunkSize: number;
  /** The chunk id awaited next. */
  next: number;
  parts: Buffer[];
  bytes: number;
  isRequest: boolean;
}

export class MessageAssembler {
  readonly #partials = new Map<number, Partial>();

  constructor(private readonly limits: AlwaysOnCodecLimits = DEFAULT_ALWAYSON_LIMITS) {}

  /** Messages waiting for more chunks. */
  get pending(): number {
    return this.#partials.size;
  }

  /** Feeds one WebSocket frame; returns the whole message it completes, if any. */
  push(frame: Buffer): Message | undefined {
    const head = readFrameHead(frame, this.limits);
    const { header, chunk } = head;
    const payload = frame.subarray(head.payloadOffset);
    if (!chunk) return { header, body: decodeBody(header, payload, this.limits) };
    const context = { requestId: header.requestId, chunkId: chunk.chunkId, chunkCount: chunk.chunkCount };
    const partial = this.#partials.get(header.requestId);
    if (chunk.chunkId === 1) {
      if (partial) {
        this.#partials.delete(header.requestId);
        throw new AlwaysOnError('AO_ERR_CHUNK_OUT_OF_ORDER', 'a new chunk 1 while a message with this request id is incomplete', context);
      }
      if (this.#partials.size >= this.limits.maxPartialMessages) {
        throw limitExceeded('AO_ERR_TOO_MANY_PARTIALS', 'maxPartialMessages', this.#partials.size + 1, this.limits.maxPartialMessages);
      }
      const started: Partial = {
        code: header.code,
        chunkCount: chunk.chunkCount,
        chunkSize: chunk.chunkSize,
        next: 2,
        parts: [Buffer.from(payload)],
        bytes: payload.length,
        isRequest: classifyCode(header.code) === 'request',
      };
      if (chunk.chunkCount === 1) return this.#complete(header, started);
      this.#partials.set(header.requestId, started);
      return undefined;
    }
    if (!partial || partial.next !== chunk.chunkId || partial.chunkCount !== chunk.chunkCount || partial.chunkSize !== chunk.chunkSize || partial.code !== header.code) {
      this.#partials.delete(header.requestId);
      throw new AlwaysOnError('AO_ERR_CHUNK_OUT_OF_ORDER', `chunk ${chunk.chunkId} was not the one awaited`, context);
    }
    let share = payload;
    if (partial.isRequest) {
      // Chunks after the first repeat `entityType, entity`; chunk 1's entity is the one kept.
      const cursor = new Cursor(payload, this.limits.maxStringBytes);
      try {
        cursor.u8('entity type');
        cursor.string('entity');
      } catch (error) {
        this.#partials.delete(header.requestId);
        throw error;
      }
      share = payload.subarray(cursor.offset);
    }
    partial.bytes += share.length;
    if (partial.bytes > this.limits.maxMessageBytes) {
      this.#partials.delete(header.requestId);
      throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', partial.bytes, this.limits.maxMessageBytes);
    }
    partial.parts.push(Buffer.from(share));
    partial.next += 1;
    if (chunk.chunkId < chunk.chunkCount) return undefined;
    this.#partials.delete(header.requestId);
    return this.#complete(header, partial);
  }

  /** Forgets every incomplete message (a new connection). */
  reset(): void {
    this.#partials.clear();
  }

  #complete(header: Header, partial: Partial): Message {
    const body = partial.parts.length === 1 ? (partial.parts[0] as Buffer) : Buffer.concat(partial.parts, partial.bytes);
    return { header, body: decodeBody(header, body, this.limits) };
  }
}
