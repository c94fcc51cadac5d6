import { type Socket, connect as connectTcp } from 'node:net';
import { type ConnectionOptions, connect as connectTls } from 'node:tls';
import type { Logger } from '../../config/logging.js';
import { type BackoffPolicy, backoffDelayMs } from '../../supervision/backoff.js';
import { AckReader } from '../../protocols/lumberjack/ack-reader.js';
import { LumberjackError, type LumberjackErrorCode, type LumberjackErrorContext } from '../../protocols/lumberjack/errors.js';
import { encodeJsonTextWindow, serializeEventText } from './frame-writer.js';

export type BeatsClientTlsOptions = Pick<
  ConnectionOptions,
  'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized' | 'minVersion' | 'maxVersion'
>;

export interface BeatsClientSettings {
  /** Events per window (libbeat's bulk_max_size). */
  windowSize: number;
  /** zlib level; 0 sends bare `J` frames. */
  compressionLevel: number;
  /** Windows outstanding on one connection. */
  pipelining: number;
  /** Connect timeout, and the longest wait for any ACK (keep-alives included) while windows are outstanding. */
  timeoutMs: number;
  /** Reconnect delay (never above maxMs, jitter included), back to minMs on acknowledgement progress. */
  backoff: BackoffPolicy;
  /** close(): how long to wait for the server's FIN before destroying the socket. */
  closeGraceMs: number;
}

/** libbeat's `output.logstash` defaults. */
export const DEFAULT_BEATS_CLIENT_SETTINGS: Readonly<BeatsClientSettings> = Object.freeze({
  windowSize: 2048,
  compressionLevel: 3,
  pipelining: 2,
  timeoutMs: 30_000,
  backoff: Object.freeze({ minMs: 1000, maxMs: 60_000, jitter: 0.2 }),
  closeGraceMs: 1000,
});

/** Any of the settings; a backoff given in part keeps the default for the rest. */
export type BeatsClientOverrides = Partial<Omit<BeatsClientSettings, 'backoff'>> & { backoff?: Partial<BackoffPolicy> };

export interface BeatsClientOptions extends BeatsClientOverrides {
  host: string;
  port: number;
  tls?: BeatsClientTlsOptions;
  logger: Logger;
}

export interface BeatsClientCounters {
  /** Events written for the first time. */
  sent: number;
  /** Events the server acknowledged. */
  acked: number;
  /** Events written again after a connection was lost. */
  resent: number;
  /** Connections opened after the first one. */
  reconnects: number;
  /** Connections dropped because no ACK arrived within timeoutMs. */
  timeouts: number;
  /** ACKs that acknowledged nothing new (keep-alives). */
  keepAlives: number;
}

export interface BeatsClient {
  /** Resolves once every one of these events is acknowledged; at-least-once across reconnects. */
  publish(events: readonly object[]): Promise<void>;
  /** `publish` for events already serialized: each text is one event's JSON, sent as given. */
  publishJson(events: readonly string[]): Promise<void>;
  counters(): BeatsClientCounters;
  /** Closes the connection; publishes not yet acknowledged reject with LJ_ERR_CLIENT_CLOSED. */
  close(): Promise<void>;
}

interface Ticket {
  windowsLeft: number;
  resolve(): void;
  reject(error: Error): void;
}

interface OutgoingWindow {
  /** Each event's JSON text, kept for re-sends. */
  payloads: readonly string[];
  /** Events the server has acknowledged. */
  acked: number;
  /** First event of the current transmission: a re-send carries only what was not acknowledged. */
  sentFrom: number;
  /** Events written at least once. */
  everSent: number;
  ticket: Ticket;
}

interface Drop {
  code: LumberjackErrorCode;
  message: string;
  context: LumberjackErrorContext;
}

/**
 * A Lumberjack v2 client that behaves like libbeat's (go-lumber client/v2): windows of N events,
 * optional zlib, up to `pipelining` windows outstanding, a read deadline reset by every ACK,
 * reconnect with backoff and re-send of everything not acknowledged (partial ACKs honoured).
 */
export function createBeatsClient(options: BeatsClientOptions): BeatsClient {
  return new LumberjackClient(options);
}

class LumberjackClient implements BeatsClient {
  private readonly settings: BeatsClientSettings;
  private readonly stats: BeatsClientCounters = { sent: 0, acked: 0, resent: 0, reconnects: 0, timeouts: 0, keepAlives: 0 };
  private readonly windows: OutgoingWindow[] = [];
  /** Windows at the head of `windows` written on the current connection. */
  private inFlight = 0;
  private socket: Socket | undefined;
  private connected = false;
  private ackReader = new AckReader();
  private drop: Drop | undefined;
  private lastError: NodeJS.ErrnoException | undefined;
  private connectionsOpened = 0;
  private failures = 0;
  private deadline: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private closedSignal: (() => void) | undefined;

  constructor(private readonly options: BeatsClientOptions) {
    this.settings = {
      windowSize: options.windowSize ?? DEFAULT_BEATS_CLIENT_SETTINGS.windowSize,
      compressionLevel: options.compressionLevel ?? DEFAULT_BEATS_CLIENT_SETTINGS.compressionLevel,
      pipelining: options.pipelining ?? DEFAULT_BEATS_CLIENT_SETTINGS.pipelining,
      timeoutMs: options.timeoutMs ?? DEFAULT_BEATS_CLIENT_SETTINGS.timeoutMs,
      backoff: { ...DEFAULT_BEATS_CLIENT_SETTINGS.backoff, ...options.backoff },
      closeGraceMs: options.closeGraceMs ?? DEFAULT_BEATS_CLIENT_SETTINGS.closeGraceMs,
    };
    for (const name of ['windowSize', 'pipelining', 'timeoutMs'] as const) {
      if (!Number.isSafeInteger(this.settings[name]) || this.settings[name] < 1) {
        throw new LumberjackError('LJ_ERR_BAD_OPTIONS', `${name} must be an integer >= 1`, { option: name });
      }
    }
  }

  publish(events: readonly object[]): Promise<void> {
    if (this.closed) return Promise.reject(new LumberjackError('LJ_ERR_CLIENT_CLOSED', 'client is closed'));
    if (events.length === 0) return Promise.resolve();
    let payloads: string[];
    try {
      payloads = events.map((event, index) => serializeEventText(event, index));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(payloads);
  }

  publishJson(events: readonly string[]): Promise<void> {
    if (this.closed) return Promise.reject(new LumberjackError('LJ_ERR_CLIENT_CLOSED', 'client is closed'));
    if (events.length === 0) return Promise.resolve();
    return this.enqueue(events);
  }

  private enqueue(payloads: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const size = this.settings.windowSize;
      const ticket: Ticket = { windowsLeft: Math.ceil(payloads.length / size), resolve, reject };
      for (let start = 0; start < payloads.length; start += size) {
        this.windows.push({ payloads: payloads.slice(start, start + size), acked: 0, sentFrom: 0, everSent: 0, ticket });
      }
      if (this.socket === undefined && this.reconnectTimer === undefined) this.connect();
      else this.fill();
    });
  }

  counters(): BeatsClientCounters {
    return { ...this.stats };
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    clearTimeout(this.deadline);
    const error = new LumberjackError('LJ_ERR_CLIENT_CLOSED', 'client closed before acknowledgement');
    for (const ticket of new Set(this.windows.map((w) => w.ticket))) ticket.reject(error);
    this.windows.length = 0;
    const socket = this.socket;
    if (socket === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      this.closedSignal = resolve;
      const grace = setTimeout(() => socket.destroy(), this.settings.closeGraceMs);
      socket.once('close', () => clearTimeout(grace));
      socket.end();
    });
  }

  private connect(): void {
    if (this.closed) return;
    const { host, port, tls } = this.options;
    const socket = tls ? connectTls({ host, port, ...tls }) : connectTcp({ host, port });
    this.socket = socket;
    this.connected = false;
    this.ackReader = new AckReader();
    this.drop = undefined;
    this.lastError = undefined;
    socket.setNoDelay(true);
    this.armDeadline(socket, 'connect');
    socket.once(tls ? 'secureConnect' : 'connect', () => this.onConnected(socket));
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.lastError = error;
    });
    socket.on('close', () => this.onDisconnected(socket));
  }

  private onConnected(socket: Socket): void {
    if (socket !== this.socket) return;
    this.connected = true;
    this.connectionsOpened += 1;
    if (this.connectionsOpened > 1) this.stats.reconnects += 1;
    clearTimeout(this.deadline);
    this.fill();
  }

  /** Writes windows until `pipelining` are outstanding. */
  private fill(): void {
    if (!this.connected || this.socket === undefined) return;
    while (this.inFlight < this.settings.pipelining && this.inFlight < this.windows.length) {
      const window = this.windows[this.inFlight]!;
      this.transmit(this.socket, window);
      this.inFlight += 1;
      if (this.inFlight === 1) this.armDeadline(this.socket, 'ack');
    }
  }

  private transmit(socket: Socket, window: OutgoingWindow): void {
    const total = window.payloads.length;
    this.stats.resent += Math.max(0, window.everSent - window.acked);
    this.stats.sent += total - window.everSent;
    window.everSent = total;
    window.sentFrom = window.acked;
    const payloads = window.acked === 0 ? window.payloads : window.payloads.slice(window.acked);
    socket.write(encodeJsonTextWindow(payloads, { compressionLevel: this.settings.compressionLevel }));
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket || this.drop !== undefined) return;
    try {
      for (const ack of this.ackReader.push(chunk)) this.onAck(socket, ack.seq);
    } catch (error) {
      const drop: Drop =
        error instanceof LumberjackError
          ? { code: error.code, message: error.message, context: error.context }
          : { code: 'LJ_ERR_INTERNAL', message: `ACK handling failed: ${String(error)}`, context: {} };
      this.dropConnection(socket, drop);
    }
  }

  private onAck(socket: Socket, seq: number): void {
    if (this.drop !== undefined) return;
    const head = this.inFlight > 0 ? this.windows[0] : undefined;
    if (head === undefined) {
      // A keep-alive may arrive after the last window was acknowledged.
      if (seq === 0) this.stats.keepAlives += 1;
      else this.dropConnection(socket, { code: 'LJ_ERR_ACK_OUT_OF_RANGE', message: 'ACK with no window outstanding', context: { seq } });
      return;
    }
    this.armDeadline(socket, 'ack');
    const transmitted = head.payloads.length - head.sentFrom;
    if (seq > transmitted) {
      this.dropConnection(socket, {
        code: 'LJ_ERR_ACK_OUT_OF_RANGE',
        message: 'ACK beyond the window',
        context: { seq, windowSize: transmitted },
      });
      return;
    }
    const acked = head.sentFrom + seq;
    if (acked <= head.acked) {
      this.stats.keepAlives += 1;
      return;
    }
    this.stats.acked += acked - head.acked;
    head.acked = acked;
    this.failures = 0;
    if (acked < head.payloads.length) return;
    this.windows.shift();
    this.inFlight -= 1;
    head.ticket.windowsLeft -= 1;
    if (head.ticket.windowsLeft === 0) head.ticket.resolve();
    if (this.inFlight === 0) clearTimeout(this.deadline);
    this.fill();
  }

  /** The read deadline: reset by every ACK, running while connecting or while windows are outstanding. */
  private armDeadline(socket: Socket, waitingFor: 'connect' | 'ack'): void {
    clearTimeout(this.deadline);
    this.deadline = setTimeout(() => {
      if (socket !== this.socket) return;
      this.stats.timeouts += 1;
      this.dropConnection(socket, {
        code: 'LJ_ERR_TIMEOUT',
        message: `no ${waitingFor === 'ack' ? 'ACK' : 'connection'} within timeoutMs`,
        context: { limit: 'timeoutMs', timeoutMs: this.settings.timeoutMs, windowsOutstanding: this.inFlight },
      });
    }, this.settings.timeoutMs);
  }

  private dropConnection(socket: Socket, drop: Drop): void {
    this.drop = drop;
    this.connected = false; // nothing more is written to it; 'close' re-queues what was in flight
    socket.destroy();
  }

  private onDisconnected(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.connected = false;
    clearTimeout(this.deadline);
    const outstanding = this.inFlight;
    this.inFlight = 0;
    if (this.closed) {
      this.closedSignal?.();
      return;
    }
    this.logDisconnect(outstanding);
    if (this.windows.length === 0) return; // reconnect when there is something to send
    const delayMs = this.backoffDelay();
    this.failures += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delayMs);
  }

  private logDisconnect(windowsOutstanding: number): void {
    const { host, port } = this.options;
    if (this.drop !== undefined) {
      this.options.logger.warn(
        { host, port, code: this.drop.code, ...this.drop.context },
        `beats client dropped the connection: ${this.drop.message}`,
      );
    } else if (this.lastError !== undefined) {
      this.options.logger.warn(
        { host, port, code: 'LJ_ERR_CONNECTION_LOST', errno: this.lastError.code, windowsOutstanding },
        'beats client connection failed',
      );
    } else {
      const level = windowsOutstanding > 0 ? 'info' : 'debug';
      this.options.logger[level]({ host, port, code: 'LJ_ERR_CONNECTION_LOST', windowsOutstanding }, 'beats server closed the connection');
    }
  }

  private backoffDelay(): number {
    const { backoff } = this.settings;
    // Capped after the jitter too, as the setting promises.
    return Math.min(backoff.maxMs, backoffDelayMs(this.failures, backoff, Math.random));
  }
}
