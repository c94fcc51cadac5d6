import type WebSocket from 'ws';
import type { Logger } from '../../../config/logging.js';
import { VtqEncodingError } from '../named-vtq.js';
import type { DeliveryOutcome } from '../types.js';
import { MessageAssembler } from './assembler.js';
import { AlwaysOnError } from './errors.js';
import type { AlwaysOnCodecLimits } from './limits.js';
import type { Message } from './message.js';
import { classifyCode, readFrameHead } from './reader.js';
import { Code, NO_SESSION_ID } from './wire.js';
import { encodeMessage } from './writer.js';

/** A request's answer: the response, or the outcome that stands for it (deadline, lost connection, not sendable). */
export type Reply = { ok: true; message: Message } | { ok: false; outcome: DeliveryOutcome };
/** Builds a request's frames once its id and the session id are known. May throw (encoding). */
export type FrameBuilder = (requestId: number, sessionId: number) => Buffer[];

export interface SessionOptions {
  limits: AlwaysOnCodecLimits;
  requestTimeoutMs: number;
  logger: Logger;
  /** A request from the server (not a response): the one-way answer is the transport's. */
  onServerMessage(message: Message): void;
}

interface PendingRequest {
  settle(reply: Reply): void;
}

const retry = (detail: string): DeliveryOutcome => ({ kind: 'retry', detail });

/**
 * One WebSocket and what lives on it: the session id AUTH gave, the Things it bound, its requests in flight correlated
 * by request id (each with a deadline), the reassembly of its multipart messages, its ping/pong. Ends once: every
 * request in flight is then answered `retry` (the uplink re-sends) and the socket is dropped.
 */
export class AlwaysOnSession {
  sessionId = NO_SESSION_ID;
  readonly bound = new Set<string>();
  /** BINDs of one Thing under way, so concurrent first pushes share one. */
  readonly binding = new Map<string, Promise<DeliveryOutcome>>();
  readonly #pending = new Map<number, PendingRequest>();
  readonly #assembler: MessageAssembler;
  #pingTimer: NodeJS.Timeout | undefined;
  #pongTimer: NodeJS.Timeout | undefined;
  #ended = false;

  constructor(
    readonly socket: WebSocket,
    private readonly options: SessionOptions,
  ) {
    this.#assembler = new MessageAssembler(options.limits);
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Sends a request and waits for its response or its deadline. Never rejects. */
  request(requestId: number, frames: FrameBuilder): Promise<Reply> {
    if (this.#ended) return Promise.resolve({ ok: false, outcome: retry('TWX_AO_CONNECTION_LOST: the session ended') });
    const { requestTimeoutMs } = this.options;
    return new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        resolve({ ok: false, outcome: retry(`TWX_AO_TIMEOUT: no response to request ${requestId} within ${requestTimeoutMs} ms`) });
      }, requestTimeoutMs);
      const settle = (reply: Reply): void => {
        clearTimeout(timer);
        this.#pending.delete(requestId);
        resolve(reply);
      };
      this.#pending.set(requestId, { settle });
      try {
        this.#sendFrames(frames(requestId, this.sessionId));
      } catch (error) {
        settle({ ok: false, outcome: unsendable(error) });
      }
    });
  }

  /** Sends a message that expects no answer (a response to the server). */
  send(message: Message): void {
    this.#sendFrames(encodeMessage(message, this.options.limits));
  }

  /** One binary WebSocket message from the server. */
  onFrame(data: Buffer): void {
    let message: Message | undefined;
    try {
      message = this.#assembler.push(data);
    } catch (error) {
      this.#unreadable(data, error);
      return;
    }
    if (message === undefined) return;
    if (message.header.code >= Code.SUCCESS) {
      const pending = this.#pending.get(message.header.requestId);
      if (pending) pending.settle({ ok: true, message });
      else this.options.logger.debug({ requestId: message.header.requestId }, 'AlwaysOn response to no request in flight (timed out?)');
      return;
    }
    this.options.onServerMessage(message);
  }

  /** A ping every interval; `onMissed` when its pong has not come within the timeout. */
  startKeepAlive(pingIntervalMs: number, pongTimeoutMs: number, onPong: () => void, onMissed: () => void): void {
    this.socket.on('pong', () => {
      clearTimeout(this.#pongTimer);
      this.#pongTimer = undefined;
      onPong();
    });
    this.#pingTimer = setInterval(() => {
      if (this.#pongTimer !== undefined) return;
      this.socket.ping();
      this.#pongTimer = setTimeout(onMissed, pongTimeoutMs);
    }, pingIntervalMs);
  }

  /** Ends the session: every request in flight is told to retry, the socket is dropped. False if it had ended. */
  end(reason: string): boolean {
    if (this.#ended) return false;
    this.#ended = true;
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
    for (const pending of [...this.#pending.values()]) pending.settle({ ok: false, outcome: retry(`TWX_AO_CONNECTION_LOST: ${reason}`) });
    this.#assembler.reset();
    this.socket.removeAllListeners('message');
    this.socket.terminate();
    return true;
  }

  #sendFrames(frames: readonly Buffer[]): void {
    for (const frame of frames) this.socket.send(frame, { binary: true });
  }

  /** A message that cannot be read: its request (if we sent it) retries; a request from the server gets BAD_REQUEST. */
  #unreadable(data: Buffer, error: unknown): void {
    const code = error instanceof AlwaysOnError ? error.code : 'AO_ERR_INTERNAL';
    this.options.logger.warn({ code, err: error instanceof Error ? error.message : String(error) }, 'AlwaysOn message unreadable');
    let head: ReturnType<typeof readFrameHead>;
    try {
      head = readFrameHead(data, this.options.limits);
    } catch {
      return;
    }
    if (classifyCode(head.header.code) === 'response') {
      this.#pending.get(head.header.requestId)?.settle({ ok: false, outcome: retry(`${code}: unreadable response`) });
    } else {
      this.send({
        header: { ...head.header, code: Code.BAD_REQUEST, sessionId: this.sessionId },
        body: { kind: 'response', reason: code },
      });
    }
  }
}

/** What a request that could not be sent comes to, as REST would have it. */
function unsendable(error: unknown): DeliveryOutcome {
  if (error instanceof VtqEncodingError) {
    // Not sent: status 0 marks a batch refused before it reached the wire, as REST does.
    return { kind: 'rejected', status: 0, detail: `${error.code}: ${error.message}` };
  }
  const detail = `${error instanceof AlwaysOnError ? error.code : 'TWX_AO_SEND_FAILED'}: ${error instanceof Error ? error.message : String(error)}`;
  const tooLarge =
    error instanceof AlwaysOnError && (error.code === 'AO_ERR_MESSAGE_TOO_LARGE' || error.code === 'AO_ERR_STRING_TOO_LARGE');
  // Too large for one message: refused as REST refuses a 413, so the engine splits the batch.
  return tooLarge ? { kind: 'rejected', status: 413, detail } : retry(detail);
}
