import type { Logger } from '../../config/logging.js';
import { createPushClient, PUSH_CLIENT_DEFAULTS, type PushClient, type PushClientTls } from '../clients/push-client.js';
import { PushError } from '../../protocols/push/errors.js';
import type { PushReading } from '../../protocols/push/message.js';
import type { ExpectedItem, PrinterLedger } from './ledger.js';

/**
 * The pushing side of a simulated printer: produced messages wait in a bounded backlog, go to the
 * push client while it holds fewer than maxUnacked unacknowledged ones, and enter the ledger when
 * the adapter acknowledges them (acks are per message and may come in any order).
 */
export const PUSH_SHIPPER_DEFAULTS = Object.freeze({
  /** Produced but not yet handed to the client; beyond it the printer produces nothing (counted as skipped). */
  maxBacklogMessages: 5_000,
  maxUnacked: PUSH_CLIENT_DEFAULTS.maxUnacked,
});

export interface SimPushTarget {
  /** ws:// or wss:// URL of the adapter's push endpoint, e.g. ws://127.0.0.1:8765/push/v1 */
  url: string;
  /** CA to trust (wss), and a client certificate when the listener asks for one. */
  tls?: PushClientTls;
}

export interface PushShippable {
  readings: PushReading[];
  /** Device time of the message. */
  time: number;
  items: readonly ExpectedItem[];
}

export interface PushShipperCounters {
  backlog: number;
  /** Handed to the client and not yet acknowledged. */
  inFlight: number;
  skipped: number;
  /** Messages the client refused as invalid: a simulator bug; counted as sent, never acknowledged. */
  refused: number;
  resent: number;
  reconnects: number;
  connected: boolean;
}

export interface PushShipperOptions {
  ledger: PrinterLedger;
  logger: Logger;
  token?: string;
  backoff?: { minMs: number; maxMs: number };
  maxUnacked?: number;
  maxBacklogMessages?: number;
  onProgress?: () => void;
}

export interface PushShipper {
  accept(count: number, make: () => PushShippable): void;
  start(target: SimPushTarget): void;
  stop(): Promise<void>;
  isDrained(): boolean;
  counters(): PushShipperCounters;
}

export function createPushShipper(options: PushShipperOptions): PushShipper {
  const maxUnacked = options.maxUnacked ?? PUSH_SHIPPER_DEFAULTS.maxUnacked;
  const maxBacklog = options.maxBacklogMessages ?? PUSH_SHIPPER_DEFAULTS.maxBacklogMessages;
  const backlog: PushShippable[] = [];
  let client: PushClient | undefined;
  let inFlight = 0;
  let skipped = 0;
  let refused = 0;
  let stopped = false;

  function send(pushClient: PushClient, message: PushShippable): void {
    inFlight += 1;
    options.ledger.recordSent('push');
    pushClient.send(message.readings, message.time).then(
      () => {
        inFlight -= 1;
        options.ledger.recordAcked('push', message.time, message.items);
        pump();
        options.onProgress?.();
      },
      (error: unknown) => {
        inFlight -= 1;
        if (error instanceof PushError && error.code === 'PUSH_CLIENT_CLOSED') return;
        refused += 1;
        options.logger.error(
          { code: error instanceof PushError ? error.code : undefined, err: error instanceof Error ? error.message : String(error) },
          'simulated printer could not push a message',
        );
        options.onProgress?.();
      },
    );
  }

  function pump(): void {
    if (!client || stopped) return;
    while (backlog.length > 0 && inFlight < maxUnacked) send(client, backlog.shift()!);
  }

  return {
    accept: (count, make) => {
      const produced = Math.max(0, Math.min(count, maxBacklog - backlog.length));
      for (let i = 0; i < produced; i += 1) backlog.push(make());
      skipped += count - produced;
      pump();
    },
    start: (target) => {
      if (client || stopped) return;
      client = createPushClient({
        url: target.url,
        ...(options.token === undefined ? {} : { token: options.token }),
        ...(target.tls === undefined ? {} : { tls: target.tls }),
        ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
        maxUnacked,
        logger: options.logger,
      });
      pump();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await client?.close();
    },
    isDrained: () => backlog.length === 0 && inFlight === 0,
    counters: () => {
      const pushed = client?.counters();
      return {
        backlog: backlog.length,
        inFlight,
        skipped,
        refused,
        resent: pushed?.resent ?? 0,
        reconnects: pushed?.reconnects ?? 0,
        connected: client?.isConnected() ?? false,
      };
    },
  };
}
