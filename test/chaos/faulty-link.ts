/**
 * The network between the printers and the adapter, as a TCP relay on loopback that can cut its
 * connections with a TCP reset on both ends: the printer sees "connection reset by peer" mid-window
 * (Beats) or mid-stream without a close frame (push), and the adapter sees its socket die the same way.
 */
import { createServer, type Server, type Socket, connect } from 'node:net';
import type { Random } from './draws.js';

export interface FaultyLink {
  /** Where the printers connect instead of the adapter's listener. */
  readonly port: number;
  /** Connections open now. */
  connections(): number;
  /** Resets this share (0..1, at least one when any is open) of the open connections; returns how many. */
  reset(share: number, random: Random): number;
  stop(): Promise<void>;
}

interface Pair {
  printerSide: Socket;
  adapterSide: Socket;
}

function resetBoth(pair: Pair): void {
  for (const socket of [pair.printerSide, pair.adapterSide]) {
    if (socket.destroyed) continue;
    // An RST where the platform can send one (a socket still connecting cannot): else a plain destroy.
    if (typeof socket.resetAndDestroy === 'function' && socket.readyState === 'open') socket.resetAndDestroy();
    else socket.destroy();
  }
}

export async function startFaultyLink(target: { host: string; port: number }): Promise<FaultyLink> {
  const pairs = new Set<Pair>();
  const server: Server = createServer((printerSide) => {
    const adapterSide = connect({ host: target.host, port: target.port });
    const pair: Pair = { printerSide, adapterSide };
    pairs.add(pair);
    const end = () => {
      if (!pairs.delete(pair)) return;
      printerSide.destroy();
      adapterSide.destroy();
    };
    // Either side failing or closing ends the pair: the relay never keeps half a connection.
    for (const socket of [printerSide, adapterSide]) {
      socket.on('error', end);
      socket.on('close', end);
    }
    printerSide.pipe(adapterSide);
    adapterSide.pipe(printerSide);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    connections: () => pairs.size,
    reset(share, random) {
      const open = [...pairs];
      if (open.length === 0) return 0;
      const chosen = open.filter(() => random() < share);
      const victims = chosen.length > 0 ? chosen : [open[Math.floor(random() * open.length)]!];
      for (const pair of victims) {
        pairs.delete(pair);
        resetBoth(pair);
      }
      return victims.length;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const pair of pairs) resetBoth(pair);
      pairs.clear();
      await closed;
    },
  };
}
