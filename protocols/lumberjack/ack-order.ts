import { LumberjackError } from './errors.js';
import type { ProtocolVersion } from './wire.js';

/** An ACK frame to write: `<version> A <seq>`. */
export interface AckFrame {
  version: ProtocolVersion;
  seq: number;
  /** Events this frame acknowledges beyond the window's previous ACK. */
  acknowledged: number;
}

interface PendingWindow {
  serial: number;
  version: ProtocolVersion;
  sequences: readonly number[];
  bytes: number;
  /** Events the application has acknowledged, possibly ahead of what may be sent. */
  requested: number;
  /** Events acknowledged on the wire. */
  sent: number;
}

/**
 * The windows of one connection that wait for acknowledgement, in the order they arrived. The
 * application may acknowledge them in any order; ACKs leave strictly in window order, so a later
 * window's ACK waits until every earlier window is fully acknowledged. Pure: returns the frames to
 * write and leaves the writing to the connection.
 */
export class AckSequencer {
  private readonly pending: PendingWindow[] = [];
  private nextSerial = 1;
  private pendingBytes = 0;

  /** Registers a delivered window; returns its serial for `acknowledge`. */
  add(window: { version: ProtocolVersion; sequences: readonly number[]; bytes: number }): number {
    const serial = this.nextSerial++;
    this.pending.push({ serial, version: window.version, sequences: window.sequences, bytes: window.bytes, requested: 0, sent: 0 });
    this.pendingBytes += window.bytes;
    return serial;
  }

  /**
   * Records that the first `count` events of window `serial` are done (monotonic: a smaller count
   * than before changes nothing) and returns the ACK frames that may leave now, in order.
   * A window already released is ignored. Throws LJ_ERR_ACK_OUT_OF_RANGE for a bad count.
   */
  acknowledge(serial: number, count: number): AckFrame[] {
    const window = this.find(serial);
    if (window === undefined) return [];
    if (!Number.isSafeInteger(count) || count < 0 || count > window.sequences.length) {
      throw new LumberjackError('LJ_ERR_ACK_OUT_OF_RANGE', `ack count ${count} outside 0..${window.sequences.length}`, {
        count,
        windowSize: window.sequences.length,
      });
    }
    window.requested = Math.max(window.requested, count);
    return this.releasable();
  }

  /** The keep-alive to send while windows wait: the oldest window's acknowledged-so-far seq (0 when none). */
  keepAlive(fallbackVersion: ProtocolVersion): AckFrame {
    const head = this.pending[0];
    if (head === undefined) return { version: fallbackVersion, seq: 0, acknowledged: 0 };
    return { version: head.version, seq: head.sent === 0 ? 0 : head.sequences[head.sent - 1]!, acknowledged: 0 };
  }

  /** Windows delivered and not fully acknowledged. */
  get size(): number {
    return this.pending.length;
  }

  /** Their decoded bytes. */
  get bytes(): number {
    return this.pendingBytes;
  }

  private releasable(): AckFrame[] {
    const frames: AckFrame[] = [];
    for (let head = this.pending[0]; head !== undefined; head = this.pending[0]) {
      if (head.requested > head.sent) {
        const acknowledged = head.requested - head.sent;
        head.sent = head.requested;
        frames.push({ version: head.version, seq: head.sequences[head.sent - 1]!, acknowledged });
      }
      if (head.sent < head.sequences.length) break;
      this.pending.shift();
      this.pendingBytes -= head.bytes;
    }
    return frames;
  }

  private find(serial: number): PendingWindow | undefined {
    const head = this.pending[0];
    if (head === undefined || serial < head.serial) return undefined;
    return this.pending[serial - head.serial];
  }
}
