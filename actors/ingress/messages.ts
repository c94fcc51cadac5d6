import type { BeatsServerStats } from '../../protocols/lumberjack/server.js';
import type { PushServerStats } from '../../protocols/push/server.js';

/**
 * What the ingress actor handles. Windows and push messages are not among them: the listeners hand
 * them to the collectors directly.
 */
export type IngressMessage =
  /** A collector asks to stop (or start again) reading a push connection: the uplink is busy. */
  | { type: 'PausePush'; connectionId: string; paused: boolean }
  /** A collector stopped with this connection's messages unacknowledged: close it so the printer re-sends. */
  | { type: 'DropPushConnection'; connectionId: string }
  /**
   * A collector (re)started. A window or push message that reached its previous incarnation's mailbox
   * died there unanswered: close that printer's connections still waiting for an ACK so it re-sends.
   */
  | { type: 'CollectorStarted'; printer: string }
  | { type: 'Describe' }
  /** The configured printers changed (reload): rebuild who may connect; open connections stay. */
  | { type: 'PrintersChanged' };

export interface IngressView {
  /** admission: slots held, connections refused at accept by reason, silent ones closed. */
  beats?: { host: string; port: number; connections: number; admission: BeatsServerStats };
  push?: { host: string; port: number; connections: number; admission: PushServerStats };
  printersConnected: number;
  refusedUnknown: number;
  refusedNoCollector: number;
  unknownPeers: string[];
}
