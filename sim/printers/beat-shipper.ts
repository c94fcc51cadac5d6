import type { Logger } from '../../config/logging.js';
import {
  type BeatsClient,
  type BeatsClientOverrides,
  type BeatsClientTlsOptions,
  createBeatsClient,
} from '../clients/lumberjack-client.js';
import { LumberjackError } from '../../protocols/lumberjack/errors.js';
import type { ExpectedItem, PrinterLedger } from './ledger.js';

/**
 * One Beat process on a simulated printer (Filebeat or Metricbeat): produced events wait in a
 * bounded backlog (the log's unread tail), go to the Beats client while fewer than
 * maxInFlightEvents are unacknowledged (libbeat's memory queue), and enter the ledger as
 * acknowledged in order: the client acknowledges windows in order, so its `acked` counter is
 * always a prefix of what was published.
 */
export const BEAT_SHIPPER_DEFAULTS = Object.freeze({
  /** libbeat's queue.mem.events. */
  maxInFlightEvents: 3200,
  /** Produced but not yet read by the Beat; beyond it the printer produces nothing (counted as skipped). */
  maxBacklogEvents: 20_000,
});

export interface SimBeatsTarget {
  host: string;
  port: number;
  /** CA to trust, and a client certificate when the listener asks for one. */
  tls?: BeatsClientTlsOptions;
}

export interface ShippableEvent {
  /** The Beats document as the JSON text of its `J` frame. */
  json: string;
  /** Device time of the event. */
  time: number;
  items: readonly ExpectedItem[];
}

export interface BeatShipperCounters {
  /** Produced and not yet handed to the Beats client. */
  backlog: number;
  /** Handed to the Beats client and not yet acknowledged. */
  inFlight: number;
  /** Not produced because the backlog was full. */
  skipped: number;
  resent: number;
  reconnects: number;
  timeouts: number;
}

export interface BeatShipperOptions {
  source: 'filebeat' | 'metricbeat';
  ledger: PrinterLedger;
  logger: Logger;
  client?: BeatsClientOverrides;
  maxInFlightEvents?: number;
  maxBacklogEvents?: number;
  /** Called whenever acknowledgements moved on (drain waiters look again). */
  onProgress?: () => void;
}

export interface BeatShipper {
  /** Produces up to `count` events with `make` while the backlog has room; the rest are counted as skipped. */
  accept(count: number, make: () => ShippableEvent): void;
  start(target: SimBeatsTarget): void;
  /** Closes the client; what is not acknowledged by then stays unacknowledged. */
  stop(): Promise<void>;
  /** Moves what the client has acknowledged so far into the ledger. */
  syncAcks(): void;
  /** Nothing waiting and nothing unacknowledged. */
  isDrained(): boolean;
  counters(): BeatShipperCounters;
}

export function createBeatShipper(options: BeatShipperOptions): BeatShipper {
  const maxInFlight = options.maxInFlightEvents ?? BEAT_SHIPPER_DEFAULTS.maxInFlightEvents;
  const maxBacklog = options.maxBacklogEvents ?? BEAT_SHIPPER_DEFAULTS.maxBacklogEvents;
  const log = options.logger.child({ beat: options.source });
  const backlog: ShippableEvent[] = [];
  const inFlight: ShippableEvent[] = [];
  let client: BeatsClient | undefined;
  let ackedSeen = 0;
  let skipped = 0;
  let stopped = false;

  /** Moves events the client reports acknowledged from inFlight into the ledger, in order. */
  function syncAcks(): void {
    if (!client) return;
    const acked = client.counters().acked;
    const newly = Math.min(acked - ackedSeen, inFlight.length);
    if (newly <= 0) return;
    for (const event of inFlight.splice(0, newly)) options.ledger.recordAcked(options.source, event.time, event.items);
    ackedSeen += newly;
  }

  function pump(): void {
    if (!client || stopped || backlog.length === 0) return;
    const room = maxInFlight - inFlight.length;
    if (room <= 0) return;
    const batch = backlog.splice(0, room);
    inFlight.push(...batch);
    options.ledger.recordSent(options.source, batch.length);
    const publishedBy = client;
    publishedBy.publishJson(batch.map((event) => event.json)).then(
      () => progressed(publishedBy),
      (error: unknown) => {
        if (error instanceof LumberjackError && error.code === 'LJ_ERR_CLIENT_CLOSED') return;
        log.error(
          { err: error instanceof Error ? error.message : String(error), events: batch.length },
          'simulated beat could not publish',
        );
      },
    );
  }

  function progressed(publishedBy: BeatsClient): void {
    if (publishedBy !== client) return;
    syncAcks();
    pump();
    options.onProgress?.();
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
      client = createBeatsClient({ host: target.host, port: target.port, tls: target.tls, logger: log, ...options.client });
      pump();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      syncAcks();
      await client?.close();
      syncAcks();
    },
    syncAcks,
    isDrained: () => {
      syncAcks();
      return backlog.length === 0 && inFlight.length === 0;
    },
    counters: () => {
      syncAcks();
      const beat = client?.counters();
      return {
        backlog: backlog.length,
        inFlight: inFlight.length,
        skipped,
        resent: beat?.resent ?? 0,
        reconnects: beat?.reconnects ?? 0,
        timeouts: beat?.timeouts ?? 0,
      };
    },
  };
}
