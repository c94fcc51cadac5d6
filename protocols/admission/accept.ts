import type { Server, Socket } from 'node:net';
import type { ListenerGate } from './gate.js';
import type { AdmissionTicket } from './policy.js';

/** The slots of a listener's admitted connections. */
export interface AdmittedConnections {
  /**
   * The ticket of an admitted connection, found by the peer's address and port: the TLS socket
   * node builds over the accepted TCP socket is another object.
   */
  ticketOf(socket: Socket): AdmissionTicket | undefined;
}

/**
 * Puts the gate in front of a server's own connection handling (node's TLS wrapping, http's
 * parser, or the net listener). A refused socket is destroyed before anything reads it, and
 * nothing else sees it (no TLS client error for a refusal). This replaces
 * `server.maxConnections`, which drops silently. A slot is released when the TCP socket closes,
 * whatever closed it. `onAdmitted` runs before the server's own handling.
 */
export function gateConnections(
  server: Server,
  gate: ListenerGate,
  options: { tls: boolean; onAdmitted?(socket: Socket): void },
): AdmittedConnections {
  const tickets = new Map<string, AdmissionTicket>();
  const own = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const admission = gate.admit(socket.remoteAddress ?? 'unknown', { tlsPending: options.tls });
    if (!admission.admitted) {
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    const key = peerKey(socket);
    tickets.set(key, admission.ticket);
    socket.once('close', () => {
      admission.ticket.release();
      if (tickets.get(key) === admission.ticket) tickets.delete(key);
    });
    options.onAdmitted?.(socket);
    for (const listener of own) listener.call(server, socket);
  });
  return { ticketOf: (socket) => tickets.get(peerKey(socket)) };
}

/** Address and port: the same for a TCP socket and the TLS socket over it. */
export function peerKey(socket: Socket): string {
  return `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`;
}
