/** One accepted control connection: lines in, one reply per request out, in order. */
import type { Socket } from 'node:net';
import type { Logger } from '../../config/logging.js';
import { ControlError, errnoOf } from './errors.js';
import { errorBodyOf } from './handler-errors.js';
import { isBlankLine } from './json-line.js';
import type { ControlLimits } from './limits.js';
import { LineReader } from './line-reader.js';
import type { ControlCommand, ControlRequest, ControlRequestId } from './messages.js';
import { encodeReply, errorReply, successReply } from './reply-codec.js';
import { decodeRequest } from './request-codec.js';

/** The daemon's side of every command but `ping`: resolve with a JSON-serialisable result, or throw. */
export type ControlHandler = (request: ControlRequest) => Promise<unknown>;

export interface ConnectionSettings {
  label: string;
  limits: ControlLimits;
  logger: Logger;
  handle: ControlHandler;
  /** Why this socket does not take `cmd` (an admin command on the read-only socket), or undefined. */
  refusal(cmd: ControlCommand): ControlError | undefined;
  onClose(connection: ControlConnection): void;
}

export class ControlConnection {
  readonly label: string;
  readonly #socket: Socket;
  readonly #settings: ConnectionSettings;
  readonly #reader: LineReader;
  readonly #queue: Buffer[] = [];
  #busy = false;
  #ending = false;
  #graceTimer: NodeJS.Timeout | undefined;

  constructor(socket: Socket, settings: ConnectionSettings) {
    this.label = settings.label;
    this.#socket = socket;
    this.#settings = settings;
    this.#reader = new LineReader(settings.limits.maxRequestLineBytes);
    socket.setTimeout(settings.limits.idleTimeoutMs, () => this.#onIdle());
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => {
      // The peer went away mid-reply (EPIPE, ECONNRESET): nothing to answer any more.
      settings.logger.debug({ connection: this.label, errno: errnoOf(error) }, 'control connection error');
    });
    socket.on('close', () => {
      clearTimeout(this.#graceTimer);
      this.#ending = true;
      settings.onClose(this);
    });
  }

  /** True once the connection is being closed (refused, idle, or server closing). */
  get ending(): boolean {
    return this.#ending;
  }

  /** Answers with an error and closes: used for bad input and for connections over the cap. */
  refuse(error: unknown, requestId: ControlRequestId | null = null): void {
    if (this.#ending) return;
    const body = errorBodyOf(error, this.#settings.limits.maxErrorMessageLength);
    const context = error instanceof ControlError ? error.context : {};
    this.#settings.logger.warn(
      { connection: this.label, code: body.code, field: context.field, limit: context.limit, requestId },
      'control request refused; closing the connection',
    );
    this.#endWith(encodeReply(errorReply(requestId, body)));
  }

  /** Ends the connection politely; destroyed if the peer does not close within the grace period. */
  close(): void {
    if (this.#ending) return;
    this.#endWith(undefined);
  }

  #endWith(lastLine: Buffer | undefined): void {
    this.#ending = true;
    this.#queue.length = 0;
    if (lastLine) this.#socket.end(lastLine);
    else this.#socket.end();
    this.#graceTimer = setTimeout(() => this.#socket.destroy(), this.#settings.limits.closeGraceMs);
  }

  #onIdle(): void {
    // A request still in the handler is bounded by the handler timeout, not by idleness.
    if (this.#busy || this.#ending) return;
    this.#settings.logger.debug({ connection: this.label }, 'idle control connection closed');
    this.close();
  }

  #onData(chunk: Buffer): void {
    if (this.#ending) return;
    let lines: Buffer[];
    try {
      lines = this.#reader.push(chunk);
    } catch (error) {
      this.refuse(error);
      return;
    }
    for (const line of lines) if (!isBlankLine(line)) this.#queue.push(line);
    const { maxQueuedRequests } = this.#settings.limits;
    if (this.#queue.length > maxQueuedRequests) {
      this.refuse(
        new ControlError('CONTROL_TOO_MANY_REQUESTS', `more than ${maxQueuedRequests} requests waiting on one connection`, {
          connection: this.label,
          limit: 'maxQueuedRequests',
          limitValue: maxQueuedRequests,
        }),
      );
      return;
    }
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let line = this.#queue.shift(); line !== undefined && !this.#ending; line = this.#queue.shift()) {
        let request: ControlRequest;
        try {
          request = decodeRequest(line, this.#settings.limits);
        } catch (error) {
          this.refuse(error, error instanceof ControlError ? (error.context.requestId ?? null) : null);
          return;
        }
        const reply = await this.#answer(request);
        if (this.#ending) return;
        await this.#write(reply);
      }
    } finally {
      this.#busy = false;
    }
  }

  async #answer(request: ControlRequest): Promise<Buffer> {
    const { limits, logger, handle } = this.#settings;
    if (request.cmd === 'ping') return encodeReply(successReply(request.id, { pong: true }));
    const refused = this.#settings.refusal(request.cmd);
    if (refused) {
      // Someone who may look but not act tried to act: worth a warning, and the connection stays usable.
      logger.warn(
        { socket: refused.context.socketPath, connection: this.label, cmd: request.cmd, code: refused.code },
        'control request refused: not allowed on this socket',
      );
      return encodeReply(errorReply(request.id, errorBodyOf(refused, limits.maxErrorMessageLength)));
    }
    try {
      const result = await withTimeout(handle(request), limits.handlerTimeoutMs, request.cmd);
      try {
        return encodeReply(successReply(request.id, result));
      } catch (error) {
        throw new ControlError('CONTROL_INTERNAL', `the ${request.cmd} result cannot be sent as JSON`, {
          cmd: request.cmd,
          cause: error instanceof Error ? error.message : String(error),
        });
      }
    } catch (error) {
      const body = errorBodyOf(error, limits.maxErrorMessageLength);
      const fields = { connection: this.label, cmd: request.cmd, code: body.code };
      if (body.code === 'CONTROL_INTERNAL') logger.error({ ...fields, err: error }, 'control request failed');
      else logger.info({ ...fields, reason: body.message }, 'control request answered with an error');
      return encodeReply(errorReply(request.id, body));
    }
  }

  #write(line: Buffer): Promise<void> {
    return new Promise((resolve) => {
      // Resolves once flushed (or failed): one reply at a time bounds what a slow reader can pile up.
      this.#socket.write(line, () => resolve());
    });
  }
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number, cmd: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ControlError('CONTROL_HANDLER_TIMEOUT', `${cmd} took longer than ${timeoutMs} ms`, { cmd, timeoutMs })),
      timeoutMs,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
