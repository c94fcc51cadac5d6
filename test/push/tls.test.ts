import test from 'ava';
import { silentLogger } from '../../config/logging.js';
import { anyAuthenticator, subjectAuthenticator, tokenAuthenticator } from '../../protocols/push/auth.js';
import { createPushClient } from '../../sim/clients/push-client.js';
import { type TestPki, createTestPki } from '../support/certs.js';
import { TOKENS, rawClient, startServer, upgradeStatus } from './harness.js';

let pki: TestPki;

test.before(() => {
  pki = createTestPki('printer-01');
});

test.after.always(() => pki?.cleanup());

test('a printer is recognised by its client certificate (clientAuth required)', async (t) => {
  const { server, url, deliveries } = await startServer({
    tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, clientAuth: 'required' },
    authenticate: subjectAuthenticator({ p07: pki.clientSubject }),
  });
  t.teardown(() => server.close());
  const client = createPushClient({
    url,
    tls: { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey },
    logger: silentLogger(),
    backoff: { minMs: 20, maxMs: 200 },
    firstSeq: 1,
  });
  t.teardown(() => client.close());
  const sent = client.send([{ item: 'OxygenPpm', value: 380, unit: 'ppm' }], 1_764_238_500_000);
  const delivery = await deliveries.next('delivery');
  t.is(delivery.printerId, 'p07');
  delivery.handle.ack();
  await sent;
  t.is(server.connections()[0]?.printerId, 'p07');
});

test('without a client certificate the handshake fails when clientAuth is required', async (t) => {
  const { server, url } = await startServer({
    tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, clientAuth: 'required' },
    authenticate: subjectAuthenticator({ p07: pki.clientSubject }),
  });
  t.teardown(() => server.close());
  await t.throwsAsync(rawClient(url, TOKENS.p01, { ca: pki.caCert }));
  t.deepEqual(server.connections(), []);
});

test('a client that trusts another CA refuses the server', async (t) => {
  const { server, url } = await startServer({
    tls: { cert: pki.serverCert, key: pki.serverKey, clientAuth: 'none' },
  });
  t.teardown(() => server.close());
  const error = await t.throwsAsync(rawClient(url, TOKENS.p01, { ca: pki.otherCaCert }));
  t.regex(error?.message ?? '', /certificate/i);
});

test('with clientAuth optional a token still works and nothing at all gets 401', async (t) => {
  const { server, url, deliveries } = await startServer({
    tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, clientAuth: 'optional' },
    authenticate: anyAuthenticator(subjectAuthenticator({ p07: pki.clientSubject }), tokenAuthenticator(TOKENS)),
  });
  t.teardown(() => server.close());
  t.is(await upgradeStatus(url, undefined, { ca: pki.caCert }), 401);
  const byToken = await rawClient(url, TOKENS.p02, { ca: pki.caCert });
  const byCert = await rawClient(url, undefined, { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey });
  byToken.ws.send(JSON.stringify({ seq: 1, time: 1, readings: [] }));
  byCert.ws.send(JSON.stringify({ seq: 1, time: 1, readings: [] }));
  const printers = [(await deliveries.next('first')).printerId, (await deliveries.next('second')).printerId].sort();
  t.deepEqual(printers, ['p02', 'p07']);
  byToken.ws.close();
  byCert.ws.close();
  await Promise.all([byToken.closed, byCert.closed]);
});
