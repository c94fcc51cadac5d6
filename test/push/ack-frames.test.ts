import test from 'ava';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type PerMessageDeflateOptions, type WebSocket, WebSocketServer } from 'ws';
import { PUSH_MESSAGE_LIMITS, PUSH_SERVER_DEFAULTS } from '../../config/defaults.js';
import { silentLogger } from '../../config/logging.js';
import { PushConnection, type PushDelivery } from '../../protocols/push/connection.js';
import { encodeAck, encodeAckFrames } from '../../protocols/push/replies.js';
import { until } from '../support/until.js';
import { Inbox, TOKENS, WAIT_MS, message, rawClient, rawUpgradedSocket, roundTrip, startServer } from './harness.js';

/**
 * PushConnection writes a turn's acks as frames it builds itself, on the socket under ws
 * (bench/push-acks.ts measures why). That is right only while ws frames a server's text message
 * as we do, writes each of its frames whole and at once, and nothing (compression) makes it queue
 * frames for later. These tests fail if a ws upgrade or a server option changes any of that.
 */

interface WsEnd {
  ws: WebSocket;
  transport: Socket;
}

/** A ws server as the push server sets one up (noServer, upgrade by hand), with one peer connected. */
async function wsPair<Peer>(
  perMessageDeflate: boolean | PerMessageDeflateOptions,
  connectPeer: (port: number) => Peer,
): Promise<{ server: WsEnd; peer: Awaited<Peer>; close: () => void }> {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate, clientTracking: false });
  const http = createServer();
  const accepted = new Promise<WsEnd>((resolve) => {
    http.on('upgrade', (request, socket: Socket, head) =>
      wss.handleUpgrade(request, socket, head, (ws) => resolve({ ws, transport: socket })),
    );
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const peer = await connectPeer((http.address() as AddressInfo).port);
  const server = await accepted;
  return {
    server,
    peer,
    close: () => {
      server.ws.terminate();
      http.close();
    },
  };
}

function waitFor(condition: () => boolean, what: string): Promise<void> {
  return until(condition, { what, timeoutMs: WAIT_MS, everyMs: 5 });
}

interface WireFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  payload: Buffer;
}

/** Splits unmasked server frames (RFC 6455 §5.2); throws on a masked one or a truncated tail. */
function framesOf(bytes: Buffer): WireFrame[] {
  const frames: WireFrame[] = [];
  let at = 0;
  while (at < bytes.length) {
    const first = bytes[at] as number;
    const second = bytes[at + 1] as number;
    if (second & 0x80) throw new Error('a server frame is masked');
    let length = second & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > bytes.length) throw new Error('a frame is cut short');
    frames.push({
      fin: (first & 0x80) !== 0,
      rsv: (first >> 4) & 0x7,
      opcode: first & 0x0f,
      payload: bytes.subarray(start, start + length),
    });
    at = start + length;
  }
  return frames;
}

const SEQS = [0, 7, 10, 99, 125, 1_764_238_502_123, Number.MAX_SAFE_INTEGER];

test('ws frames a server text message byte for byte as encodeAckFrames builds it', async (t) => {
  const { server, peer, close } = await wsPair(false, (port) => rawUpgradedSocket(port, TOKENS.p01));
  t.teardown(close);
  const expected = encodeAckFrames(SEQS);
  for (const seq of SEQS) server.ws.send(encodeAck(seq));
  await waitFor(() => peer.received().length >= expected.length, 'acks from ws');
  t.deepEqual(peer.received(), expected);
  t.deepEqual(
    framesOf(encodeAckFrames(SEQS)).map((frame) => [frame.fin, frame.rsv, frame.opcode, frame.payload.toString('latin1')]),
    SEQS.map((seq) => [true, 0, 1, encodeAck(seq)]),
  );
});

test('acks written under ws land between its frames, whole and in call order: text, a large message, ping, close', async (t) => {
  const { server, peer, close } = await wsPair(false, (port) => rawUpgradedSocket(port, TOKENS.p01));
  t.teardown(close);
  // Larger than the socket's high-water mark: ws writes it while the socket is already backed up.
  const large = 'x'.repeat(256 * 1024);
  server.ws.send('{"error":{"code":"FIRST","message":"a"}}');
  server.transport.write(encodeAckFrames([1]));
  server.ws.send(large);
  server.transport.write(encodeAckFrames([2, 3]));
  server.ws.ping('p');
  server.transport.write(encodeAckFrames([4]));
  server.ws.close(1000, 'bye');
  await waitFor(() => peer.received().includes('bye'), 'the close frame');
  const frames = framesOf(peer.received());
  t.deepEqual(
    frames.map((frame) => [
      frame.fin,
      frame.rsv,
      frame.opcode,
      frame.payload.length > 64 ? `${frame.payload.length} bytes` : frame.payload.toString('latin1'),
    ]),
    [
      [true, 0, 1, '{"error":{"code":"FIRST","message":"a"}}'],
      [true, 0, 1, '{"ack":1}'],
      [true, 0, 1, `${large.length} bytes`],
      [true, 0, 1, '{"ack":2}'],
      [true, 0, 1, '{"ack":3}'],
      [true, 0, 9, 'p'],
      [true, 0, 1, '{"ack":4}'],
      [true, 0, 8, `\u0003\u00e8bye`],
    ],
  );
});

test('the push server negotiates no extension, though the printer offers compression', async (t) => {
  const { server, url, deliveries } = await startServer();
  t.teardown(() => server.close());
  const client = await rawClient(url, TOKENS.p01, { perMessageDeflate: true });
  t.is(client.ws.extensions, '');
  client.ws.send(message(5));
  (await deliveries.next('delivery')).handle.ack();
  t.deepEqual(JSON.parse(await client.frames.next('ack')), { ack: 5 });
  client.ws.close();
  await client.closed;
});

test('where compression was negotiated, a connection sends its acks through ws and never writes under it', async (t) => {
  const {
    server,
    peer: client,
    close,
  } = await wsPair({ threshold: 0 }, (port) => rawClient(`ws://127.0.0.1:${port}/`, undefined, { perMessageDeflate: { threshold: 0 } }));
  t.teardown(close);
  t.regex(server.ws.extensions, /permessage-deflate/);

  let writesUnderWs = 0;
  const deliveries = new Inbox<PushDelivery>();
  const connection = new PushConnection({
    connectionId: 'push-1',
    printerId: 'p01',
    remoteAddress: '127.0.0.1',
    socket: server.ws,
    transport: {
      write: () => {
        writesUnderWs++;
        return true;
      },
    },
    limits: { ...PUSH_SERVER_DEFAULTS, messageLimits: PUSH_MESSAGE_LIMITS },
    logger: silentLogger(),
    onMessage: (delivery) => deliveries.push(delivery),
    onClosed: () => {},
  });
  for (const seq of [1, 2, 3]) client.ws.send(message(seq));
  const delivered = [await deliveries.next('delivery 1'), await deliveries.next('delivery 2'), await deliveries.next('delivery 3')];
  for (const delivery of delivered.reverse()) delivery.handle.ack();
  t.deepEqual(
    [await client.frames.next('ack'), await client.frames.next('ack'), await client.frames.next('ack')],
    ['{"ack":3}', '{"ack":2}', '{"ack":1}'],
  );
  t.is(writesUnderWs, 0);
  await roundTrip(client.ws);
  connection.terminate();
  await connection.closed;
});
