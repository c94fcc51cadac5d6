import { ByteQueue } from '../../byte-queue.js';
import { type BodyReader, longStringLength, utf8 } from './body-reader.js';
import { AlwaysOnError, limitExceeded } from './errors.js';
import type { AlwaysOnCodecLimits } from './limits.js';
import type { ChunkInfo, Header, Message } from './message.js';
import { bodyReaderFor, checkChunkBytes, classifyCode, parseChunkInfo, parseHeader } from './reader.js';
import { CHUNK_INFO_BYTES, HEADER_BYTES } from './wire.js';
import { DEFAULT_ALWAYSON_LIMITS } from '../../../config/defaults.js';

// Parser states of one frame: each names the bytes it waits for (after ws's receiver and our Lumberjack frame reader).
const GET_HEADER = 0;
const GET_CHUNK_INFO = 1;
/** A request's chunks after the first repeat `entityType, entity`: read and dropped (chunk 1's entity is kept). */
const GET_PREFIX_ENTITY_TYPE = 2;
const GET_PREFIX_ENTITY_LENGTH = 3;
const GET_PREFIX_ENTITY_LONG_LENGTH = 4;
const GET_PREFIX_ENTITY = 5;
/** The rest of the frame is body: it goes to the message's BodyReader as it comes. */
const GET_PAYLOAD = 6;
/** The frame was refused: its remaining bytes are ignored until it ends. */
const DISCARD = 7;

/** A multipart message being reassembled: it waits for chunk `next`, and its body is read as its chunks come. */
interface Partial {
  code: number;
  chunkCount: number;
  chunkSize: number;
  next: number;
  isRequest: boolean;
  body: BodyReader;
}

/**
 * Reads AlwaysOn messages from WebSocket frames (PROTOCOLS.md §3) as a chunk-fed state machine: a frame's bytes may
 * come in any split (`write`), and `endFrame` says where the frame ends (the WebSocket message boundary, which is
 * also a multipart chunk's). Every length is checked against the limits as soon as it is read: a frame's size and
 * chunk info before its body, chunkCount × chunkSize on chunk 1 before anything is kept, and the body's lengths and
 * counts by its BodyReader. A multipart message is read as its chunks arrive (no joining): each is a small state
 * machine keyed by its request id that waits for chunk 1, then exactly chunk n+1; any chunk out of order drops it.
 * Throws AlwaysOnError; the caller decides what the peer is told (context.requestId says which message). The bytes
 * given must not change afterwards (large chunks are kept as views until read).
 */
export class MessageAssembler {
  readonly #partials = new Map<number, Partial>();
  #queue = new ByteQueue();
  #state = GET_HEADER;
  #needed = HEADER_BYTES;
  #frameBytes = 0;
  #header: Header | undefined;
  #chunk: ChunkInfo | undefined;
  /** The body this frame's payload goes to: a single frame's own, or its multipart message's. */
  #body: BodyReader | undefined;
  #partial: Partial | undefined;
  #prefixHigh = 0;

  constructor(private readonly limits: AlwaysOnCodecLimits = DEFAULT_ALWAYSON_LIMITS) {}

  /** Messages waiting for more chunks. */
  get pending(): number {
    return this.#partials.size;
  }

  /** One whole WebSocket frame; returns the message it completes, if any. */
  push(frame: Buffer): Message | undefined {
    try {
      this.write(frame);
    } catch (error) {
      this.#resetFrame();
      throw error;
    }
    return this.endFrame();
  }

  /** More bytes of the current frame. Throws as soon as they cannot be (part of) a valid message. */
  write(bytes: Buffer): void {
    if (this.#state === DISCARD || bytes.length === 0) return;
    try {
      this.#write(bytes);
    } catch (error) {
      this.#refuseFrame();
      throw error;
    }
  }

  /** The current frame has ended: the message it completes, if any. */
  endFrame(): Message | undefined {
    if (this.#state === DISCARD) {
      this.#resetFrame();
      return undefined;
    }
    try {
      return this.#endFrame();
    } catch (error) {
      this.#refuseFrame();
      throw error;
    } finally {
      this.#resetFrame();
    }
  }

  /** Forgets every incomplete message and frame (a new connection). */
  reset(): void {
    this.#partials.clear();
    this.#resetFrame();
  }

  #write(bytes: Buffer): void {
    this.#frameBytes += bytes.length;
    if (this.#frameBytes > this.limits.maxMessageBytes) {
      throw limitExceeded('AO_ERR_MESSAGE_TOO_LARGE', 'maxMessageBytes', this.#frameBytes, this.limits.maxMessageBytes);
    }
    if (this.#chunk) checkChunkBytes(this.#chunk, this.#frameBytes, { requestId: this.#header?.requestId ?? 0, ...this.#chunk });
    if (this.#state === GET_PAYLOAD) {
      (this.#body as BodyReader).push(bytes);
      return;
    }
    const q = this.#queue;
    q.push(bytes);
    while (this.#state !== GET_PAYLOAD && q.length >= this.#needed) this.#advance();
    if (this.#state === GET_PAYLOAD && q.length > 0) (this.#body as BodyReader).push(q.consume(q.length));
  }

  #advance(): void {
    const q = this.#queue;
    switch (this.#state) {
      case GET_HEADER: {
        const { header, multipart } = parseHeader(q.consume(HEADER_BYTES));
        this.#header = header;
        if (multipart) {
          this.#expect(GET_CHUNK_INFO, CHUNK_INFO_BYTES);
        } else {
          this.#body = bodyReaderFor(header, this.limits);
          this.#expect(GET_PAYLOAD, 0);
        }
        return;
      }
      case GET_CHUNK_INFO:
        this.#startChunk(parseChunkInfo(this.#header as Header, q.consume(CHUNK_INFO_BYTES), 0, this.#frameBytes, this.limits));
        return;
      case GET_PREFIX_ENTITY_TYPE:
        q.consumeUInt8();
        this.#expect(GET_PREFIX_ENTITY_LENGTH, 1);
        return;
      case GET_PREFIX_ENTITY_LENGTH:
        this.#prefixHigh = q.consumeUInt8();
        if (this.#prefixHigh & 0x80) this.#expect(GET_PREFIX_ENTITY_LONG_LENGTH, 3);
        else this.#expect(GET_PREFIX_ENTITY, this.#prefixHigh);
        return;
      case GET_PREFIX_ENTITY_LONG_LENGTH:
        this.#expect(GET_PREFIX_ENTITY, longStringLength(this.#prefixHigh, q.consume(3), this.limits));
        return;
      case GET_PREFIX_ENTITY:
        utf8(q.consume(this.#needed), 'entity', { requestId: this.#header?.requestId });
        this.#expect(GET_PAYLOAD, 0);
        return;
      default:
        throw new Error(`unreachable frame state ${this.#state}`);
    }
  }

  /** A chunk's info is read: find (or start) its message before any of its payload is taken. */
  #startChunk(chunk: ChunkInfo): void {
    const header = this.#header as Header;
    this.#chunk = chunk;
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
        next: 1,
        isRequest: classifyCode(header.code) === 'request',
        body: bodyReaderFor(header, this.limits),
      };
      this.#partials.set(header.requestId, started);
      this.#partial = started;
      this.#body = started.body;
      this.#expect(GET_PAYLOAD, 0);
      return;
    }
    if (
      !partial ||
      partial.next !== chunk.chunkId ||
      partial.chunkCount !== chunk.chunkCount ||
      partial.chunkSize !== chunk.chunkSize ||
      partial.code !== header.code
    ) {
      this.#partials.delete(header.requestId);
      throw new AlwaysOnError('AO_ERR_CHUNK_OUT_OF_ORDER', `chunk ${chunk.chunkId} was not the one awaited`, context);
    }
    this.#partial = partial;
    this.#body = partial.body;
    if (partial.isRequest) this.#expect(GET_PREFIX_ENTITY_TYPE, 1);
    else this.#expect(GET_PAYLOAD, 0);
  }

  #endFrame(): Message | undefined {
    const header = this.#header;
    if (this.#state !== GET_PAYLOAD || header === undefined) {
      const what = header === undefined ? 'header' : this.#state === GET_CHUNK_INFO ? 'chunk info' : 'entity';
      throw new AlwaysOnError('AO_ERR_TRUNCATED', `${what} needs ${this.#needed} bytes, ${this.#queue.length} left`, {
        field: what,
        requestId: header?.requestId,
      });
    }
    const body = this.#body as BodyReader;
    const partial = this.#partial;
    if (partial) {
      partial.next += 1;
      if (partial.next <= partial.chunkCount) return undefined;
      this.#partials.delete(header.requestId);
    }
    return { header, body: body.end() };
  }

  /** A frame that cannot be read: the message it belongs to is dropped, and the frame's remaining bytes ignored. */
  #refuseFrame(): void {
    if (this.#partial && this.#header) this.#partials.delete(this.#header.requestId);
    this.#partial = undefined;
    this.#state = DISCARD;
  }

  #resetFrame(): void {
    if (this.#queue.length > 0) this.#queue = new ByteQueue();
    this.#header = undefined;
    this.#chunk = undefined;
    this.#body = undefined;
    this.#partial = undefined;
    this.#frameBytes = 0;
    this.#expect(GET_HEADER, HEADER_BYTES);
  }

  #expect(state: number, bytes: number): void {
    this.#state = state;
    this.#needed = bytes;
  }
}
