import type { BeatsBatch } from '../../protocols/lumberjack/batch.js';
import type { PushDelivery } from '../../protocols/push/connection.js';
import type { SenderNotice } from '../uplink/sender.js';

/** What a printer's collector handles. */
export type CollectorMessage =
  /** Ingress routed a complete Beats window from this printer. */
  | { type: 'WindowReceived'; batch: BeatsBatch }
  /** Ingress routed a push message from this printer. */
  | { type: 'PushReceived'; delivery: PushDelivery }
  /** An ask: counters and pending work for the CLI. */
  | { type: 'Describe' }
  /** The uplink's notices, and RetryOffer when the uplink was not running: actors/uplink/sender.ts handles them. */
  | SenderNotice;

export interface CollectorView {
  pendingBatches: number;
  waitingForSpace: boolean;
  windows: number;
  pushMessages: number;
  readingsForwarded: number;
  dropped: Record<string, number>;
  lastSeen: Partial<Record<'filebeat' | 'metricbeat' | 'push', number>>;
}
