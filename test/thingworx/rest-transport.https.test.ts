import { Writable } from 'node:stream';
import test from 'ava';
import { createLogger, silentLogger } from '../../config/logging.js';
import { createRestTransport, type RestTransportOptions } from '../../protocols/thingworx/rest-transport.js';
import type { DeliveryOutcome, VtqRow } from '../../protocols/thingworx/types.js';
import { type StandInOptions, startThingworxStandIn, type ThingworxStandIn } from '../../sim/thingworx/stand-in.js';
import { createTestPki, type TestPki } from '../support/certs.js';

const KEY = '6a1c1f1e-2d5b-4c3e-8f00-5b7a1c2d3e4f';
const T = 1764238502123;
const rows = (n: number, from = 0): VtqRow[] =>
  Array.from({ length: n }, (_, i) => ({ name: 'Layer', value: from + i, time: T + from + i, quality: 'GOOD', baseType: 'INTEGER' }));

let pki: TestPki;
test.before(() => {
  pki = createTestPki();
});
test.after.always(() => pki?.cleanup());

function logCapture(): { lines: () => Array<Record<string, unknown>>; destination: Writable } {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>), destination };
}

async function scenario(
  standInOptions: Partial<StandInOptions>,
  transportOptions: Partial<RestTransportOptions>,
  run: (standIn: ThingworxStandIn, transport: ReturnType<typeof createRestTransport>) => Promise<void>,
): Promise<void> {
  const standIn = await startThingworxStandIn({
    appKey: KEY,
    things: ['p01', 'p02', 'adapter'],
    tls: { cert: pki.serverCert, key: pki.serverKey },
    ...standInOptions,
  });
  const transport = createRestTransport({
    baseUrl: standIn.url,
    appKey: KEY,
    tls: { ca: pki.caCert },
    requestTimeoutMs: 10_000,
    logger: silentLogger(),
    ...transportOptions,
  });
  try {
    await run(standIn, transport);
  } finally {
    await transport.close();
    await standIn.stop();
  }
}

test('delivery over HTTPS with the configured CA, rows recorded in order, one keep-alive connection', async (t) => {
  await scenario({}, {}, async (standIn, transport) => {
    for (let batch = 0; batch < 5; batch += 1) {
      t.deepEqual(await transport.updatePropertyValues('p01', rows(3, batch * 3)), { kind: 'delivered', status: 200 });
    }
    t.deepEqual(await transport.checkSession('p01'), { kind: 'delivered', status: 200 });
    t.deepEqual(
      standIn.records.map((record) => [record.thing, record.name, record.value, record.time, record.quality]),
      rows(15).map((row) => ['p01', 'Layer', row.value, row.time, 'GOOD']),
    );
    t.is(standIn.counters.connections, 1, 'sequential requests reuse one TLS connection');
  });
});

test('a server certificate from another CA is refused: a TLS retry outcome, and no request reaches the server', async (t) => {
  await scenario({}, { tls: { ca: pki.otherCaCert } }, async (standIn, transport) => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const outcome = await transport.updatePropertyValues('p01', rows(1));
      t.is(outcome.kind, 'retry');
      t.regex(
        outcome.kind === 'retry' ? outcome.detail : '',
        /^TWX_TLS_UNTRUSTED: .+\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)$/,
      );
    }
    t.like(await transport.checkSession('p01'), { kind: 'retry' });
    t.is(standIn.counters.requests, 0, 'the app key never left the client');
    t.is(standIn.records.length, 0);
  });
});

test('without the CA verification fails; allowSelfSigned accepts it only when set, and says so once', async (t) => {
  await scenario({}, { tls: {} }, async (standIn, transport) => {
    t.regex(JSON.stringify(await transport.updatePropertyValues('p01', rows(1))), /TWX_TLS_UNTRUSTED/);
    t.is(standIn.counters.requests, 0);
  });
  await scenario({}, { tls: { allowSelfSigned: false } }, async (standIn, transport) => {
    t.like(await transport.updatePropertyValues('p01', rows(1)), { kind: 'retry' });
    t.is(standIn.counters.requests, 0);
  });
  const log = logCapture();
  await scenario(
    {},
    { tls: { allowSelfSigned: true }, logger: createLogger({ level: 'info', destination: log.destination }) },
    async (standIn, transport) => {
      t.deepEqual(await transport.updatePropertyValues('p01', rows(1)), { kind: 'delivered', status: 200 });
      t.deepEqual(await transport.updatePropertyValues('p01', rows(1)), { kind: 'delivered', status: 200 });
      t.is(standIn.records.length, 2);
    },
  );
  const warnings = log.lines().filter((line) => line.event === 'thingworx_tls_verification_off');
  t.is(warnings.length, 1);
  t.is(warnings[0]?.level, 40);
});

test('a client certificate is presented when configured and a gateway requires one', async (t) => {
  const requireClientCert = { tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requireClientCert: true } };
  await scenario(requireClientCert, {}, async (standIn, transport) => {
    const outcome = await transport.updatePropertyValues('p01', rows(1));
    t.is(outcome.kind, 'retry');
    t.regex(outcome.kind === 'retry' ? outcome.detail : '', /^TWX_(TLS_FAILED|CONNECTION_RESET)/);
    t.is(standIn.records.length, 0);
  });
  await scenario(requireClientCert, { tls: { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey } }, async (standIn, transport) => {
    t.deepEqual(await transport.updatePropertyValues('p01', rows(1)), { kind: 'delivered', status: 200 });
    t.is(standIn.records.length, 1);
  });
});

test('app-key rotation ⇒ 401 ⇒ unauthorized; the new key ⇒ delivered', async (t) => {
  let currentKey = KEY;
  await scenario({}, { appKey: () => currentKey }, async (standIn, transport) => {
    t.is((await transport.updatePropertyValues('p01', rows(1))).kind, 'delivered');
    standIn.faults.rotateAppKey('rotated-key');
    t.deepEqual(await transport.updatePropertyValues('p01', rows(1, 1)), { kind: 'unauthorized', status: 401 });
    t.deepEqual(await transport.checkSession('adapter'), { kind: 'unauthorized', status: 401 });
    currentKey = 'rotated-key';
    t.deepEqual(await transport.checkSession('adapter'), { kind: 'delivered', status: 200 });
    t.deepEqual(await transport.updatePropertyValues('p01', rows(1, 1)), { kind: 'delivered', status: 200 });
    t.deepEqual(
      standIn.records.map((record) => record.value),
      [0, 1],
    );
  });
});

test('a 404 Thing does not block the others', async (t) => {
  await scenario({}, {}, async (standIn, transport) => {
    const outcomes = await Promise.all([
      transport.updatePropertyValues('p01', rows(2)),
      transport.updatePropertyValues('unknown-printer', rows(2)),
      transport.updatePropertyValues('p02', rows(2)),
    ]);
    t.deepEqual(outcomes, [
      { kind: 'delivered', status: 200 },
      { kind: 'not-found', status: 404 },
      { kind: 'delivered', status: 200 },
    ]);
    t.deepEqual([...new Set(standIn.records.map((record) => record.thing))].sort(), ['p01', 'p02']);
  });
});

test('server faults become retry outcomes: Retry-After, resets, outage, hang; then recovery', async (t) => {
  // The deadline only has to fire during the hang; it is generous so a loaded machine's handshakes fit in it.
  await scenario({}, { requestTimeoutMs: 3000 }, async (standIn, transport) => {
    const send = (): Promise<DeliveryOutcome> => transport.updatePropertyValues('p01', rows(1));
    standIn.faults.setRetryAfter(2, 1);
    t.deepEqual(await send(), { kind: 'retry', status: 503, retryAfterMs: 2000, detail: 'HTTP 503: Injected fault: HTTP 503' });

    standIn.faults.setResets(1);
    t.regex(JSON.stringify(await send()), /TWX_CONNECTION_RESET/);
    standIn.faults.setResets(1, 'after');
    t.regex(JSON.stringify(await send()), /TWX_CONNECTION_RESET/);
    standIn.faults.setResets(0);

    standIn.faults.setOutage(true);
    t.like(await send(), { kind: 'retry' });
    standIn.faults.setOutage(true, 'hang');
    t.deepEqual(await send(), { kind: 'retry', detail: 'TWX_TIMEOUT: no response within 3000 ms' });
    standIn.faults.setOutage(false);

    t.deepEqual(await send(), { kind: 'delivered', status: 200 });
    t.is(standIn.records.length, 2, 'the reset-after request was recorded: a re-send would duplicate it');
    t.is(standIn.counters.requests, 5, 'the outage reset its connection before any request');
  });
});

test('plain HTTP only when explicitly allowed, with a warning', async (t) => {
  const log = logCapture();
  const standIn = await startThingworxStandIn({ appKey: KEY, things: ['p01'] });
  const transport = createRestTransport({
    baseUrl: standIn.url,
    appKey: KEY,
    allowInsecureHttp: true,
    logger: createLogger({ level: 'info', destination: log.destination }),
  });
  try {
    t.deepEqual(await transport.updatePropertyValues('p01', rows(1)), { kind: 'delivered', status: 200 });
    t.is(log.lines().filter((line) => line.event === 'thingworx_plain_http').length, 1);
  } finally {
    await transport.close();
    await standIn.stop();
  }
});

test('a Thing the key may not write answers 403 while the session check on the adapter Thing passes: the two tell a refused Thing from a refused key', async (t) => {
  await scenario({}, {}, async (standIn, transport) => {
    standIn.faults.setForbidden('p01', true);
    t.deepEqual(await transport.updatePropertyValues('p01', rows(2)), { kind: 'unauthorized', status: 403 });
    t.deepEqual(await transport.checkSession('adapter'), { kind: 'delivered', status: 200 }, 'the key works');
    t.deepEqual(await transport.updatePropertyValues('p02', rows(2)), { kind: 'delivered', status: 200 });
    standIn.faults.rotateAppKey('another-key');
    t.deepEqual(await transport.checkSession('adapter'), { kind: 'unauthorized', status: 401 }, 'a refused key fails the check too');
  });
});

test('the session check has its own, shorter deadline: a ThingWorx that hangs costs the probe seconds, not the request timeout', async (t) => {
  await scenario({}, { requestTimeoutMs: 10_000, sessionCheckTimeoutMs: 300 }, async (standIn, transport) => {
    standIn.faults.setOutage(true, 'hang');
    const started = performance.now();
    const outcome = await transport.checkSession('adapter');
    const elapsed = performance.now() - started;
    t.is(outcome.kind, 'retry');
    t.regex(outcome.kind === 'retry' ? outcome.detail : '', /^TWX_TIMEOUT/);
    // Far from the 10 s request deadline (the bound is generous for a busy machine).
    t.true(elapsed < 5_000, `the check took ${elapsed.toFixed(0)} ms`);
    standIn.faults.setOutage(false);
  });
});
