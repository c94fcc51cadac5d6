import { readFile } from 'node:fs/promises';
import { resolveSecret } from '../../config/secrets.js';
import type { ListenerTls, PrinterConfig } from '../../config/types.js';
import { knownPrintersOf } from '../../protocols/admission/policy.js';
import { BEATS_DOCUMENT_FIELDS } from '../../protocols/beats/documents.js';
import { identifyWindow } from '../../domain/catalog/normalizer.js';
import { IngestBudget } from '../../protocols/ingest-budget/byte-budget.js';
import type { BeatsBatch, BeatsWindowHandle, PeerIdentity } from '../../protocols/lumberjack/batch.js';
import type { BeatsServer } from '../../protocols/lumberjack/server.js';
import { createBeatsServer } from '../../protocols/lumberjack/server.js';
import type { IdentifiablePrinter } from '../../protocols/beats/identify-printer.js';
import type { PushDelivery } from '../../protocols/push/connection.js';
import { anyAuthenticator, type PushAuthenticator, subjectAuthenticator, tokenAuthenticator } from '../../protocols/push/auth.js';
import { createPushServer, type PushServer } from '../../protocols/push/server.js';
import type { ActorContext, Behaviour } from '../../supervision/index.js';
import type { CollectorMessage } from '../collector/messages.js';
import type { DropLedger } from '../drop-ledger.js';
import type { AdapterEnvironment } from '../environment.js';
import { exhaustive } from '../exhaustive.js';
import { collectorPath } from '../paths.js';
import type { IngressMessage, IngressView } from './messages.js';

interface IngressState {
  beats?: BeatsServer;
  beatsAddress?: { host: string; port: number };
  push?: PushServer;
  pushAddress?: { host: string; port: number };
  refusedNoCollector: number;
  /** Which printer each Beats connection turned out to be (learnt from its windows). */
  printerByConnection: Map<string, string>;
  /** Connections whose certificate and documents named different printers, already logged and counted. */
  mismatchReported: Set<string>;
  /**
   * The handle of the newest window of each such connection, to reject it, which closes the
   * connection (see CollectorStarted). Only the handle is kept, so the window's documents are not kept alive here.
   */
  lastWindowByConnection: Map<string, BeatsWindowHandle>;
  /** Who may connect; rebuilt when the printers change (SIGHUP reload) without closing anything. */
  identities: IdentifiablePrinter[];
  authenticate: PushAuthenticator;
}

interface LoadedTls {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  passphrase?: string;
  clientAuth: ListenerTls['clientAuth'];
}

async function loadTls(tls: ListenerTls | undefined): Promise<LoadedTls | undefined> {
  if (!tls) return undefined;
  return {
    cert: await readFile(tls.certFile),
    key: await readFile(tls.keyFile),
    ...(tls.caFile ? { ca: await readFile(tls.caFile) } : {}),
    ...(tls.keyPassphrase ? { passphrase: await resolveSecret(tls.keyPassphrase) } : {}),
    clientAuth: tls.clientAuth,
  };
}

async function pushAuthenticator(printers: readonly PrinterConfig[]): Promise<PushAuthenticator> {
  const tokens = new Map<string, string>();
  for (const printer of printers) {
    if (printer.pushToken) tokens.set(printer.id, await resolveSecret(printer.pushToken));
  }
  const subjects = new Map(printers.flatMap((p) => (p.identity.tlsSubject ? [[p.id, p.identity.tlsSubject] as const] : [])));
  return anyAuthenticator(subjectAuthenticator(subjects), tokenAuthenticator(tokens));
}

function identitiesOf(printers: readonly PrinterConfig[]): IdentifiablePrinter[] {
  return printers.map((p) => ({ id: p.id, identity: p.identity }));
}

function forget(state: IngressState, connectionId: string): void {
  state.printerByConnection.delete(connectionId);
  state.lastWindowByConnection.delete(connectionId);
  state.mismatchReported.delete(connectionId);
}

/**
 * Without this, a window that died in a collector's mailbox holds its Beats connection until the
 * stall limit (keep-alives stop the Beat's own timeout), and a push message stays unacknowledged for
 * as long as the connection lives. Returns how many connections were closed.
 */
function closeUnacknowledged(state: IngressState, printer: string): number {
  let closed = 0;
  const pending = new Map((state.beats?.connections() ?? []).map((connection) => [connection.id, connection.windowsPending]));
  for (const [connectionId, owner] of state.printerByConnection) {
    const windows = pending.get(connectionId);
    if (windows === undefined) forget(state, connectionId);
    else if (owner === printer && windows > 0) {
      state.lastWindowByConnection.get(connectionId)?.reject(`collector of ${printer} restarted before acknowledging`);
      closed += 1;
    }
  }
  for (const connection of state.push?.connections() ?? []) {
    if (connection.printerId !== printer || connection.pendingAcks === 0) continue;
    if (state.push?.disconnect(connection.connectionId, 'collector restarted before acknowledging')) closed += 1;
  }
  return closed;
}

/**
 * A window goes from the listener straight to its printer's collector, not through this actor's
 * mailbox: that hop only forwarded it, at the cost of a message per window and per push message.
 * What it learns (unknown peers, which connection is which printer) is this actor's state all the same.
 */
function routeWindow(state: IngressState, batch: BeatsBatch, ctx: ActorContext<IngressMessage>, drops: DropLedger): void {
  const { printer, mismatch } = identifyWindow(batch.peer, batch.events, state.identities);
  if (printer === undefined) {
    countUnknownPrinter(batch.peer, drops, ctx);
    batch.handle.reject('unknown printer');
    return;
  }
  if (mismatch !== undefined && !state.mismatchReported.has(batch.connectionId)) {
    state.mismatchReported.add(batch.connectionId);
    drops.count(printer, 'identity_mismatch');
    ctx.log.warn(
      { peer: batch.peer, connectionId: batch.connectionId, printer, claimedByDocuments: mismatch.documents },
      'beats client certificate and documents name different printers; the certificate wins',
    );
  }
  state.printerByConnection.set(batch.connectionId, printer);
  state.lastWindowByConnection.set(batch.connectionId, batch.handle);
  const delivered = ctx.registry.tell(collectorPath(printer), { type: 'WindowReceived', batch } satisfies CollectorMessage);
  if (!delivered) {
    // The collector is restarting: the Beat re-sends after reconnecting, nothing is lost.
    state.refusedNoCollector++;
    batch.handle.reject(`collector of ${printer} is not running`);
  }
}

/**
 * Which printer a Beats connection is, asked at the connection (no event: TLS subject or address)
 * and at the first event of its first window. At the first event an unknown printer is counted and
 * logged as routeWindow would, and the listener refuses the connection before the window is built.
 */
function identifyConnection(
  state: IngressState,
  peer: PeerIdentity,
  firstEvent: unknown,
  ctx: ActorContext<IngressMessage>,
  drops: DropLedger,
): string | undefined {
  const { printer } = identifyWindow(peer, firstEvent === undefined ? [] : [firstEvent], state.identities);
  if (printer === undefined && firstEvent !== undefined) countUnknownPrinter(peer, drops, ctx);
  return printer;
}

/** A window (or a connection's first event) from a printer nobody configured: counted by peer, logged once per peer. */
function countUnknownPrinter(peer: PeerIdentity, drops: DropLedger, ctx: ActorContext<IngressMessage>): void {
  if (drops.refused('unknown_printer', peer.tlsSubject ?? peer.remoteAddress)) {
    ctx.log.warn({ peer }, 'beats connection from an unknown printer refused');
  }
}

/** A push message goes straight to its printer's collector (see routeWindow). */
function routePush(state: IngressState, delivery: PushDelivery, ctx: ActorContext<IngressMessage>): void {
  const delivered = ctx.registry.tell(collectorPath(delivery.printerId), { type: 'PushReceived', delivery } satisfies CollectorMessage);
  if (!delivered) {
    state.refusedNoCollector++;
    state.push?.disconnect(delivery.connectionId, 'collector restarting');
  }
}

/**
 * Owns the printer-facing listeners (Beats, push) and routes each window or message to its
 * printer's collector. Nothing else in the adapter listens on the network.
 */
export function ingressBehaviour(env: AdapterEnvironment): Behaviour<IngressState, IngressMessage> {
  return {
    async init(ctx) {
      const { config } = env;
      const state: IngressState = {
        refusedNoCollector: 0,
        printerByConnection: new Map(),
        mismatchReported: new Set(),
        lastWindowByConnection: new Map(),
        identities: identitiesOf(config.printers),
        authenticate: await pushAuthenticator(config.printers),
      };
      const { beats, push } = config.listeners;
      // One budget for both listeners: what all printer connections hold together stays inside the heap.
      const budget = new IngestBudget(config.listeners.budget);
      if (beats.enabled) {
        const tls = await loadTls(beats.tls);
        const { maxConnectionsPerAddress, reservedPerPrinter, maxPendingHandshakes, ...limits } = beats.limits;
        state.beats = createBeatsServer({
          host: beats.host,
          port: beats.port,
          ...(tls ? { tls } : {}),
          limits: { ...limits, ...(beats.tls ? { handshakeTimeoutMs: beats.tls.handshakeTimeoutMs } : {}) },
          admission: { maxConnectionsPerAddress, reservedPerPrinter, maxPendingHandshakes },
          knownPrinters: knownPrintersOf(config.printers),
          eventFields: BEATS_DOCUMENT_FIELDS,
          budget,
          identify: (peer, firstEvent) => identifyConnection(state, peer, firstEvent, ctx, env.drops),
          logger: ctx.log.child({ listener: 'beats' }),
          onWindow: (batch) => routeWindow(state, batch, ctx, env.drops),
        });
        state.beatsAddress = await state.beats.listen();
        ctx.log.info(state.beatsAddress, 'beats listener ready');
      }
      try {
        if (push.enabled) {
          const tls = await loadTls(push.tls);
          state.push = createPushServer({
            host: push.host,
            port: push.port,
            path: push.path,
            ...(tls ? { tls } : {}),
            maxMessageBytes: push.maxMessageBytes,
            maxMessagesPerSecond: push.maxMessagesPerSecond,
            maxPendingAcks: push.maxPendingAcks,
            ...(push.tls ? { handshakeTimeoutMs: push.tls.handshakeTimeoutMs } : {}),
            maxConnections: push.maxConnections,
            maxConnectionsPerAddress: push.maxConnectionsPerAddress,
            reservedPerPrinter: push.reservedPerPrinter,
            maxPendingHandshakes: push.maxPendingHandshakes,
            knownPrinters: knownPrintersOf(config.printers),
            authenticate: (request) => state.authenticate(request),
            budget,
            logger: ctx.log.child({ listener: 'push' }),
            onMessage: (delivery) => routePush(state, delivery, ctx),
          });
          const { port } = await state.push.listen();
          state.pushAddress = { host: push.host, port };
          ctx.log.info(state.pushAddress, 'push listener ready');
        }
      } catch (error) {
        // An init that throws gets no terminate: the Beats listener it already opened is closed here.
        await state.beats?.close();
        throw error;
      }
      return state;
    },

    async handle(state, msg, ctx) {
      switch (msg.type) {
        case 'PrintersChanged':
          state.identities = identitiesOf(env.config.printers);
          state.authenticate = await pushAuthenticator(env.config.printers);
          state.beats?.setKnownPrinters(knownPrintersOf(env.config.printers));
          state.push?.setKnownPrinters(knownPrintersOf(env.config.printers));
          return state;
        case 'PausePush':
          if (msg.paused) state.push?.pause(msg.connectionId);
          else state.push?.resume(msg.connectionId);
          return state;
        case 'DropPushConnection':
          state.push?.disconnect(msg.connectionId, 'collector stopped before delivery');
          return state;
        case 'CollectorStarted': {
          const closed = closeUnacknowledged(state, msg.printer);
          if (closed > 0)
            ctx.log.info(
              { printer: msg.printer, connections: closed },
              'collector restarted: connections waiting for an ACK closed so the printer re-sends',
            );
          return state;
        }
        case 'Describe': {
          const beatsConnections = state.beats?.connections() ?? [];
          const pushConnections = state.push?.connections() ?? [];
          const connected = new Set<string>();
          for (const connection of pushConnections) connected.add(connection.printerId);
          const live = new Set(beatsConnections.map((connection) => connection.id));
          for (const [connectionId, printer] of state.printerByConnection) {
            if (live.has(connectionId)) connected.add(printer);
            else forget(state, connectionId);
          }
          const unknown = env.drops.refusals().filter((refusal) => refusal.reason === 'unknown_printer');
          const view: IngressView = {
            ...(state.beatsAddress && state.beats
              ? { beats: { ...state.beatsAddress, connections: beatsConnections.length, admission: state.beats.stats() } }
              : {}),
            ...(state.pushAddress && state.push
              ? { push: { ...state.pushAddress, connections: pushConnections.length, admission: state.push.stats() } }
              : {}),
            printersConnected: connected.size,
            refusedUnknown: unknown.reduce((sum, refusal) => sum + refusal.count, 0),
            refusedNoCollector: state.refusedNoCollector,
            unknownPeers: unknown.map((refusal) => refusal.peer),
          };
          ctx.reply(view);
          return state;
        }
        default:
          return exhaustive(msg);
      }
    },

    async terminate(state) {
      // Closing stops accepting and closes connections gracefully; unacknowledged data is re-sent.
      await Promise.all([state.beats?.close(), state.push?.close()]);
    },
  };
}
