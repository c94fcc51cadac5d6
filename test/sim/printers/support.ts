/** Real receiving ends for the simulator tests: a Beats server and a push server on 127.0.0.1:0. */
import { silentLogger } from '../../../config/logging.js';
import type { BeatsBatch } from '../../../protocols/lumberjack/batch.js';
import { createBeatsServer } from '../../../protocols/lumberjack/server.js';
import type { BeatsServerTlsOptions } from '../../../protocols/lumberjack/server-tls.js';
import { tokenAuthenticator } from '../../../protocols/push/auth.js';
import type { PushDelivery } from '../../../protocols/push/connection.js';
import { createPushServer } from '../../../protocols/push/server.js';
import { until as untilCondition } from '../../support/until.js';

/** Generous: waits only fail when something is really wrong, never by slowness. */
export const WAIT_MS = 20_000;

export interface ReceivedEvent {
  connectionId: string;
  tlsSubject?: string;
  event: Record<string, unknown>;
}

export interface BeatsReceiver {
  port: number;
  events: ReceivedEvent[];
  batches: BeatsBatch[];
  /** While holding, windows are kept unacknowledged in `held`. */
  hold(holding: boolean): void;
  held: BeatsBatch[];
  connectionCount(): number;
  close(): Promise<void>;
}

export async function startBeatsReceiver(tls?: BeatsServerTlsOptions): Promise<BeatsReceiver> {
  const events: ReceivedEvent[] = [];
  const batches: BeatsBatch[] = [];
  const held: BeatsBatch[] = [];
  let holding = false;
  const server = createBeatsServer({
    host: '127.0.0.1',
    port: 0,
    ...(tls === undefined ? {} : { tls }),
    logger: silentLogger(),
    onWindow: (batch) => {
      batches.push(batch);
      for (const event of batch.events) {
        events.push({
          connectionId: batch.connectionId,
          ...(batch.peer.tlsSubject === undefined ? {} : { tlsSubject: batch.peer.tlsSubject }),
          event: event as Record<string, unknown>,
        });
      }
      if (holding) held.push(batch);
      else batch.handle.ack();
    },
  });
  const { port } = await server.listen();
  return {
    port,
    events,
    batches,
    held,
    hold: (next) => {
      holding = next;
    },
    connectionCount: () => server.connections().length,
    close: () => server.close(),
  };
}

export interface PushReceiver {
  url: string;
  deliveries: PushDelivery[];
  hold(holding: boolean): void;
  held: PushDelivery[];
  close(): Promise<void>;
}

export async function startPushReceiver(tokens: Record<string, string>): Promise<PushReceiver> {
  const deliveries: PushDelivery[] = [];
  const held: PushDelivery[] = [];
  let holding = false;
  const server = createPushServer({
    host: '127.0.0.1',
    port: 0,
    authenticate: tokenAuthenticator(tokens),
    logger: silentLogger(),
    // The fleet test pushes from many printers at once; the rate limit is not what it tests.
    maxMessagesPerSecond: 1000,
    burstMessages: 1000,
    onMessage: (delivery) => {
      deliveries.push(delivery);
      if (holding) held.push(delivery);
      else delivery.handle.ack();
    },
  });
  const { port } = await server.listen();
  return {
    url: `ws://127.0.0.1:${port}/push/v1`,
    deliveries,
    held,
    hold: (next) => {
      holding = next;
    },
    close: () => server.close(),
  };
}

/** Resolves once `condition` holds, checking every 20 ms; fails after WAIT_MS. */
export const eventually = (condition: () => boolean, what: string): Promise<void> =>
  untilCondition(condition, { what, timeoutMs: WAIT_MS, everyMs: 20 });

/** A fixed wall clock: device time then only steps by the simulator's own 1 ms increments. */
export const FIXED_EPOCH = Date.UTC(2026, 10, 27, 10, 15, 2, 123);
export const fixedNow = () => FIXED_EPOCH;
