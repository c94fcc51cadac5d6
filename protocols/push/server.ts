import { type IncomingMessage, type Server, type ServerResponse, createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../config/logging.js';
import { gateConnections, peerKey } from '../admission/accept.js';
import { type AdmissionStats, ListenerGate } from '../admission/gate.js';
import { type KnownPrinters, NO_KNOWN_PRINTERS } from '../admission/policy.js';
import type { IngestBudget } from '../ingest-budget/byte-budget.js';
import { type PushAuthenticator, parseBearerToken, verifiedSubject } from './auth.js';
import { PushConnection, type PushConnectionInfo, type PushDelivery } from './connection.js';
import type { PushMessageLimits } from './message.js';
import type { PushErrorCode } from './errors.js';
import { PUSH_CLOSE_CODES } from './replies.js';
import { PUSH_MESSAGE_LIMITS, PUSH_SERVER_DEFAULTS } from '../../config/defaults.js';

export type PushClientAuth = 'none' | 'optional' | 'required';

export interface PushServerTls {
  cert: string | Buffer;
  key: string | Buffer;
  /** CA(s) that sign client certificates. */
  ca?: string | Buffer | (string | Buffer)[];
  clientAuth: PushClientAuth;
}

export interface PushServerOptions {
  host: string;
  port: number;
  path?: string;
  tls?: PushServerTls;
  maxMessageBytes?: number;
  maxMessagesPerSecond?: number;
  burstMessages?: number;
  maxPendingAcks?: number;
  maxHeldMessages?: number;
  pingIntervalMs?: number;
  handshakeTimeoutMs?: number;
  closeTimeoutMs?: number;
  messageLimits?: Partial<PushMessageLimits>;
  /** Connections at once, authenticated or not; slots are kept for known printers (see protocols/admission). */
  maxConnections?: number;
  /** Connections from one address not yet authenticated. */
  maxConnectionsPerAddress?: number;
  reservedPerPrinter?: number;
  /** TLS handshakes under way from addresses not known to be a printer's. */
  maxPendingHandshakes?: number;
  /** Configured printers' addresses and certificate subjects, for whom slots are kept. */
  knownPrinters?: KnownPrinters;
  authenticate: PushAuthenticator;
  logger: Logger;
  /** The byte budget shared with the Beats listener; held and unacknowledged messages count against it. */
  budget?: IngestBudget;
  onMessage(delivery: PushDelivery): void;
}

export interface PushServer {
  listen(): Promise<{ port: number }>;
  /** Stops accepting, closes every connection (1001), waits for the close handshakes, then resolves. */
  close(): Promise<void>;
  connections(): PushConnectionInfo[];
  /** Backpressure: stop reading from one connection until resume(). False if the connection is gone. */
  pause(connectionId: string): boolean;
  resume(connectionId: string): boolean;
  /** Closes one connection gracefully, e.g. after a stall; the printer reconnects and re-sends. */
  disconnect(connectionId: string, reason?: string): boolean;
  /** The printers changed (reload): open connections keep their slots. */
  setKnownPrinters(known: KnownPrinters): void;
  stats(): PushServerStats;
}

export interface PushServerStats extends AdmissionStats {
  /** Connections closed for not completing their upgrade within handshakeTimeoutMs. */
  closedUnauthenticated: number;
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  404: 'Not Found',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Answers an upgrade request that will not become a WebSocket, then ends the socket. */
function refuseUpgrade(socket: Socket, status: number): void {
  const challenge = status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '';
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}\r\nConnection: close\r\n${challenge}Content-Length: 0\r\n\r\n`);
}

function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://push.invalid').pathname;
  } catch {
    return '';
  }
}

/**
 * The push protocol's listener (PROTOCOLS.md §6). Authentication happens at the HTTP upgrade
 * (401, 404 for another path); one connection per printer — a newer one replaces the older
 * (close 4000), because the older is most likely half-open after a network blip or a reboot.
 */
export function createPushServer(options: PushServerOptions): PushServer {
  const settings = { ...PUSH_SERVER_DEFAULTS, ...withoutUndefined(options) };
  const messageLimits: PushMessageLimits = { ...PUSH_MESSAGE_LIMITS, ...options.messageLimits };
  const log = options.logger.child({ component: 'push-server' });
  const byId = new Map<string, PushConnection>();
  const byPrinter = new Map<string, PushConnection>();
  let nextConnection = 1;
  let closing = false;
  let closedUnauthenticated = 0;
  const gate = new ListenerGate(
    {
      maxConnections: settings.maxConnections,
      maxConnectionsPerAddress: settings.maxConnectionsPerAddress,
      reservedPerPrinter: settings.reservedPerPrinter,
      maxPendingHandshakes: settings.maxPendingHandshakes,
    },
    options.knownPrinters ?? NO_KNOWN_PRINTERS,
    log,
  );
  /** Until its upgrade is accepted a connection has handshakeTimeoutMs, however slowly it trickles bytes. */
  const upgradeDeadlines = new Map<string, NodeJS.Timeout>();

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: settings.maxMessageBytes,
    // No inflating attacker-chosen bytes; also, PushConnection writes acks under ws, which needs every ws frame written whole at once (compression queues them).
    perMessageDeflate: false,
    clientTracking: false,
  });

  const notUpgraded = (request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(pathOf(request) === settings.path ? 426 : 404, { Connection: 'close' }).end();
  };
  const server: Server = options.tls
    ? createHttpsServer(
        {
          cert: options.tls.cert,
          key: options.tls.key,
          ...(options.tls.ca === undefined ? {} : { ca: options.tls.ca }),
          requestCert: options.tls.clientAuth !== 'none',
          rejectUnauthorized: options.tls.clientAuth === 'required',
          minVersion: 'TLSv1.2',
          handshakeTimeout: settings.handshakeTimeoutMs,
        },
        notUpgraded,
      )
    : createHttpServer(notUpgraded);
  server.headersTimeout = settings.handshakeTimeoutMs;
  // Our own decision instead of server.maxConnections, which drops silently: a refusal is counted and logged.
  const admitted = gateConnections(server, gate, {
    tls: options.tls !== undefined,
    onAdmitted: (socket) => {
      const deadline = setTimeout(() => {
        closedUnauthenticated += 1;
        log.info(
          {
            code: 'PUSH_UPGRADE_TIMEOUT' satisfies PushErrorCode,
            remoteAddress: socket.remoteAddress,
            limit: 'handshakeTimeoutMs',
            limitValue: settings.handshakeTimeoutMs,
          },
          'push connection closed: no accepted upgrade within handshakeTimeoutMs',
        );
        socket.destroy();
      }, settings.handshakeTimeoutMs);
      const key = peerKey(socket);
      upgradeDeadlines.set(key, deadline);
      socket.once('close', () => {
        clearTimeout(deadline);
        if (upgradeDeadlines.get(key) === deadline) upgradeDeadlines.delete(key);
      });
    },
  });
  if (options.tls) {
    server.on('secureConnection', (socket: TLSSocket) => {
      // The subject is known now: the handshake's slot becomes a printer's or an anonymous one.
      const slot = admitted.ticketOf(socket)?.identify(verifiedSubject(socket)) ?? { admitted: true };
      if (slot.admitted) return;
      gate.refused(slot.reason, socket.remoteAddress ?? 'unknown');
      socket.destroy();
    });
  }
  server.on('clientError', (_error, socket) => socket.destroy());
  server.on('tlsClientError', (error: Error & { code?: string }, socket: TLSSocket) => {
    log.warn({ remoteAddress: socket.remoteAddress, code: error.code, err: error.message }, 'push TLS handshake failed');
  });

  function attach(socket: WebSocket, transport: Socket, printerId: string, remoteAddress: string): void {
    const connectionId = `push-${nextConnection++}`;
    const older = byPrinter.get(printerId);
    if (older) {
      log.info({ printerId, older: older.connectionId, newer: connectionId }, 'push connection replaced by a newer one');
      older.end(PUSH_CLOSE_CODES.replaced, 'replaced by a newer connection of the same printer');
    }
    const connection = new PushConnection({
      connectionId,
      printerId,
      remoteAddress,
      socket,
      transport,
      limits: {
        maxMessagesPerSecond: settings.maxMessagesPerSecond,
        burstMessages: settings.burstMessages,
        maxPendingAcks: settings.maxPendingAcks,
        maxHeldMessages: settings.maxHeldMessages,
        pingIntervalMs: settings.pingIntervalMs,
        messageLimits,
      },
      logger: options.logger,
      ...(options.budget === undefined ? {} : { budget: options.budget }),
      onMessage: options.onMessage,
      onClosed: (closed) => {
        byId.delete(closed.connectionId);
        if (byPrinter.get(closed.printerId) === closed) byPrinter.delete(closed.printerId);
      },
    });
    byId.set(connectionId, connection);
    byPrinter.set(printerId, connection);
    log.info({ printerId, connectionId, remoteAddress }, 'push connection accepted');
  }

  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const remoteAddress = socket.remoteAddress ?? 'unknown';
    // http stops listening for socket errors once it hands over an upgrade; a reset must not crash us.
    const onEarlyError = () => socket.destroy();
    socket.on('error', onEarlyError);
    if (closing) return refuseUpgrade(socket, 503);
    if (pathOf(request) !== settings.path) {
      log.warn({ remoteAddress, path: pathOf(request) }, 'push upgrade refused: unknown path');
      return refuseUpgrade(socket, 404);
    }
    const token = parseBearerToken(request.headers.authorization);
    const tlsSubject = socket instanceof TLSSocket ? verifiedSubject(socket) : undefined;
    let printerId: string | undefined;
    try {
      printerId = options.authenticate({
        ...(token === undefined ? {} : { token }),
        ...(tlsSubject === undefined ? {} : { tlsSubject }),
        remoteAddress,
      });
    } catch (error) {
      log.error({ remoteAddress, err: (error as Error).message }, 'push authenticator threw');
      return refuseUpgrade(socket, 500);
    }
    if (printerId === undefined) {
      const offered = token !== undefined ? 'token' : tlsSubject !== undefined ? 'certificate' : 'nothing';
      log.warn({ remoteAddress, offered, tlsSubject }, 'push upgrade refused: not authenticated');
      return refuseUpgrade(socket, 401);
    }
    const authenticated = printerId;
    admitted.ticketOf(socket)?.promote();
    clearTimeout(upgradeDeadlines.get(peerKey(socket)));
    upgradeDeadlines.delete(peerKey(socket));
    socket.off('error', onEarlyError); // ws takes over error handling from here
    wss.handleUpgrade(request, socket, head, (ws) => attach(ws, socket, authenticated, remoteAddress));
  });

  function find(connectionId: string): PushConnection | undefined {
    return byId.get(connectionId);
  }

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          server.on('error', (error) => log.error({ err: error.message }, 'push server error'));
          resolve({ port: (server.address() as AddressInfo).port });
        });
      }),

    close: async () => {
      closing = true;
      const open = [...byId.values()];
      for (const connection of open) connection.end(PUSH_CLOSE_CODES.shuttingDown, 'adapter shutting down');
      const allClosed = Promise.all(open.map((connection) => connection.closed));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, settings.closeTimeoutMs);
      });
      await Promise.race([allClosed, timedOut]);
      clearTimeout(timer);
      for (const connection of byId.values()) connection.terminate();
      await Promise.all(open.map((connection) => connection.closed));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      wss.close();
    },

    connections: () => [...byId.values()].map((connection) => connection.info()),

    pause: (connectionId) => {
      const connection = find(connectionId);
      connection?.pause();
      return connection !== undefined;
    },

    resume: (connectionId) => {
      const connection = find(connectionId);
      connection?.resume();
      return connection !== undefined;
    },

    disconnect: (connectionId, reason = 'closed by the adapter') => {
      const connection = find(connectionId);
      connection?.end(PUSH_CLOSE_CODES.normal, reason);
      return connection !== undefined;
    },

    setKnownPrinters: (known) => gate.policy.setKnownPrinters(known),

    stats: () => ({ ...gate.stats(), closedUnauthenticated }),
  };
}

/** Options spread over defaults must not reset a default to undefined. */
function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
