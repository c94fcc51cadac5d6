import type { BeatsBatch } from '../../protocols/lumberjack/batch.js';
import type { PushDelivery } from '../../protocols/push/connection.js';
import type { UplinkNotice } from '../uplink/messages.js';

/** What a printer's collector handles. */
export type CollectorMessage =
  /** Ingress routed a complete Beats window from this printer. */
  | { type: 'WindowReceived'; batch: BeatsBatch }
  /** Ingress routed a push message from this printer. */
  | { type: 'PushReceived'; delivery: PushDelivery }
  /** The uplink was not running when we offered: try again. */
  | { type: 'RetryOffer' }
  /** An ask: counters and pending work for the CLI. */
  | { type: 'Describe' }
  | UplinkNotice;

export interface CollectorView {
  pendingBatches: number;
  waitingForSpace: boolean;
  windows: number;
  pushMessages: number;
  readingsForwarded: number;
  dropped: Record<string, number>;
  lastSeen: Partial<Record<'filebeat' | 'metricbeat' | 'push', number>>;
}
