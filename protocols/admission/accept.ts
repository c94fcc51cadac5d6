import type { Server, Socket } from 'node:net';

/**
 * Puts `admit` in front of a server's own connection handling (node's TLS wrapping, http's parser,
 * or the net listener). A refused socket is destroyed before anything reads it, and nothing else
 * sees it (no TLS client error for a refusal). Replaces `server.maxConnections`, which drops
 * silently.
 */
export function gateConnections(server: Server, admit: (socket: Socket) => boolean): void {
  const own = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    if (!admit(socket)) {
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    for (const listener of own) listener.call(server, socket);
  });
}
