import { type Server, type Socket, createServer as createTcpServer } from 'node:net';
import { type TLSSocket, createServer as createTlsServer } from 'node:tls';
import type { Logger } from '../../config/logging.js';
import type { BeatsBatch, ConnectionInfo, PeerIdentity } from './batch.js';
import { BeatsConnection, type ConnectionSharing } from './connection.js';
import { LumberjackError } from './errors.js';
import type { JsonFieldSelection } from './json-select.js';
import { type LumberjackLimits, resolveLimits } from './limits.js';
import {
  type BeatsServerTlsOptions,
  clientAuthOf,
  presentedUnverifiedCertificate,
  tlsServerOptions,
  verifiedSubject,
} from './server-tls.js';

export interface BeatsServerOptions extends ConnectionSharing {
  /** Interface to bind; only the configured one (ARCHITECTURE.md §5). */
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  tls?: BeatsServerTlsOptions;
  limits?: Partial<LumberjackLimits>;
  /** Build only these fields of each JSON event (all are still validated); default: the whole document. */
  eventFields?: JsonFieldSelection;
  logger: Logger;
  /** Called once per complete window; the batch is acknowledged (or rejected) through its handle. */
  onWindow(batch: BeatsBatch): void;
}

export const DEFAULT_BEATS_LISTEN = Object.freeze({ host: '127.0.0.1', port: 5044 });

export interface BeatsServer {
  listen(): Promise<{ host: string; port: number }>;
  /** Stops accepting, closes every connection gracefully (unacknowledged windows get re-sent). */
  close(): Promise<void>;
  connections(): ConnectionInfo[];
  /** Pauses (true) or resumes reading from one connection; false when there is no such connection. */
  setBusy(connectionId: string, busy: boolean): boolean;
}

/** A Lumberjack v1/v2 server that Filebeat and Metricbeat (`output.logstash`) can ship to. */
export function createBeatsServer(options: BeatsServerOptions): BeatsServer {
  const limits = resolveLimits(options.limits);
  const logger = options.logger;
  const live = new Map<string, BeatsConnection>();
  let nextId = 1;
  const { budget, identify, inflate, decodeSliceMs } = options;
  const sharing: ConnectionSharing = { budget, identify, inflate, decodeSliceMs };

  const accept = (socket: Socket, tlsSubject?: string): void => {
    const peer: PeerIdentity = {
      remoteAddress: socket.remoteAddress ?? 'unknown',
      remotePort: socket.remotePort ?? 0,
      ...(tlsSubject === undefined ? {} : { tlsSubject }),
    };
    const id = `lj-${nextId++}`;
    const hooks = { onWindow: options.onWindow, onClosed: (closed: BeatsConnection) => live.delete(closed.id) };
    const connection = new BeatsConnection(id, peer, socket, limits, logger, hooks, options.eventFields, sharing);
    live.set(id, connection);
    logger.debug({ connectionId: id, ...peer }, 'beats connection opened');
  };

  let server: Server;
  if (options.tls) {
    const clientAuth = clientAuthOf(options.tls);
    const tlsServer = createTlsServer(tlsServerOptions(options.tls, limits.handshakeTimeoutMs));
    tlsServer.on('secureConnection', (socket: TLSSocket) => {
      if (clientAuth === 'optional' && presentedUnverifiedCertificate(socket)) {
        logger.warn(
          { code: 'LJ_ERR_CLIENT_CERT', remoteAddress: socket.remoteAddress, reason: String(socket.authorizationError) },
          'beats client certificate refused',
        );
        socket.on('error', () => {});
        socket.destroy();
        return;
      }
      accept(socket, verifiedSubject(socket));
    });
    tlsServer.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => {
      logger.warn(
        { code: 'LJ_ERR_TLS_HANDSHAKE', remoteAddress: socket.remoteAddress, reason: error.code ?? error.message },
        'beats TLS handshake failed',
      );
      // Nothing was exchanged yet; node leaves a timed-out handshake's socket open otherwise.
      socket.destroy();
    });
    server = tlsServer;
  } else {
    server = createTcpServer({ allowHalfOpen: false }, (socket) => accept(socket));
  }
  server.maxConnections = limits.maxConnections;

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        server.once('error', onError);
        server.listen(options.port ?? DEFAULT_BEATS_LISTEN.port, options.host ?? DEFAULT_BEATS_LISTEN.host, () => {
          server.off('error', onError);
          // From here on a listener error has no caller to reject; it is logged.
          server.on('error', (error) => logger.error({ err: error }, 'beats listener failed'));
          const address = server.address();
          if (address === null || typeof address === 'string') {
            reject(new LumberjackError('LJ_ERR_BAD_OPTIONS', 'listener has no TCP address'));
            return;
          }
          logger.info({ host: address.address, port: address.port, tls: options.tls !== undefined }, 'beats server listening');
          resolve({ host: address.address, port: address.port });
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const connection of live.values()) connection.close('LJ_ERR_SERVER_CLOSING', 'server closing');
      }),
    connections: () => [...live.values()].map((connection) => connection.info()),
    setBusy: (connectionId, busy) => {
      const connection = live.get(connectionId);
      connection?.setBusy(busy);
      return connection !== undefined;
    },
  };
}
