import type { Socket } from 'node:net';
import type { Logger } from '../../config/logging.js';
import { type BackoffPolicy, backoffDelayMs } from '../../supervision/backoff.js';
import type { PipCodecLimits } from './codec-limits.js';
import { PipError, type PipErrorContext } from './errors.js';
import { LineSplitter } from './line-splitter.js';
import type { PipOp } from './ops.js';
import { openPrinterSocket, type PrinterTlsOptions } from './printer-socket.js';
import { decodeReply, type UntrustedObject } from './reply.js';
import { encodeRequest, nextRequestId } from './request.js';
import {
  type ConsumablesResult,
  decodeResult,
  type IdentifyResult,
  type PipResults,
  type SensorsResult,
  type StatusResult,
} from './results.js';
import { PIP_CODEC_LIMITS, PRINTER_CLIENT_DEFAULTS } from '../../config/defaults.js';

export type { PrinterTlsOptions };

export interface PrinterClientOptions {
  host: string;
  port: number;
  /** Present: speak TLS (1.2+). */
  tls?: PrinterTlsOptions;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
  maxQueued?: number;
  maxLineBytes?: number;
  logger: Logger;
  /** Label for logs and errors, e.g. the printer id. */
  name?: string;
  /** Jitter source; tests pass a fixed one. */
  random?: () => number;
}

export type PrinterConnectionState = 'connecting' | 'connected' | 'backoff' | 'closed';

export interface PrinterConnectionInfo {
  state: PrinterConnectionState;
  /** Connections opened so far, counting attempts that failed. */
  connectionsOpened: number;
  /** Consecutive connection failures since the last reply. */
  failures: number;
  queued: number;
  nextAttemptInMs?: number;
}

/**
 * A PIP/1 client that can only read. There is no generic "send": the four ops are the only methods.
 * Calls are queued (bounded, FIFO) and sent one at a time; each has its own timeout.
 */
export interface PrinterClient {
  identify(): Promise<IdentifyResult>;
  status(): Promise<StatusResult>;
  sensors(): Promise<SensorsResult>;
  consumables(): Promise<ConsumablesResult>;
  connection(): PrinterConnectionInfo;
  /** Stops reconnecting, fails waiting calls with PIP_CLOSED and closes the socket. */
  close(): Promise<void>;
}

interface Query {
  op: PipOp;
  id?: number;
  /** ms since epoch after which the call has failed with PIP_TIMEOUT. */
  deadline: number;
  timer: NodeJS.Timeout;
  /** Decodes the raw result for this op and resolves; throws PIP_BAD_RESULT before resolving. */
  accept(result: UntrustedObject): void;
  reject(error: PipError): void;
}

interface Connection {
  socket: Socket;
  label: string;
  splitter: LineSplitter;
  established: boolean;
  ended: boolean;
  connectTimer?: NodeJS.Timeout;
  inFlight?: Query;
}

function withContext(error: unknown, context: PipErrorContext): PipError {
  if (error instanceof PipError) return new PipError(error.code, error.message, { ...error.context, ...context });
  const cause = error instanceof Error ? error.message : String(error);
  return new PipError('PIP_CONNECTION_LOST', 'connection failed', { ...context, cause });
}

export function createPrinterClient(options: PrinterClientOptions): PrinterClient {
  const timeoutMs = options.timeoutMs ?? PRINTER_CLIENT_DEFAULTS.timeoutMs;
  const connectTimeoutMs = options.connectTimeoutMs ?? PRINTER_CLIENT_DEFAULTS.connectTimeoutMs;
  const backoff: BackoffPolicy = { ...PRINTER_CLIENT_DEFAULTS.backoff, ...options.backoff };
  const maxQueued = options.maxQueued ?? PRINTER_CLIENT_DEFAULTS.maxQueued;
  const limits: PipCodecLimits = { ...PIP_CODEC_LIMITS, maxLineBytes: options.maxLineBytes ?? PIP_CODEC_LIMITS.maxLineBytes };
  const random = options.random ?? Math.random;
  const endpoint = `${options.host}:${options.port}`;
  const log = options.logger.child({ printerEndpoint: endpoint, ...(options.name ? { printer: options.name } : {}) });

  let state: PrinterConnectionState = 'connecting';
  let current: Connection | undefined;
  const queue: Query[] = [];
  let failures = 0;
  let connectionsOpened = 0;
  let nextId = 1;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let nextAttemptAt = 0;
  let lastLoggedFailure: string | undefined;

  function openConnection(): void {
    reconnectTimer = undefined;
    state = 'connecting';
    connectionsOpened += 1;
    const label = `${options.name ? `${options.name} ` : ''}${endpoint}#${connectionsOpened}`;
    const { socket, readyEvent } = openPrinterSocket(options.host, options.port, options.tls);
    const connection: Connection = {
      socket,
      label,
      splitter: new LineSplitter(limits.maxLineBytes),
      established: false,
      ended: false,
    };
    current = connection;
    connection.connectTimer = setTimeout(() => {
      endConnection(
        connection,
        new PipError('PIP_CONNECT_FAILED', 'connect timed out', { connection: label, timeoutMs: connectTimeoutMs }),
      );
    }, connectTimeoutMs);
    let lastSocketError: Error | undefined;
    socket.once(readyEvent, () => onEstablished(connection));
    socket.on('data', (chunk: Buffer) => onData(connection, chunk));
    socket.on('error', (error) => {
      lastSocketError = error;
    });
    socket.on('close', () => {
      const cause = lastSocketError?.message ?? 'closed by peer';
      const error = connection.established
        ? new PipError('PIP_CONNECTION_LOST', 'connection closed', { connection: label, cause })
        : new PipError('PIP_CONNECT_FAILED', 'could not connect', { connection: label, cause });
      endConnection(connection, error);
    });
  }

  function onEstablished(connection: Connection): void {
    if (connection.ended) return;
    clearTimeout(connection.connectTimer);
    connection.established = true;
    connection.socket.setNoDelay(true);
    connection.socket.setKeepAlive(true, PRINTER_CLIENT_DEFAULTS.keepAliveMs);
    state = 'connected';
    lastLoggedFailure = undefined;
    log.debug({ connection: connection.label }, 'printer connection opened');
    sendNext();
  }

  /** Ends one connection for a reason: logged here once, the call on the wire fails with it, a reconnect is scheduled. */
  function endConnection(connection: Connection, error: PipError): void {
    if (connection.ended) return;
    connection.ended = true;
    clearTimeout(connection.connectTimer);
    connection.socket.destroy();
    const inFlight = connection.inFlight;
    connection.inFlight = undefined;
    if (inFlight) {
      clearTimeout(inFlight.timer);
      inFlight.reject(error);
    }
    if (current === connection) current = undefined;
    if (state === 'closed') return;
    const fields = { connection: connection.label, code: error.code, ...error.context, reason: error.message };
    // a printer that stays down would otherwise log the same failure on every attempt
    if (connection.established || lastLoggedFailure !== error.code) {
      log.warn(fields, connection.established ? 'printer connection ended' : 'printer connection failed');
    } else {
      log.debug(fields, 'printer connection failed again');
    }
    if (!connection.established) lastLoggedFailure = error.code;
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    const delay = backoffDelayMs(failures, backoff, random);
    failures += 1;
    state = 'backoff';
    nextAttemptAt = Date.now() + delay;
    reconnectTimer = setTimeout(openConnection, delay);
    // calls that would time out before the next attempt fail now rather than wait for nothing
    for (const query of [...queue]) {
      if (query.deadline < nextAttemptAt) {
        failQueued(query, new PipError('PIP_UNAVAILABLE', 'printer not connected', { op: query.op, retryInMs: delay }));
      }
    }
  }

  function failQueued(query: Query, error: PipError): void {
    const index = queue.indexOf(query);
    if (index !== -1) queue.splice(index, 1);
    clearTimeout(query.timer);
    query.reject(error);
  }

  function onData(connection: Connection, chunk: Buffer): void {
    if (connection.ended) return;
    let lines: Buffer[];
    try {
      lines = connection.splitter.push(chunk);
    } catch (error) {
      endConnection(connection, withContext(error, { connection: connection.label }));
      return;
    }
    for (const line of lines) {
      handleLine(connection, line);
      if (connection.ended) return;
    }
  }

  function handleLine(connection: Connection, line: Buffer): void {
    const query = connection.inFlight;
    const context: PipErrorContext = { connection: connection.label, op: query?.op, expectedId: query?.id };
    try {
      const reply = decodeReply(line, limits);
      if (!query) {
        throw new PipError('PIP_UNSOLICITED_REPLY', 'reply without a request', { id: reply.id });
      }
      if (reply.id !== query.id) throw new PipError('PIP_WRONG_ID', 'reply id does not match the request', { id: reply.id });
      if (reply.ok) {
        query.accept(reply.result);
      } else {
        query.reject(
          new PipError('PIP_REMOTE_ERROR', 'printer refused the request', {
            ...context,
            remoteCode: reply.error.code,
            remoteMessage: reply.error.message,
          }),
        );
      }
    } catch (error) {
      endConnection(connection, withContext(error, context));
      return;
    }
    connection.inFlight = undefined;
    clearTimeout(query.timer);
    failures = 0;
    sendNext();
  }

  function sendNext(): void {
    const connection = current;
    if (state !== 'connected' || !connection || connection.inFlight) return;
    const query = queue.shift();
    if (!query) return;
    const id = nextId;
    nextId = nextRequestId(id);
    query.id = id;
    connection.inFlight = query;
    connection.socket.write(encodeRequest(id, query.op));
  }

  function onTimeout(query: Query): void {
    const connection = current;
    const error = new PipError('PIP_TIMEOUT', 'printer did not answer in time', { op: query.op, id: query.id, timeoutMs });
    if (connection?.inFlight === query) {
      // a printer that stops answering is not trusted with the next request
      endConnection(connection, withContext(error, { connection: connection.label }));
    } else {
      failQueued(query, error);
    }
  }

  /** Why a call cannot even be queued, if it cannot. */
  function refusal(op: PipOp, now: number): PipError | undefined {
    if (state === 'closed') return new PipError('PIP_CLOSED', 'client is closed', { op });
    if (queue.length >= maxQueued) {
      return new PipError('PIP_BUSY', 'too many calls waiting', { op, limit: 'maxQueued', limitValue: maxQueued });
    }
    if (state === 'backoff' && nextAttemptAt > now + timeoutMs) {
      return new PipError('PIP_UNAVAILABLE', 'printer not connected', { op, retryInMs: nextAttemptAt - now });
    }
    return undefined;
  }

  function call<Op extends PipOp>(op: Op): Promise<PipResults[Op]> {
    const now = Date.now();
    const refused = refusal(op, now);
    if (refused) return Promise.reject(refused);
    return new Promise<PipResults[Op]>((resolve, reject) => {
      const query: Query = {
        op,
        deadline: now + timeoutMs,
        timer: setTimeout(() => onTimeout(query), timeoutMs),
        accept: (result) => resolve(decodeResult(op, result, limits)),
        reject,
      };
      queue.push(query);
      sendNext();
    });
  }

  function connection(): PrinterConnectionInfo {
    const info: PrinterConnectionInfo = { state, connectionsOpened, failures, queued: queue.length };
    if (state === 'backoff') info.nextAttemptInMs = Math.max(0, nextAttemptAt - Date.now());
    return info;
  }

  async function close(): Promise<void> {
    if (state === 'closed') return;
    state = 'closed';
    clearTimeout(reconnectTimer);
    for (const query of [...queue]) failQueued(query, new PipError('PIP_CLOSED', 'client is closed', { op: query.op }));
    const connection = current;
    if (!connection) return;
    const closed = new Promise<void>((resolve) => {
      if (connection.socket.destroyed) resolve();
      else connection.socket.once('close', () => resolve());
    });
    endConnection(connection, new PipError('PIP_CLOSED', 'client is closed', { connection: connection.label }));
    await closed;
  }

  openConnection();
  return Object.freeze({
    identify: () => call('identify'),
    status: () => call('status'),
    sensors: () => call('sensors'),
    consumables: () => call('consumables'),
    connection,
    close,
  });
}
