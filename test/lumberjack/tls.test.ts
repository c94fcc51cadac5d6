import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import test from 'ava';
import { silentLogger } from '../../config/logging.js';
import type { BeatsBatch } from '../../protocols/lumberjack/batch.js';
import { createBeatsClient } from '../../sim/clients/lumberjack-client.js';
import { LumberjackError } from '../../protocols/lumberjack/errors.js';
import type { LumberjackLimits } from '../../protocols/lumberjack/limits.js';
import { createBeatsServer } from '../../protocols/lumberjack/server.js';
import type { ClientAuth } from '../../protocols/lumberjack/server-tls.js';
import { createTestPki, type TestPki } from '../support/certs.js';
import { CAPTURES, capturedLogger, filebeatEvents } from './support.js';

let pki: TestPki;
test.before(() => {
  pki = createTestPki('printer-01');
});
test.after.always(() => pki?.cleanup());

async function tlsServer(t: { teardown(fn: () => Promise<void>): void }, clientAuth: ClientAuth, limits: Partial<LumberjackLimits> = {}) {
  const batches: BeatsBatch[] = [];
  const { logger, lines } = capturedLogger();
  const server = createBeatsServer({
    host: '127.0.0.1',
    port: 0,
    tls: { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, caFile: pki.caCertFile, clientAuth },
    limits,
    logger,
    onWindow: (batch) => {
      batches.push(batch);
      batch.handle.ack();
    },
  });
  const { port } = await server.listen();
  t.teardown(() => server.close());
  return { port, batches, lines };
}

/** Publishes through our client over TLS; resolves with the peer the server saw. */
async function publishWith(t: { teardown(fn: () => Promise<void>): void }, port: number, withCertificate: boolean) {
  const client = createBeatsClient({
    host: '127.0.0.1',
    port,
    tls: { ca: pki.caCert, ...(withCertificate ? { cert: pki.clientCert, key: pki.clientKey } : {}) },
    logger: silentLogger(),
  });
  t.teardown(() => client.close());
  await client.publish(filebeatEvents(3));
}

/** A raw TLS connection that sends one window; resolves with what it got back and how it ended. */
function rawTlsAttempt(port: number, options: { cert?: string; key?: string }) {
  return new Promise<{ acks: number; error?: string }>((resolve) => {
    const socket = connectTls({ host: '127.0.0.1', port, ca: pki.caCert, ...options });
    let acks = 0;
    let error: string | undefined;
    socket.on('secureConnect', () => socket.write(CAPTURES[0]!.bytes));
    socket.on('data', (chunk: Buffer) => {
      acks += chunk.length / 6;
      if (acks >= 3) socket.end();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => resolve(error === undefined ? { acks } : { acks, error }));
  });
}

test('required: a client without a certificate is refused; one with a certificate is known by its subject', async (t) => {
  const { port, batches, lines } = await tlsServer(t, 'required');
  const refused = await rawTlsAttempt(port, {});
  t.is(refused.acks, 0);
  t.truthy(refused.error, 'the client sees the refusal');
  t.is(batches.length, 0);
  t.truthy(lines().find((l) => l.code === 'LJ_ERR_TLS_HANDSHAKE'));
  await publishWith(t, port, true);
  t.is(batches.length, 1);
  t.is(batches[0]?.peer.tlsSubject, pki.clientSubject);
  t.is(batches[0]?.peer.remoteAddress, '127.0.0.1');
});

test('optional: no certificate is fine, a certificate that does not verify is refused', async (t) => {
  const { port, batches, lines } = await tlsServer(t, 'optional');
  await publishWith(t, port, false);
  t.is(batches.length, 1);
  t.is(batches[0]?.peer.tlsSubject, undefined);
  await publishWith(t, port, true);
  t.is(batches[1]?.peer.tlsSubject, 'CN=printer-01');
  // The server's own certificate is for serverAuth only: presented by a client it must not verify.
  const wrongPurpose = await rawTlsAttempt(port, { cert: pki.serverCert, key: pki.serverKey });
  t.is(wrongPurpose.acks, 0);
  t.is(batches.length, 2);
  t.truthy(lines().find((l) => l.code === 'LJ_ERR_CLIENT_CERT'));
});

test('none: no certificate is asked for, so no subject is reported', async (t) => {
  const { port, batches } = await tlsServer(t, 'none');
  await publishWith(t, port, true);
  t.is(batches[0]?.peer.tlsSubject, undefined);
});

test('a TLS handshake that does not finish within handshakeTimeoutMs is cut off', async (t) => {
  const { port, lines } = await tlsServer(t, 'none', { handshakeTimeoutMs: 300 });
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    socket.on('close', () => resolve());
    socket.resume();
  });
  t.true(Date.now() - started < 5000);
  t.like(
    lines().find((l) => l.code === 'LJ_ERR_TLS_HANDSHAKE'),
    { reason: 'ERR_TLS_HANDSHAKE_TIMEOUT' },
  );
});

test('client authentication without a CA, or without a certificate, is a configuration error', (t) => {
  const make = (tls: Parameters<typeof createBeatsServer>[0]['tls']) => () =>
    createBeatsServer({ port: 0, tls, logger: silentLogger(), onWindow: () => {} });
  const noCa = t.throws(make({ cert: pki.serverCert, key: pki.serverKey, clientAuth: 'required' }), { instanceOf: LumberjackError });
  t.is(noCa?.code, 'LJ_ERR_BAD_OPTIONS');
  const noCert = t.throws(make({ key: pki.serverKey }), { instanceOf: LumberjackError });
  t.is(noCert?.code, 'LJ_ERR_BAD_OPTIONS');
  const missingFile = t.throws(make({ certFile: '/nonexistent/cert.pem', key: pki.serverKey }), { instanceOf: LumberjackError });
  t.like(missingFile?.context, { file: '/nonexistent/cert.pem', errno: 'ENOENT' });
});
