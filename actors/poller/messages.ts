import type { PollReplies } from '../../protocols/printer/poll-readings.js';
import type { UplinkNotice } from '../uplink/messages.js';

/** What a printer's poller handles. */
export type PollerMessage =
  | { type: 'PollDue' }
  | { type: 'PollCompleted'; replies: PollReplies; at: number }
  | { type: 'PollFailed'; code: string; message: string; at: number }
  | { type: 'Describe' }
  | UplinkNotice;

export interface PollerView {
  polls: number;
  failures: number;
  lastPollAt?: number;
  lastError?: { code: string; message: string; at: number };
  skippedBusy: number;
  connection: unknown;
}
