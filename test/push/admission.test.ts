/**
 * Issue 19 part 2 on the push listener: connections that never complete an upgrade are bounded
 * (per address, slots kept for printers) and closed after handshakeTimeoutMs.
 */
import { type Socket, connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import test from 'ava';
import { subjectAuthenticator } from '../../protocols/push/auth.js';
import { capturedLogger } from '../lumberjack/support.js';
import { createTestPki, type TestPki } from '../support/certs.js';
import { until } from '../support/until.js';
import { message, rawClient, startServer, TOKENS, WAIT_MS } from './harness.js';

let pki: TestPki;
test.before(() => {
  pki = createTestPki('printer-01');
});
test.after.always(() => pki?.cleanup());

type Teardown = { teardown(fn: () => Promise<void> | void): void };

const ATTACKERS = Array.from({ length: 13 }, (_, i) => `127.0.0.${i + 2}`);

function idleConnection(t: Teardown, port: number, localAddress: string, tls = false): Promise<Socket> {
  return new Promise((resolve) => {
    const tcp = connectTcp({ host: '127.0.0.1', port, localAddress });
    const socket = tls ? connectTls({ socket: tcp, ca: pki.caCert, servername: 'localhost' }) : tcp;
    socket.on('error', () => resolve(socket));
    socket.on('close', () => resolve(socket));
    socket.once(tls ? 'secureConnect' : 'connect', () => resolve(socket));
    t.teardown(() => {
      socket.destroy();
    });
  });
}

const eventually = (condition: () => boolean, what: string): Promise<void> => until(condition, { what, timeoutMs: WAIT_MS });

test('100 connections that never upgrade, then a printer known by its address connects and is acknowledged', async (t) => {
  const { logger, lines } = capturedLogger();
  const { server, url, port, deliveries } = await startServer({
    handshakeTimeoutMs: 120_000,
    logger,
    knownPrinters: { addresses: ['127.0.0.1'], tlsSubjects: [], count: 1 },
  });
  t.teardown(() => server.close());
  const sockets: Socket[] = [];
  for (let i = 0; i < 100; i += 10) {
    sockets.push(...(await Promise.all(ATTACKERS.slice(0, 10).map((_, j) => idleConnection(t, port, ATTACKERS[(i + j) % 13]!)))));
  }
  await eventually(() => server.stats().anonymousConnections === 62, 'the anonymous share to fill');
  const printer = await rawClient(url, TOKENS.p01);
  t.teardown(() => printer.ws.terminate());
  printer.ws.send(message(1));
  const delivery = await deliveries.next('the printer’s message');
  t.is(delivery.printerId, 'p01');
  delivery.handle.ack();
  t.deepEqual(JSON.parse(await printer.frames.next('the ack')), { ack: 1 });
  t.like(server.stats(), { printerConnections: 1, anonymousConnections: 62, reservedSlots: 2 });
  t.is(server.stats().refused['anonymous-full'], 38);
  await eventually(() => sockets.filter((socket) => socket.destroyed).length === 38, 'the refused ones closed');
  t.like(
    lines().filter((line) => line.code === 'ADMISSION_REFUSED'),
    [{ level: 40, reason: 'anonymous-full', suppressed: 0 }],
  );
});

test('a connection that does not complete its upgrade within handshakeTimeoutMs is closed, however it trickles', async (t) => {
  const { server, port } = await startServer({ handshakeTimeoutMs: 400 });
  t.teardown(() => server.close());
  const silent = await idleConnection(t, port, '127.0.0.2');
  const trickling = await idleConnection(t, port, '127.0.0.3');
  const request = 'GET /push/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n';
  let sent = 0;
  const drip = setInterval(() => {
    if (!trickling.destroyed && sent < request.length) trickling.write(request[sent++]!);
  }, 50);
  t.teardown(() => clearInterval(drip));
  await eventually(() => silent.destroyed && trickling.destroyed, 'both closed');
  t.is(server.stats().closedUnauthenticated, 2);
  t.deepEqual(server.stats().refused, { 'listener-full': 0, 'anonymous-full': 0, 'per-address': 0, 'handshakes-full': 0 });
});

test('an authenticated printer leaves its address’s share, and the per-address limit refuses the rest', async (t) => {
  const { server, url, port } = await startServer({ handshakeTimeoutMs: 120_000, maxConnectionsPerAddress: 2 });
  t.teardown(() => server.close());
  const printer = await rawClient(url, TOKENS.p01, { localAddress: '127.0.0.5' });
  t.teardown(() => printer.ws.terminate());
  t.like(server.stats(), { printerConnections: 1, anonymousConnections: 0 });
  const idle = await Promise.all([1, 2, 3].map(() => idleConnection(t, port, '127.0.0.5')));
  await eventually(() => idle.filter((socket) => socket.destroyed).length === 1, 'one refused');
  t.like(server.stats(), { printerConnections: 1, anonymousConnections: 2 });
  t.is(server.stats().refused['per-address'], 1);
});

test('over TLS: a printer known by its certificate gets in past 100 anonymous TLS connections that never upgrade', async (t) => {
  const { server, url, port, deliveries } = await startServer({
    handshakeTimeoutMs: 120_000,
    tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, clientAuth: 'optional' },
    authenticate: subjectAuthenticator({ p07: pki.clientSubject }),
    knownPrinters: { addresses: [], tlsSubjects: [pki.clientSubject], count: 1 },
  });
  t.teardown(() => server.close());
  for (let i = 0; i < 100; i += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, j) => idleConnection(t, port, ATTACKERS[(i + j) % 13]!, true)));
  }
  await eventually(() => server.stats().anonymousConnections === 62 && server.stats().pendingHandshakes === 0, 'the attack settled');
  const printer = await rawClient(url, undefined, { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey });
  t.teardown(() => printer.ws.terminate());
  printer.ws.send(message(1));
  t.is((await deliveries.next('the printer’s message')).printerId, 'p07');
  t.like(server.stats(), { printerConnections: 1, anonymousConnections: 62 });
  t.is(server.stats().refused['anonymous-full'], 38);
});
