import type { Socket } from 'node:net';
import type { Logger } from '../../config/logging.js';
import { AckSequencer } from './ack-order.js';
import type { BeatsBatch, ConnectionInfo, PeerIdentity } from './batch.js';
import { type DecodeStep, LumberjackDecoder, type LumberjackWindow } from './decoder.js';
import { LumberjackError, type LumberjackErrorCode } from './errors.js';
import { encodeAck } from './frame-writer.js';
import type { JsonFieldSelection } from './json-select.js';
import type { LumberjackLimits } from './limits.js';
import type { ProtocolVersion } from './wire.js';

export interface ConnectionHooks {
  onWindow(batch: BeatsBatch): void;
  onClosed(connection: BeatsConnection): void;
}

type CloseLevel = 'debug' | 'info' | 'warn' | 'error';

/** How loudly each reason for closing is logged. */
const CLOSE_LEVEL: Partial<Record<LumberjackErrorCode, CloseLevel>> = {
  LJ_ERR_REJECTED: 'info',
  LJ_ERR_IDLE: 'info',
  LJ_ERR_SERVER_CLOSING: 'debug',
  LJ_ERR_HANDLER_FAILED: 'error',
  LJ_ERR_INTERNAL: 'error',
};

/**
 * The server side of one Beats connection: decodes windows, hands them to the application, sends
 * their ACKs in window order, keeps the Beat patient while windows wait, and closes gracefully
 * (FIN, never a reset with data unread) on a bad stream, a stall or a rejection.
 */
export class BeatsConnection {
  readonly connectedAt = Date.now();
  private readonly decoder: LumberjackDecoder;
  private readonly acks = new AckSequencer();
  private busy = false;
  private reading = true;
  private closing = false;
  private pumping = false;
  private lastVersion: ProtocolVersion = 2;
  /** Start of the current wait without ACK progress; undefined while nothing waits. */
  private waitingSince: number | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private windowsReceived = 0;
  private eventsReceived = 0;
  private eventsAcked = 0;

  constructor(
    readonly id: string,
    readonly peer: PeerIdentity,
    private readonly socket: Socket,
    private readonly limits: LumberjackLimits,
    private readonly logger: Logger,
    private readonly hooks: ConnectionHooks,
    eventFields?: JsonFieldSelection,
  ) {
    this.decoder = new LumberjackDecoder(limits, eventFields);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, limits.tcpKeepAliveMs);
    if (limits.idleTimeoutMs > 0) {
      socket.setTimeout(limits.idleTimeoutMs);
      socket.on('timeout', () => this.onIdle());
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onPeerEnd());
    socket.on('error', (error: NodeJS.ErrnoException) => this.onSocketError(error));
    socket.on('close', () => this.onClose());
  }

  info(): ConnectionInfo {
    return {
      id: this.id,
      peer: this.peer,
      connectedAt: this.connectedAt,
      windowsReceived: this.windowsReceived,
      eventsReceived: this.eventsReceived,
      eventsAcked: this.eventsAcked,
      windowsPending: this.acks.size,
      bytesInFlight: this.acks.bytes + this.decoder.windowBytes,
      busy: this.busy,
      reading: this.reading,
    };
  }

  /** While busy the connection reads nothing more; windows already delivered can still be acknowledged. */
  setBusy(busy: boolean): void {
    if (this.closing || this.busy === busy) return;
    this.busy = busy;
    this.pump();
  }

  /** Graceful close: FIN after the queued writes, the peer's remaining bytes read and dropped. */
  close(code: LumberjackErrorCode, message: string, context: Record<string, unknown> = {}): void {
    if (this.closing) return;
    this.closing = true;
    const level = CLOSE_LEVEL[code] ?? 'warn';
    this.logger[level]({ ...this.logFields(), code, ...context }, `beats connection closed: ${message}`);
    this.stopKeepAlive();
    this.socket.end();
    this.socket.resume();
    this.graceTimer = setTimeout(() => this.socket.destroy(), this.limits.closeGraceMs);
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.decoder.push(chunk);
    this.pump();
  }

  /** Decodes frame by frame while the application takes more; re-entered calls (ack inside onWindow) just return. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closing && this.mayDecode()) {
        let step: DecodeStep;
        try {
          step = this.decoder.step();
        } catch (error) {
          // A decoder bug must still end only this connection, never the process.
          if (error instanceof LumberjackError) this.close(error.code, error.message, error.context);
          else this.close('LJ_ERR_INTERNAL', 'decoder failed unexpectedly', { err: error });
          return;
        }
        if (step.kind === 'need-more') break;
        if (step.kind === 'window') this.deliver(step.window);
      }
    } finally {
      this.pumping = false;
    }
    this.updateFlow();
  }

  /**
   * Not while busy; not while the bytes in flight are at the limit, unless nothing waits for an ACK
   * (the decoder refuses a single window over the limit, so this cannot deadlock).
   */
  private mayDecode(): boolean {
    if (this.busy) return false;
    return this.acks.size === 0 || this.acks.bytes + this.decoder.windowBytes < this.limits.maxBytesInFlight;
  }

  private deliver(window: LumberjackWindow): void {
    const serial = this.acks.add(window);
    const windowSize = window.events.length;
    this.lastVersion = window.version;
    this.windowsReceived += 1;
    this.eventsReceived += windowSize;
    // The closures below capture numbers, not the window: an application that keeps them until its
    // events are delivered does not keep the parsed documents alive with them.
    const batch: BeatsBatch = {
      connectionId: this.id,
      peer: this.peer,
      events: window.events,
      windowSize,
      protocolVersion: window.version,
      receivedAt: Date.now(),
      ack: (count = windowSize) => this.acknowledge(serial, count),
      reject: (reason) => {
        if (!this.closing) this.close('LJ_ERR_REJECTED', `window rejected: ${reason}`, { reason });
      },
      pause: () => this.setBusy(true),
      resume: () => this.setBusy(false),
    };
    try {
      this.hooks.onWindow(batch);
    } catch (error) {
      this.close('LJ_ERR_HANDLER_FAILED', 'window handler threw', { err: error });
    }
  }

  private acknowledge(serial: number, count: number): void {
    if (this.closing) return;
    const frames = this.acks.acknowledge(serial, count);
    if (frames.length === 0) return;
    for (const frame of frames) {
      this.socket.write(encodeAck(frame.seq, frame.version));
      this.eventsAcked += frame.acknowledged;
    }
    if (this.waitingSince !== undefined) this.waitingSince = Date.now();
    this.pump();
  }

  /** Reads while decoding may go on; runs the keep-alive while anything waits. */
  private updateFlow(): void {
    if (this.closing) return;
    const reading = this.mayDecode();
    if (reading !== this.reading) {
      this.reading = reading;
      if (reading) this.socket.resume();
      else this.socket.pause();
    }
    const waiting = this.acks.size > 0 || this.busy;
    if (waiting && this.waitingSince === undefined) {
      this.waitingSince = Date.now();
      this.keepAliveTimer = setInterval(() => this.onKeepAliveDue(), this.limits.keepAliveMs);
    } else if (!waiting && this.waitingSince !== undefined) {
      this.stopKeepAlive();
    }
  }

  /**
   * While windows wait (or the application holds the Beat back), `A <acked so far>` tells the Beat
   * we are alive, so it does not time out and re-send. Past the stall limit without progress we
   * give up on the window: closing makes the Beat re-send it.
   */
  private onKeepAliveDue(): void {
    if (this.closing || this.waitingSince === undefined) return;
    const waitedMs = Date.now() - this.waitingSince;
    if (waitedMs >= this.limits.stallTimeoutMs) {
      this.close('LJ_ERR_STALLED', 'no acknowledgement progress within stallTimeoutMs', {
        limit: 'stallTimeoutMs',
        waitedMs,
        windowsPending: this.acks.size,
      });
      return;
    }
    const frame = this.acks.keepAlive(this.lastVersion);
    this.socket.write(encodeAck(frame.seq, frame.version));
  }

  private stopKeepAlive(): void {
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    this.waitingSince = undefined;
  }

  private onIdle(): void {
    if (this.acks.size === 0 && this.decoder.atWindowBoundary) {
      this.close('LJ_ERR_IDLE', 'idle past idleTimeoutMs', { limit: 'idleTimeoutMs' });
    }
  }

  /** The Beat closed its side: nothing it sent after this can be acknowledged, so stop. */
  private onPeerEnd(): void {
    if (this.closing) return;
    this.closing = true;
    this.stopKeepAlive();
    this.logger.debug({ ...this.logFields(), windowsPending: this.acks.size }, 'beats peer closed its side');
  }

  private onSocketError(error: NodeJS.ErrnoException): void {
    if (this.closing) return;
    this.closing = true;
    this.stopKeepAlive();
    this.logger.info({ ...this.logFields(), code: 'LJ_ERR_CONNECTION_LOST', errno: error.code }, 'beats connection lost');
  }

  private onClose(): void {
    this.closing = true;
    this.stopKeepAlive();
    clearTimeout(this.graceTimer);
    this.logger.debug({ ...this.logFields(), ...this.counters() }, 'beats connection ended');
    this.hooks.onClosed(this);
  }

  private counters() {
    return {
      windowsReceived: this.windowsReceived,
      eventsReceived: this.eventsReceived,
      eventsAcked: this.eventsAcked,
      windowsPending: this.acks.size,
    };
  }

  private logFields() {
    return {
      connectionId: this.id,
      remoteAddress: this.peer.remoteAddress,
      remotePort: this.peer.remotePort,
      tlsSubject: this.peer.tlsSubject,
    };
  }
}
