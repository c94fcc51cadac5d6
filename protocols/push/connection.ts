import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../../config/logging.js';
import type { BudgetAccount, IngestBudget } from '../ingest-budget/byte-budget.js';
import type { PushErrorCode } from './errors.js';
import { type PushMessage, type PushMessageLimits, type PushReading, decodePushFrame } from './message.js';
import { PUSH_CLOSE_CODES, closeReason, encodeAck, encodeAckFrames, encodeError } from './replies.js';
import { TokenBucket } from './token-bucket.js';

/**
 * Who acknowledges a push message, and when: the way back to the printer for one message.
 *
 * The push connection that read the message implements it (`PushConnection`) and hands it over with
 * the readings. In the adapter the ingress routes both to the printer's collector (`PushReceived`),
 * which keeps only this handle, and calls `ack()` once the uplink reports every reading of the
 * message delivered to ThingWorx. Holding the printer back and giving its messages back (closing the
 * connection) belong to the push server, so the collector asks the ingress for those by
 * `connectionId` (`PausePush`, `DropPushConnection`).
 */
export interface PushMessageHandle {
  readonly connectionId: string;
  /**
   * Sends `{"ack":seq}`. Acks are per message, not cumulative, and may come in any order; the
   * printer forgets exactly the acknowledged message. Calling it twice, or after the connection
   * ended, does nothing (the printer re-sends on its next connection and the uplink drops duplicates).
   */
  ack(): void;
}

/** One message handed to the application; `handle.ack()` once every reading of it is delivered. */
export interface PushDelivery {
  printerId: string;
  connectionId: string;
  seq: number;
  time: number;
  readings: PushReading[];
  /** Acknowledges this message; it does not keep the readings alive, so keep it, not the delivery. */
  readonly handle: PushMessageHandle;
}

/** One delivered message's way back to its connection: its seq, not its readings. */
class ConnectionMessageHandle implements PushMessageHandle {
  constructor(
    private readonly connection: PushConnection,
    private readonly seq: number,
  ) {}

  get connectionId(): string {
    return this.connection.connectionId;
  }

  ack(): void {
    this.connection.acknowledgeMessage(this.seq);
  }
}

/** Why reading from a connection is stopped; reading resumes when no reason is left. */
export type PushPauseReason = 'application' | 'rate' | 'acks' | 'budget';

export interface PushConnectionInfo {
  connectionId: string;
  printerId: string;
  remoteAddress: string;
  connectedAt: number;
  received: number;
  delivered: number;
  acked: number;
  /** Delivered to the application and not yet acknowledged. */
  pendingAcks: number;
  /** Received and held back (rate limit, application pause, too many pending acks). */
  held: number;
  pausedBy: PushPauseReason[];
}

export interface PushConnectionLimits {
  maxMessagesPerSecond: number;
  burstMessages: number;
  maxPendingAcks: number;
  maxHeldMessages: number;
  pingIntervalMs: number;
  messageLimits: PushMessageLimits;
}

export interface PushConnectionOptions {
  connectionId: string;
  printerId: string;
  remoteAddress: string;
  socket: WebSocket;
  /**
   * The TCP or TLS socket under `socket`. When given, and no extension (compression) was
   * negotiated, the acks of one event-loop turn are written to it as one buffer of frames (one
   * write, one syscall) instead of one ws send each; every ack is still its own frame.
   * bench/push-acks.ts measures why; test/push/ack-frames.test.ts guards what it rests on.
   */
  transport?: Pick<Duplex, 'write'>;
  limits: PushConnectionLimits;
  logger: Logger;
  /**
   * The byte budget shared with every printer connection: messages held back or waiting for their
   * ack count against it, and over its fair share the connection stops reading.
   */
  budget?: IngestBudget;
  onMessage(delivery: PushDelivery): void;
  onClosed(connection: PushConnection): void;
}

function bytesOf(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

/**
 * One authenticated printer connection: validates messages, paces them to the application
 * (rate, pending acks, explicit pause) and sends acks. Pacing never drops a message: it holds the
 * few already read and pauses the socket, so TCP backpressure reaches the printer.
 */
export class PushConnection {
  readonly connectionId: string;
  readonly printerId: string;
  private readonly socket: WebSocket;
  private readonly limits: PushConnectionLimits;
  private readonly log: Logger;
  private readonly bucket: TokenBucket;
  private readonly held: PushMessage[] = [];
  /** The frame size of each held message, in the same order (what it counts against the budget). */
  private readonly heldSizes: number[] = [];
  /** Delivered and not yet acknowledged: seq to frame size. */
  private readonly pending = new Map<number, number>();
  /** Frame bytes of the held and pending messages. */
  private bytesHeld = 0;
  private readonly budget: BudgetAccount | undefined;
  private readonly connectedAt = Date.now();
  private counts = { received: 0, delivered: 0, acked: 0 };
  private applicationPaused = false;
  private ending = false;
  private draining = false;
  private rateTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private answeredPing = true;
  /** Acks waiting for the end of this loop turn (see queueAck). */
  private readonly acksDue: number[] = [];
  /**
   * Where acks are written as hand-built frames: only with no extension, since a compressed
   * connection makes ws queue its frames behind the compressor, and ours could overtake them.
   */
  private readonly ackTransport: Pick<Duplex, 'write'> | undefined;
  private markClosed: () => void = () => {};
  /** Settles once the socket has closed (handshake done or terminated). */
  readonly closed = new Promise<void>((resolve) => {
    this.markClosed = resolve;
  });

  constructor(private readonly options: PushConnectionOptions) {
    this.connectionId = options.connectionId;
    this.printerId = options.printerId;
    this.socket = options.socket;
    this.limits = options.limits;
    this.log = options.logger.child({ printerId: this.printerId, connectionId: this.connectionId });
    this.ackTransport = this.socket.extensions === '' ? options.transport : undefined;
    this.bucket = new TokenBucket(this.limits.maxMessagesPerSecond, this.limits.burstMessages, performance.now());
    // Authenticated at the upgrade: the printer is known.
    this.budget = options.budget?.open({ identified: true, onFreed: () => this.updateFlow() });
    this.socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    this.socket.on('pong', () => {
      this.answeredPing = true;
    });
    // ws closes by itself after these (1009 too big, 1007 bad UTF-8, 1002 protocol); log the why once.
    this.socket.on('error', (error: Error & { code?: string }) => {
      this.log.warn({ code: error.code, err: error.message }, 'push connection failed');
    });
    this.socket.on('close', (code, reason) => this.onClose(code, reason.toString('utf8')));
    if (this.limits.pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => this.heartbeat(), this.limits.pingIntervalMs);
      this.pingTimer.unref();
    }
  }

  info(): PushConnectionInfo {
    return {
      connectionId: this.connectionId,
      printerId: this.printerId,
      remoteAddress: this.options.remoteAddress,
      connectedAt: this.connectedAt,
      ...this.counts,
      pendingAcks: this.pending.size,
      held: this.held.length,
      pausedBy: this.pauseReasons(),
    };
  }

  pause(): void {
    this.applicationPaused = true;
    this.updateFlow();
  }

  resume(): void {
    this.applicationPaused = false;
    this.drain();
  }

  /** Ends the connection gracefully (close handshake); ws enforces its own close timeout. */
  end(code: number, reason: string): void {
    if (this.ending) return;
    this.flushAcks(); // acks given before the close must reach the printer before the close frame
    this.ending = true;
    this.dropHeld();
    this.budget?.close();
    this.socket.close(code, closeReason(reason));
    // The peer's close frame must be read for the handshake to finish.
    if (this.socket.isPaused) this.socket.resume();
  }

  terminate(): void {
    this.ending = true;
    this.acksDue.length = 0;
    this.budget?.close();
    this.socket.terminate();
  }

  private pauseReasons(): PushPauseReason[] {
    const reasons: PushPauseReason[] = [];
    if (this.applicationPaused) reasons.push('application');
    if (this.rateTimer !== undefined) reasons.push('rate');
    if (this.pending.size >= this.limits.maxPendingAcks) reasons.push('acks');
    if (this.budget !== undefined && this.socket.isPaused && !this.budget.mayRead()) reasons.push('budget');
    return reasons;
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.ending) return;
    this.counts.received++;
    if (isBinary) {
      this.refuse('PUSH_BINARY_REFUSED', 'binary frames are not accepted; send JSON text', PUSH_CLOSE_CODES.unsupportedData);
      return;
    }
    const bytes = bytesOf(data);
    const decoded = decodePushFrame(bytes, this.limits.messageLimits);
    if (!decoded.ok) {
      this.refuse(decoded.problem.code, decoded.problem.message, PUSH_CLOSE_CODES.policy);
      return;
    }
    const { seq } = decoded.message;
    if (this.pending.has(seq) || this.isHeld(seq)) {
      this.refuse('PUSH_DUPLICATE_SEQ', `seq ${seq} is already in flight on this connection`, PUSH_CLOSE_CODES.policy);
      return;
    }
    if (this.held.length >= this.limits.maxHeldMessages) {
      this.refuse('PUSH_OVERFLOW', `more than ${this.limits.maxHeldMessages} messages held back`, PUSH_CLOSE_CODES.policy);
      return;
    }
    this.held.push(decoded.message);
    this.heldSizes.push(bytes.length);
    this.bytesHeld += bytes.length;
    this.drain();
  }

  /** A loop, not held.some(): a closure per frame for a list that is almost always empty. */
  private isHeld(seq: number): boolean {
    for (const message of this.held) if (message.seq === seq) return true;
    return false;
  }

  /** Hands held messages to the application while rate, pending acks and pause allow. */
  private drain(): void {
    if (this.draining || this.ending) return;
    this.draining = true;
    try {
      while (this.held.length > 0 && !this.applicationPaused && this.pending.size < this.limits.maxPendingAcks) {
        if (this.rateTimer !== undefined) break;
        const now = performance.now(); // monotonic: wall-clock steps must not open the gate
        if (!this.bucket.take(now)) {
          this.rateTimer = setTimeout(() => {
            this.rateTimer = undefined;
            this.drain();
          }, this.bucket.msUntilToken(now));
          break;
        }
        const message = this.held.shift();
        const size = this.heldSizes.shift() ?? 0;
        if (message) this.deliver(message, size);
      }
    } finally {
      this.draining = false;
    }
    this.updateFlow();
  }

  private deliver(message: PushMessage, size: number): void {
    // The handle holds only the number: an application holding it until delivery must not keep the
    // message's readings alive (they would survive young-generation GCs for nothing).
    const { seq } = message;
    this.pending.set(seq, size);
    this.counts.delivered++;
    try {
      this.options.onMessage({
        printerId: this.printerId,
        connectionId: this.connectionId,
        seq,
        time: message.time,
        readings: message.readings,
        handle: new ConnectionMessageHandle(this, seq),
      });
    } catch (error) {
      // An application bug: the message stays unacknowledged and the printer re-sends it later.
      this.log.error({ seq, err: (error as Error).message }, 'push message handler threw');
    }
  }

  /** For its messages' handles: message `seq` is delivered, the printer may forget it. */
  acknowledgeMessage(seq: number): void {
    if (this.ending) return;
    const size = this.pending.get(seq);
    if (size === undefined) return;
    this.pending.delete(seq);
    this.bytesHeld -= size;
    this.counts.acked++;
    if (this.ackTransport === undefined) this.socket.send(encodeAck(seq));
    else this.queueAck(seq);
    this.drain();
  }

  /**
   * A burst of acks (Delivered notices releasing many messages) would cost a ws send each: a string,
   * a frame header, write requests and a syscall. Instead the acks of this loop iteration leave
   * together in one buffer, written under ws (its frames are written whole and synchronously, so
   * ours never split one). The flush comes with setImmediate, not nextTick: the actor runtime
   * handles each message in its own immediate, and the Delivered notices already queued in this
   * iteration then release their acks into the same write (one iteration of delay at most).
   */
  private queueAck(seq: number): void {
    if (this.acksDue.length === 0) setImmediate(() => this.flushAcks());
    this.acksDue.push(seq);
  }

  /**
   * Writes the due acks; called before an error or close frame too, so that those follow them.
   * Once ws is closing they are dropped, as ws.send drops them: the printer re-sends those messages.
   */
  private flushAcks(): void {
    const transport = this.ackTransport;
    if (transport === undefined || this.acksDue.length === 0) return;
    if (this.socket.readyState === this.socket.OPEN) transport.write(encodeAckFrames(this.acksDue));
    this.acksDue.length = 0;
  }

  /**
   * Reading stops whenever something is held back, so at most one socket chunk is ever held; and
   * while the shared byte budget says this connection holds its share.
   */
  private updateFlow(): void {
    if (this.ending) return;
    this.budget?.setHeld(this.bytesHeld);
    const overBudget = this.budget !== undefined && !this.budget.mayRead();
    const stop = overBudget || this.held.length > 0 || this.applicationPaused || this.pending.size >= this.limits.maxPendingAcks;
    if (stop && !this.socket.isPaused) this.socket.pause();
    if (!stop && this.socket.isPaused) this.socket.resume();
  }

  private dropHeld(): void {
    this.held.length = 0;
    this.heldSizes.length = 0;
  }

  private refuse(code: PushErrorCode, message: string, closeCode: number): void {
    this.log.warn({ code, closeCode, reason: message }, 'push connection refused a message');
    this.flushAcks();
    this.socket.send(encodeError(code, message));
    this.end(closeCode, `${code}: ${message}`);
  }

  private heartbeat(): void {
    // A paused socket cannot read the pong; a stalled uplink must not look like a dead printer.
    if (this.socket.isPaused) {
      this.answeredPing = true;
      return;
    }
    if (!this.answeredPing) {
      this.log.warn({ pingIntervalMs: this.limits.pingIntervalMs }, 'push connection did not answer a ping; terminating');
      this.terminate();
      return;
    }
    this.answeredPing = false;
    this.socket.ping();
  }

  private onClose(code: number, reason: string): void {
    this.ending = true;
    clearInterval(this.pingTimer);
    clearTimeout(this.rateTimer);
    this.rateTimer = undefined;
    this.dropHeld();
    this.budget?.close();
    this.log.info({ code, reason, pendingAcks: this.pending.size }, 'push connection closed');
    this.options.onClosed(this);
    this.markClosed();
  }
}
