import { connect as connectTcp, type Socket } from 'node:net';
import { WebSocket, type ClientOptions } from 'ws';
import { silentLogger } from '../../config/logging.js';
import { tokenAuthenticator } from '../../protocols/push/auth.js';
import type { PushDelivery } from '../../protocols/push/connection.js';
import { type PushServer, type PushServerOptions, createPushServer } from '../../protocols/push/server.js';

/** Generous: these waits only fail a test when something is really wrong, never by slowness. */
export const WAIT_MS = 10_000;

export const TOKENS = { p01: 'token-p01-4a7c', p02: 'token-p02-9be1' } as const;

/** A FIFO that test code awaits: each next() gets the next pushed item, or fails after WAIT_MS. */
export class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];
  readonly all: T[] = [];

  push(item: T): void {
    this.all.push(item);
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  get queued(): number {
    return this.items.length;
  }

  next(what = 'item'): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`no ${what} within ${WAIT_MS} ms`));
      }, WAIT_MS);
      const waiter = (value: T) => {
        clearTimeout(timer);
        resolve(value);
      };
      this.waiters.push(waiter);
    });
  }
}

export interface RunningServer {
  server: PushServer;
  port: number;
  url: string;
  deliveries: Inbox<PushDelivery>;
}

export async function startServer(overrides: Partial<PushServerOptions> = {}): Promise<RunningServer> {
  const deliveries = new Inbox<PushDelivery>();
  const server = createPushServer({
    host: '127.0.0.1',
    port: 0,
    authenticate: tokenAuthenticator(TOKENS),
    logger: silentLogger(),
    onMessage: (delivery) => deliveries.push(delivery),
    ...overrides,
  });
  const { port } = await server.listen();
  const scheme = overrides.tls ? 'wss' : 'ws';
  return { server, port, url: `${scheme}://127.0.0.1:${port}/push/v1`, deliveries };
}

/** A bare ws client that records what the adapter sends and how it closes. */
export interface RawClient {
  ws: WebSocket;
  frames: Inbox<string>;
  closed: Promise<{ code: number; reason: string }>;
}

export function rawClient(url: string, token?: string, options: ClientOptions = {}): Promise<RawClient> {
  const ws = new WebSocket(url, {
    ...options,
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });
  const frames = new Inbox<string>();
  ws.on('message', (data) => frames.push(String(data)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, closed }));
    ws.once('error', reject);
  });
}

/** The HTTP status a refused upgrade answers with. */
export function upgradeStatus(url: string, token?: string, options: ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      ...options,
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    });
    ws.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('upgrade unexpectedly accepted'));
    });
    ws.on('error', () => {});
  });
}

/** Resolves once a ping round trip completes: every frame the server sent before the pong has arrived. */
export function roundTrip(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    ws.once('pong', () => resolve());
    ws.ping();
  });
}

export function message(
  seq: number,
  readings: unknown[] = [{ item: 'VatTemperature', value: 30.1, unit: '°C' }],
  time = 1_764_238_502_123,
): string {
  return JSON.stringify({ seq, time, readings });
}

/** A plain TCP connection that has completed the WebSocket handshake, for writing hand-made frames. */
export function rawUpgradedSocket(port: number, token: string): Promise<{ socket: Socket; received: () => Buffer; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    const ended = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (upgraded) return;
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const head = buffer.subarray(0, headerEnd).toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) {
        reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
        return;
      }
      upgraded = true;
      buffer = buffer.subarray(headerEnd + 4);
      resolve({ socket, received: () => buffer, ended });
    });
    socket.write(
      'GET /push/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
  });
}
