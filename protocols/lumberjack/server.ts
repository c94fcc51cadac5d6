import { type Server, type Socket, createServer as createTcpServer } from 'node:net';
import { type TLSSocket, createServer as createTlsServer } from 'node:tls';
import type { Logger } from '../../config/logging.js';
import { gateConnections } from '../admission/accept.js';
import { type AdmissionStats, ListenerGate } from '../admission/gate.js';
import { type AdmissionLimits, type KnownPrinters, NO_KNOWN_PRINTERS } from '../admission/policy.js';
import type { BeatsBatch, ConnectionInfo, PeerIdentity } from './batch.js';
import { BeatsConnection, type ConnectionSharing } from './connection.js';
import { LumberjackError } from './errors.js';
import type { JsonFieldSelection } from './field-selection.js';
import { type LumberjackLimits, resolveLimits } from './limits.js';
import {
  type BeatsServerTlsOptions,
  clientAuthOf,
  presentedUnverifiedCertificate,
  tlsServerOptions,
  verifiedSubject,
} from './server-tls.js';
import { ADMISSION_DEFAULTS } from '../../config/defaults.js';

export interface BeatsServerOptions extends ConnectionSharing {
  /** Interface to bind; only the configured one (ARCHITECTURE.md §5). */
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  tls?: BeatsServerTlsOptions;
  limits?: Partial<LumberjackLimits>;
  /** Per-address limit, slots kept for printers, TLS handshakes under way; the total is limits.maxConnections. */
  admission?: Partial<Omit<AdmissionLimits, 'maxConnections'>>;
  /** Configured printers' addresses and certificate subjects, for whom slots are kept. */
  knownPrinters?: KnownPrinters;
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
  /** The printers changed (reload): open connections keep their slots. */
  setKnownPrinters(known: KnownPrinters): void;
  stats(): BeatsServerStats;
}

export interface BeatsServerStats extends AdmissionStats {
  /** Connections closed for silence (before or after their first window). */
  closedIdle: number;
}

/** A Lumberjack v1/v2 server that Filebeat and Metricbeat (`output.logstash`) can ship to. */
export function createBeatsServer(options: BeatsServerOptions): BeatsServer {
  const limits = resolveLimits(options.limits);
  const logger = options.logger;
  const live = new Map<string, BeatsConnection>();
  const gate = new ListenerGate(
    { ...ADMISSION_DEFAULTS, ...options.admission, maxConnections: limits.maxConnections },
    options.knownPrinters ?? NO_KNOWN_PRINTERS,
    logger,
  );
  let closedIdle = 0;
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
    let identified = false;
    const hooks = {
      onWindow: (batch: BeatsBatch) => {
        if (!identified) {
          // A complete window names its printer (the application closes the connection if it
          // names none), so from here on it is a printer's: out of the anonymous share and its
          // address's count, and on the longer idle timeout.
          identified = true;
          admitted.ticketOf(socket)?.promote();
          socket.setTimeout(limits.idleTimeoutMs);
        }
        options.onWindow(batch);
      },
      onClosed: (closed: BeatsConnection) => live.delete(closed.id),
    };
    // The server owns the idle policy (it differs before and after the first window), so the
    // connection's own idle timer stays off.
    const connection = new BeatsConnection(id, peer, socket, { ...limits, idleTimeoutMs: 0 }, logger, hooks, options.eventFields, sharing);
    live.set(id, connection);
    socket.setTimeout(limits.unidentifiedIdleTimeoutMs);
    socket.on('timeout', () => {
      // A window in flight (or held back by us) is governed by keep-alives and the stall limit.
      const info = connection.info();
      if (info.windowsPending > 0 || info.busy) return;
      socket.setTimeout(0);
      closedIdle += 1;
      const limit = identified ? 'idleTimeoutMs' : 'unidentifiedIdleTimeoutMs';
      connection.close('LJ_ERR_IDLE', identified ? 'idle past idleTimeoutMs' : 'no complete window within unidentifiedIdleTimeoutMs', {
        limit,
        limitValue: limits[limit],
      });
    });
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
      const subject = verifiedSubject(socket);
      // The subject is known now: the handshake's slot becomes a printer's or an anonymous one.
      const slot = admitted.ticketOf(socket)?.identify(subject) ?? { admitted: true };
      if (!slot.admitted) {
        gate.refused(slot.reason, socket.remoteAddress ?? 'unknown');
        socket.on('error', () => {});
        socket.destroy();
        return;
      }
      accept(socket, subject);
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
  // Our own decision instead of server.maxConnections, which drops silently: a refusal is counted and logged.
  const admitted = gateConnections(server, gate, { tls: options.tls !== undefined });

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
    setKnownPrinters: (known) => gate.policy.setKnownPrinters(known),
    stats: () => ({ ...gate.stats(), closedIdle }),
  };
}
