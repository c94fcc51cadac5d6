import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Logger } from '../../config/logging.js';
import { type BackoffPolicy, backoffDelayMs } from '../../supervision/backoff.js';
import { PushError } from '../../protocols/push/errors.js';
import { type PushMessageLimits, type PushReading, validatePushMessage } from '../../protocols/push/message.js';
import { decodeAdapterFrame } from '../../protocols/push/replies.js';
import { PUSH_MESSAGE_LIMITS } from '../../config/defaults.js';

/**
 * The printer side of the push protocol, for the simulators and tests. At-least-once: every
 * message stays queued until the adapter acks its seq; after a reconnect all unacked messages
 * are sent again, in seq order, with their original seq and time.
 */
export const PUSH_CLIENT_DEFAULTS = Object.freeze({
  /** Reconnect delay; back to minMs after a connection opened. */
  backoff: Object.freeze({ minMs: 250, maxMs: 30_000, jitter: 0.2 }),
  /** Unacknowledged messages kept; send() refuses beyond it (PUSH_CLIENT_BACKLOG_FULL). */
  maxUnacked: 1000,
  handshakeTimeoutMs: 10_000,
  /** close() waits this long for the close handshake, then drops the socket. */
  closeTimeoutMs: 2_000,
  /** The adapter only sends small acks and errors. */
  maxFrameBytes: 16 * 1024,
});

export interface PushClientTls {
  ca?: string | Buffer | (string | Buffer)[];
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface PushClientOptions {
  /** ws:// or wss:// URL of the adapter's push endpoint, e.g. wss://127.0.0.1:8443/push/v1 */
  url: string;
  token?: string;
  tls?: PushClientTls;
  logger: Logger;
  /** Reconnect delay; a backoff given in part keeps the default for the rest. */
  backoff?: Partial<BackoffPolicy>;
  maxUnacked?: number;
  handshakeTimeoutMs?: number;
  /**
   * First seq. Defaults to the wall clock in ms so that a restarted simulator does not reuse the
   * seqs of its previous life (the adapter's duplicate suppression keys on them).
   */
  firstSeq?: number;
  messageLimits?: Partial<PushMessageLimits>;
}

export interface PushClientCounters {
  /** Messages sent for the first time. */
  sent: number;
  acked: number;
  /** Transmissions of a message after its first (after reconnects). */
  resent: number;
  /** Connections opened after the first one. */
  reconnects: number;
  /** Messages waiting for an ack right now. */
  unacked: number;
}

export interface PushClient {
  /** Queues one message; resolves when the adapter acknowledges it. */
  send(readings: PushReading[], time: number): Promise<void>;
  counters(): PushClientCounters;
  isConnected(): boolean;
  /** Stops reconnecting, closes the socket and rejects every unacked send (PUSH_CLIENT_CLOSED). */
  close(): Promise<void>;
}

/** Messages are JSON text: sent from a Buffer (ws frames it without another copy) as a text frame. */
const TEXT_FRAME = Object.freeze({ binary: false });

interface Outgoing {
  seq: number;
  frame: Buffer;
  transmissions: number;
  resolve(): void;
  reject(error: Error): void;
}

export function createPushClient(options: PushClientOptions): PushClient {
  const backoff: BackoffPolicy = { ...PUSH_CLIENT_DEFAULTS.backoff, ...options.backoff };
  const maxUnacked = options.maxUnacked ?? PUSH_CLIENT_DEFAULTS.maxUnacked;
  const messageLimits = { ...PUSH_MESSAGE_LIMITS, ...options.messageLimits };
  const log = options.logger.child({ component: 'push-client', url: options.url });
  // Map iteration order is insertion order, which is seq order.
  const unacked = new Map<number, Outgoing>();
  const counts = { sent: 0, acked: 0, resent: 0, reconnects: 0 };
  let nextSeq = options.firstSeq ?? Date.now();
  let socket: WebSocket | undefined;
  /** The TCP/TLS socket under `socket`, corked while one event-loop turn's messages are written. */
  let transport: Duplex | undefined;
  let corked = false;
  let connected = false;
  let everConnected = false;
  let attempt = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let closing = false;

  /**
   * The messages of one turn leave in one write (each still its own frame, same bytes): a simulated
   * printer sends bursts, and a write per message was the fleet's largest cost in the benchmark.
   */
  function corkUntilNextTick(): void {
    const corking = transport;
    if (corked || !corking) return;
    corked = true;
    corking.cork();
    process.nextTick(() => {
      corked = false;
      corking.uncork();
    });
  }

  function transmit(entry: Outgoing): void {
    if (!socket || !connected) return;
    corkUntilNextTick();
    socket.send(entry.frame, TEXT_FRAME);
    if (entry.transmissions === 0) counts.sent++;
    else counts.resent++;
    entry.transmissions++;
  }

  function onFrame(text: string): void {
    const frame = decodeAdapterFrame(text);
    if (frame.kind === 'ack') {
      const entry = unacked.get(frame.seq);
      if (!entry) return; // an ack for a message acked before (re-sent in between): nothing to do
      unacked.delete(frame.seq);
      counts.acked++;
      entry.resolve();
    } else if (frame.kind === 'error') {
      log.warn({ code: frame.code, reason: frame.message }, 'adapter refused a push message');
    } else {
      log.warn({ reason: frame.reason }, 'adapter sent an unreadable frame');
    }
  }

  function scheduleReconnect(): void {
    if (closing || reconnectTimer) return;
    const delayMs = backoffDelayMs(attempt, backoff, Math.random);
    attempt++;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect();
    }, delayMs);
  }

  function connect(): void {
    if (closing) return;
    const ws = new WebSocket(options.url, {
      headers: options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` },
      ...options.tls,
      maxPayload: PUSH_CLIENT_DEFAULTS.maxFrameBytes,
      perMessageDeflate: false,
      handshakeTimeout: options.handshakeTimeoutMs ?? PUSH_CLIENT_DEFAULTS.handshakeTimeoutMs,
    });
    socket = ws;
    transport = undefined;
    ws.on('upgrade', (response) => {
      if (socket === ws) transport = response.socket;
    });
    ws.on('open', () => {
      connected = true;
      attempt = 0;
      if (everConnected) counts.reconnects++;
      everConnected = true;
      log.info({ unacked: unacked.size }, 'push client connected');
      for (const entry of unacked.values()) transmit(entry);
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) onFrame(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    });
    ws.on('error', (error) => {
      log.warn({ err: error.message }, 'push client connection failed');
    });
    ws.on('close', (code, reason) => {
      if (socket === ws) {
        socket = undefined;
        transport = undefined;
      }
      if (connected) log.info({ code, reason: reason.toString('utf8') }, 'push client disconnected');
      connected = false;
      scheduleReconnect();
    });
  }

  connect();

  return {
    send(readings, time) {
      if (closing) return Promise.reject(new PushError('PUSH_CLIENT_CLOSED', 'the push client is closed'));
      if (unacked.size >= maxUnacked) {
        return Promise.reject(
          new PushError('PUSH_CLIENT_BACKLOG_FULL', `${maxUnacked} messages are waiting for an ack`, {
            limit: 'maxUnacked',
            limitValue: maxUnacked,
          }),
        );
      }
      const seq = nextSeq;
      const checked = validatePushMessage({ seq, time, readings }, messageLimits);
      if (!checked.ok) {
        return Promise.reject(new PushError('PUSH_CLIENT_INVALID', checked.problem.message, { seq, path: checked.problem.path }));
      }
      nextSeq++;
      return new Promise<void>((resolve, reject) => {
        const entry: Outgoing = { seq, frame: Buffer.from(JSON.stringify(checked.message), 'utf8'), transmissions: 0, resolve, reject };
        unacked.set(seq, entry);
        transmit(entry);
      });
    },

    counters: () => ({ ...counts, unacked: unacked.size }),

    isConnected: () => connected,

    close: async () => {
      closing = true;
      clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      for (const entry of unacked.values()) {
        entry.reject(new PushError('PUSH_CLIENT_CLOSED', 'closed before the adapter acknowledged', { seq: entry.seq }));
      }
      unacked.clear();
      const ws = socket;
      if (!ws || ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        // A server that has paused reading never sees our close frame; do not wait for ws's 30 s.
        const giveUp = setTimeout(() => ws.terminate(), PUSH_CLIENT_DEFAULTS.closeTimeoutMs);
        ws.once('close', () => {
          clearTimeout(giveUp);
          resolve();
        });
        if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'client closing');
        else ws.terminate();
      });
    },
  };
}
