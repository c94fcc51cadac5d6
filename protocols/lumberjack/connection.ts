import type { Socket } from 'node:net';
import type { Logger } from '../../config/logging.js';
import type { BudgetAccount, IngestBudget } from '../ingest-budget/byte-budget.js';
import { AckSequencer } from './ack-order.js';
import type { BeatsBatch, BeatsIdentify, BeatsWindowHandle, ConnectionInfo, PeerIdentity } from './batch.js';
import { type DecodeStep, LumberjackDecoder, type LumberjackWindow } from './decoder.js';
import { LumberjackError, type LumberjackErrorCode } from './errors.js';
import { encodeAck } from './ack-writer.js';
import { type Inflater, inflateInline, inflateOffLoop } from './inflate.js';
import type { JsonFieldSelection } from './field-selection.js';
import type { LumberjackLimits } from './limits.js';
import type { ProtocolVersion } from './wire.js';
import { BEATS_CONNECTION_DEFAULTS } from '../../config/defaults.js';

export interface ConnectionHooks {
  onWindow(batch: BeatsBatch): void;
  onClosed(connection: BeatsConnection): void;
}

/** What a connection shares with the others, and how it inflates. */
export interface ConnectionSharing {
  /** The byte budget of all printer connections; without one, only maxBytesInFlight bounds this one. */
  budget?: IngestBudget;
  /** Tells the printer early; without it every connection counts as identified. */
  identify?: BeatsIdentify;
  /**
   * Default: small payloads inline, larger ones on the thread pool once the budget allows (see
   * BudgetAccount.startLargeInflate). The benchmark passes inflateCapped, the blocking baseline.
   */
  inflate?: Inflater;
  /** Decoding yields the event loop after this long (ms); default BEATS_CONNECTION_DEFAULTS. */
  decodeSliceMs?: number;
}

type CloseLevel = 'debug' | 'info' | 'warn' | 'error';

/** How loudly each reason for closing is logged. */
const CLOSE_LEVEL: Partial<Record<LumberjackErrorCode, CloseLevel>> = {
  LJ_ERR_REJECTED: 'info',
  // The ingress logs an unknown printer once per peer; a Beat retrying must not flood the log.
  LJ_ERR_UNKNOWN_PRINTER: 'info',
  LJ_ERR_IDLE: 'info',
  LJ_ERR_SERVER_CLOSING: 'debug',
  LJ_ERR_HANDLER_FAILED: 'error',
  LJ_ERR_INTERNAL: 'error',
};

function asInflateError(error: unknown): LumberjackError {
  if (error instanceof LumberjackError) return error;
  return new LumberjackError('LJ_ERR_INFLATE_FAILED', 'compressed frame could not be inflated', { reason: String(error) });
}

/**
 * One delivered window's way back to its connection: the window's place in the ACK order and its
 * size, not its events, so an application that keeps it until delivery does not keep the parsed
 * documents alive.
 */
class ConnectionWindowHandle implements BeatsWindowHandle {
  constructor(
    private readonly connection: BeatsConnection,
    private readonly serial: number,
    private readonly windowSize: number,
  ) {}

  ack(count: number = this.windowSize): void {
    this.connection.acknowledgeWindow(this.serial, count);
  }

  reject(reason: string): void {
    this.connection.rejectWindow(reason);
  }

  pause(): void {
    this.connection.setBusy(true);
  }

  resume(): void {
    this.connection.setBusy(false);
  }
}

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
  /** A C payload is being inflated (off the event loop); the decoder waits for it. */
  private inflating = false;
  /** Decoding yielded the event loop and goes on in a later turn. */
  private sliceScheduled = false;
  private readonly inflate: Inflater | undefined;
  /** A large C payload waiting for the budget to allow its inflate. */
  private deferredInflate: { payload: Buffer; maxBytes: number } | undefined;
  private readonly decodeSliceMs: number;
  private readonly identify: BeatsIdentify | undefined;
  /** The printer is known (or nothing could tell): the first event is not asked about. */
  private identified: boolean;
  private readonly budget: BudgetAccount | undefined;
  /**
   * When this connection first had to wait for budget since it last completed a window. Reading
   * again for a while does not reset it: a connection that keeps waiting without ever completing a
   * window is closed maxStalledWaitMs after its first wait (see IngestBudgetLimits.maxStalledWaitMs).
   */
  private budgetWaitSince: number | undefined;
  private budgetStallTimer: NodeJS.Timeout | undefined;
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
    sharing: ConnectionSharing = {},
  ) {
    this.decoder = new LumberjackDecoder(limits, eventFields);
    this.inflate = sharing.inflate;
    this.decodeSliceMs = sharing.decodeSliceMs ?? BEATS_CONNECTION_DEFAULTS.decodeSliceMs;
    this.identify = sharing.identify;
    // TLS subject or address at the handshake; otherwise the first event tells.
    this.identified = this.identify === undefined || this.identifySafely() !== undefined;
    this.budget = sharing.budget?.open({ identified: this.identified, onFreed: () => this.onBudgetFreed() });
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
    this.releaseBudget();
    this.socket.end();
    this.socket.resume();
    this.graceTimer = setTimeout(() => this.socket.destroy(), this.limits.closeGraceMs);
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.decoder.push(chunk);
    this.pump();
  }

  /**
   * Decodes frame by frame while the application takes more, for at most decodeSliceMs at a time;
   * re-entered calls (ack inside onWindow) just return.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const sliceEnd = performance.now() + this.decodeSliceMs;
    let steps = 0;
    try {
      while (!this.closing && !this.inflating && this.mayDecode()) {
        if (++steps % BEATS_CONNECTION_DEFAULTS.stepsPerClockRead === 0 && performance.now() >= sliceEnd) {
          this.yieldSlice();
          break;
        }
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
        if (step.kind === 'inflate') {
          if (this.startInflate(step.payload, step.maxBytes)) continue;
          break;
        }
        if (!this.identified) {
          const first = step.kind === 'window' ? step.window.events[0] : this.decoder.firstEvent;
          if (first !== undefined && !this.identifyFirstEvent(first)) return;
        }
        if (step.kind === 'window') this.deliver(step.window);
      }
    } finally {
      this.pumping = false;
    }
    this.updateFlow();
  }

  /** Decoding goes on in a later turn of the event loop, after other connections' I/O. */
  private yieldSlice(): void {
    if (this.sliceScheduled) return;
    this.sliceScheduled = true;
    setImmediate(() => {
      this.sliceScheduled = false;
      this.pump();
    });
  }

  /**
   * Inflates a `C` payload: true when the result is already fed to the decoder (a small payload, or
   * a failure: the next step throws it). Otherwise it is inflated off the event loop, once the
   * budget has room for it, and decoding resumes with the result.
   */
  private startInflate(payload: Buffer, maxBytes: number): boolean {
    let inline: Buffer | Promise<Buffer> | undefined;
    try {
      inline = this.inflate === undefined ? inflateInline(payload, maxBytes) : this.inflate(payload, maxBytes);
    } catch (error) {
      this.decoder.inflated(asInflateError(error));
      return true;
    }
    if (Buffer.isBuffer(inline)) {
      this.decoder.inflated(inline);
      return true;
    }
    this.inflating = true;
    if (inline !== undefined) this.awaitInflate(inline);
    else {
      this.deferredInflate = { payload, maxBytes };
      this.runDeferredInflate();
    }
    return false;
  }

  /** Starts the deferred large inflate if the budget allows it now; otherwise onBudgetFreed retries. */
  private runDeferredInflate(): void {
    const deferred = this.deferredInflate;
    if (deferred === undefined || this.closing) return;
    if (this.budget !== undefined && !this.budget.startLargeInflate(deferred.maxBytes)) return;
    this.deferredInflate = undefined;
    this.awaitInflate(inflateOffLoop(deferred.payload, deferred.maxBytes), () => this.budget?.finishLargeInflate());
  }

  private awaitInflate(pending: Promise<Buffer>, done: () => void = () => {}): void {
    const settle = (result: Buffer | LumberjackError) => {
      this.inflating = false;
      if (this.closing) {
        done();
        return;
      }
      this.decoder.inflated(result);
      // The inflated bytes count before another connection may start its own large inflate.
      this.budget?.setHeld(this.heldBytes());
      done();
      this.pump();
    };
    pending.then(settle, (error: unknown) => settle(asInflateError(error)));
  }

  private onBudgetFreed(): void {
    this.runDeferredInflate();
    this.updateFlow();
  }

  /** The printer from the first event; an unknown one is refused before the rest of its window is built. */
  private identifyFirstEvent(event: unknown): boolean {
    if (this.identifySafely(event) !== undefined) {
      this.identified = true;
      this.budget?.identify();
      return true;
    }
    if (!this.closing) this.close('LJ_ERR_UNKNOWN_PRINTER', 'no configured printer matches the first event', {});
    return false;
  }

  private identifySafely(event?: unknown): string | undefined {
    try {
      return this.identify?.(this.peer, event);
    } catch (error) {
      this.logger.error({ ...this.logFields(), err: error }, 'beats identify callback threw');
      return undefined;
    }
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
    this.budgetWaitSince = undefined; // progress: a window completed
    const serial = this.acks.add(window);
    const windowSize = window.events.length;
    this.lastVersion = window.version;
    this.windowsReceived += 1;
    this.eventsReceived += windowSize;
    const batch: BeatsBatch = {
      connectionId: this.id,
      peer: this.peer,
      events: window.events,
      windowSize,
      protocolVersion: window.version,
      receivedAt: Date.now(),
      handle: new ConnectionWindowHandle(this, serial, windowSize),
    };
    try {
      this.hooks.onWindow(batch);
    } catch (error) {
      this.close('LJ_ERR_HANDLER_FAILED', 'window handler threw', { err: error });
    }
  }

  /** For its windows' handles: a window will not be delivered, so close and let the Beat re-send. */
  rejectWindow(reason: string): void {
    if (!this.closing) this.close('LJ_ERR_REJECTED', `window rejected: ${reason}`, { reason });
  }

  /** For its windows' handles: window `serial` has its first `count` events safe. */
  acknowledgeWindow(serial: number, count: number): void {
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

  /**
   * Reads while decoding may go on and the byte budget allows; runs the keep-alive while anything
   * waits. While an inflate runs or decoding yields, reads only a little ahead.
   */
  private updateFlow(): void {
    if (this.closing) return;
    let reading = this.mayDecode() && this.budgetAllowsReading();
    if (this.closing) return;
    if (reading && (this.inflating || this.sliceScheduled)) {
      reading = this.decoder.bufferedBytes < BEATS_CONNECTION_DEFAULTS.readAheadBytes;
    }
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

  /**
   * Counts what this connection holds, and asks the budget whether it may read more. Over the
   * unidentified allowance it is closed (nothing could change that); holding its fair share of a
   * full budget with no ACK to free anything, it gets maxStalledWaitMs before it is closed.
   */
  private budgetAllowsReading(): boolean {
    const budget = this.budget;
    if (budget === undefined) return true;
    budget.setHeld(this.heldBytes());
    const verdict = budget.verdict();
    if (verdict === 'unidentified-limit') {
      this.close('LJ_ERR_UNIDENTIFIED_LIMIT', 'holds maxUnidentifiedBytes before its printer is known', {
        limit: 'maxUnidentifiedBytes',
        heldBytes: budget.heldBytes,
      });
      return false;
    }
    if (verdict === 'read') {
      clearTimeout(this.budgetStallTimer);
      this.budgetStallTimer = undefined;
      return true;
    }
    this.budgetWaitSince ??= Date.now();
    if (this.budgetStallTimer === undefined) {
      const dueInMs = Math.max(0, this.budgetWaitSince + budget.limits.maxStalledWaitMs - Date.now());
      this.budgetStallTimer = setTimeout(() => this.onBudgetStallDue(budget), dueInMs);
    }
    return false;
  }

  private onBudgetStallDue(budget: BudgetAccount): void {
    this.budgetStallTimer = undefined;
    if (this.closing) return;
    const stalled = this.acks.size === 0 && !this.inflating && !this.sliceScheduled && budget.overFairShare;
    if (stalled && budget.verdict() === 'wait') {
      this.close('LJ_ERR_BUDGET_STALLED', 'waited maxStalledWaitMs for the byte budget with a window that cannot complete', {
        limit: 'maxStalledWaitMs',
        heldBytes: budget.heldBytes,
        waitedMs: Date.now() - (this.budgetWaitSince ?? Date.now()),
      });
      return;
    }
    this.updateFlow(); // re-arms the timer if it still waits
  }

  /** Decoded windows not yet acknowledged, the one being assembled, and bytes not yet decoded. */
  private heldBytes(): number {
    return this.acks.bytes + this.decoder.windowBytes + this.decoder.bufferedBytes;
  }

  private releaseBudget(): void {
    clearTimeout(this.budgetStallTimer);
    this.budgetStallTimer = undefined;
    this.budget?.close();
  }

  private stopKeepAlive(): void {
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    this.waitingSince = undefined;
  }

  private onIdle(): void {
    if (this.acks.size === 0 && this.decoder.atWindowBoundary && !this.inflating) {
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
    this.releaseBudget();
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
