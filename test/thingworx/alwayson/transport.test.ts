import { Writable } from 'node:stream';
import test from 'ava';
import { createLogger, silentLogger } from '../../../config/logging.js';
import { createAlwaysOnTransport, type AlwaysOnTransportOptions } from '../../../protocols/thingworx/alwayson/transport.js';
import { Code } from '../../../protocols/thingworx/alwayson/wire.js';
import type { ThingworxTransport, VtqRow } from '../../../protocols/thingworx/types.js';
import { startThingworxStandIn, type StandInOptions, type ThingworxStandIn } from '../../../sim/thingworx/stand-in.js';
import { createTestPki, type TestPki } from '../../support/certs.js';
import { until as untilCondition } from '../../support/until.js';

/** Slack for connect, TLS and AUTH on a loaded 2-core machine. */
const RECONNECT_SLACK_MS = 5_000;
const KEY = '6a1c1f1e-2d5b-4c3e-8f00-5b7a1c2d3e4f';
const T = 1_764_238_502_123;
const rows = (n: number, from = 0): VtqRow[] =>
  Array.from({ length: n }, (_, i) => ({ name: 'Layer', value: from + i, time: T + from + i, quality: 'GOOD', baseType: 'INTEGER' }));

let pki: TestPki;
test.before(() => {
  pki = createTestPki();
});
test.after.always(() => pki?.cleanup());

function logCapture(): { lines: () => Array<Record<string, unknown>>; text: () => string; destination: Writable } {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>), text: () => raw.join('\n'), destination };
}

const until = (condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> =>
  untilCondition(condition, { what, timeoutMs, everyMs: 20 });

async function scenario(
  standInOptions: Partial<StandInOptions>,
  transportOptions: Partial<AlwaysOnTransportOptions>,
  run: (standIn: ThingworxStandIn, transport: ThingworxTransport) => Promise<void>,
): Promise<void> {
  const standIn = await startThingworxStandIn({
    appKey: KEY,
    things: ['p01', 'p02', 'adapter'],
    tls: { cert: pki.serverCert, key: pki.serverKey },
    ...standInOptions,
  });
  const transport = createAlwaysOnTransport({
    baseUrl: standIn.url,
    appKey: KEY,
    tls: { ca: pki.caCert },
    things: () => ['p01', 'p02', 'adapter'],
    requestTimeoutMs: 5_000,
    reconnectJitterMs: 50,
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
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

test('over wss with the configured CA: AUTH gives the session, the Things are bound, each SUCCESS is delivered', async (t) => {
  const log = logCapture();
  await scenario({}, { logger: createLogger({ level: 'debug', destination: log.destination }) }, async (standIn, transport) => {
    t.deepEqual(await transport.checkSession('adapter'), { kind: 'delivered', status: 200 });
    for (let batch = 0; batch < 5; batch++)
      t.deepEqual(await transport.updatePropertyValues('p01', rows(10, batch * 10)), { kind: 'delivered', status: 200 });
    t.deepEqual(
      standIn.records.map((r) => r.value),
      Array.from({ length: 50 }, (_, i) => i),
    );
    t.true(standIn.records.every((r) => r.thing === 'p01' && r.baseType === 'INTEGER' && r.quality === 'GOOD'));
    const status = transport.describe?.();
    t.is(status?.state, 'open');
    t.deepEqual(status?.boundThings, ['adapter', 'p01', 'p02']);
    t.deepEqual(standIn.alwaysOn.sessions(), [{ sessionId: status?.sessionId as number, bound: ['adapter', 'p01', 'p02'] }]);
    t.is(standIn.alwaysOn.counters.auths, 1);
    t.is(standIn.alwaysOn.counters.upgrades, 1);
    await transport.close();
    t.is(standIn.alwaysOn.counters.unbound, 3, 'closing UNBINDs what it bound');
    t.is(transport.describe?.().state, 'closed');
  });
  t.false(log.text().includes(KEY), 'the app key never appears in a log line');
});

test('a wrong key is refused at AUTH; a rotation refuses the session; the new key is used on the next connect', async (t) => {
  let key = 'wrong-key';
  await scenario({}, { appKey: () => key }, async (standIn, transport) => {
    t.deepEqual(await transport.checkSession('adapter'), { kind: 'unauthorized', status: 401 });
    t.is(standIn.alwaysOn.counters.authRefused, 1);
    key = KEY;
    t.deepEqual(await transport.updatePropertyValues('p01', rows(1)), { kind: 'delivered', status: 200 });
    standIn.faults.rotateAppKey('rotated-key');
    t.deepEqual(await transport.updatePropertyValues('p01', rows(1, 1)), { kind: 'unauthorized', status: 401 });
    key = 'rotated-key';
    t.deepEqual(await transport.updatePropertyValues('p01', rows(1, 2)), { kind: 'delivered', status: 200 });
    t.is(standIn.alwaysOn.counters.auths, 3);
  });
});

test('FORBIDDEN and NOT_FOUND map to the REST outcomes, one Thing at a time; a Thing added later is bound on first use', async (t) => {
  await scenario({ things: ['p01', 'p02', 'adapter'] }, { things: () => ['p01', 'adapter'] }, async (standIn, transport) => {
    standIn.faults.setForbidden('p02', true);
    t.deepEqual(await transport.updatePropertyValues('p02', rows(1)), { kind: 'unauthorized', status: 403 });
    t.deepEqual(await transport.checkSession('adapter'), { kind: 'delivered', status: 200 }, 'the key still works');
    t.deepEqual(await transport.updatePropertyValues('ghost', rows(1)), { kind: 'not-found', status: 404 });
    t.deepEqual(await transport.updatePropertyValues('p01', rows(1)), { kind: 'delivered', status: 200 });
    standIn.faults.setForbidden('p02', false);
    // p02 was not in the configured list (a reload added it): bound alone, then delivered.
    t.deepEqual(await transport.updatePropertyValues('p02', rows(1)), { kind: 'delivered', status: 200 });
    t.deepEqual(transport.describe?.().boundThings, ['adapter', 'p01', 'p02']);
    standIn.faults.setErrorRate(1, 503);
    const outcome = await transport.updatePropertyValues('p01', rows(1));
    t.is(outcome.kind, 'retry');
    t.is('status' in outcome ? outcome.status : undefined, 503);
  });
});

test('the server writes a property or calls a service: FORBIDDEN, logged at warn, nothing recorded; GetMetadata is answered', async (t) => {
  const log = logCapture();
  await scenario({}, { logger: createLogger({ level: 'info', destination: log.destination }) }, async (standIn, transport) => {
    t.deepEqual(await transport.checkSession('adapter'), { kind: 'delivered', status: 200 });
    const write = await standIn.alwaysOn.callEdge('p01', {
      kind: 'request',
      method: 'PUT',
      entityType: 0x0a,
      entity: 'p01',
      characteristic: 1,
      name: 'TargetTemperature',
      params: {
        fields: [{ name: 'TargetTemperature', description: '', baseType: 'NUMBER', aspects: [] }],
        rows: [[{ type: 'NUMBER', value: 250 }]],
      },
    });
    t.is(write.header.code, Code.FORBIDDEN);
    const service = await standIn.alwaysOn.callEdge('p01', {
      kind: 'request',
      method: 'POST',
      entityType: 0x0a,
      entity: 'p01',
      characteristic: 2,
      name: 'StartPrint',
    });
    t.is(service.header.code, Code.FORBIDDEN);
    const file = await standIn.alwaysOn.callEdge('p01', {
      kind: 'request',
      method: 'POST',
      entityType: 0x0a,
      entity: 'p01',
      characteristic: 2,
      name: 'BrowseDirectory',
    });
    t.is(file.header.code, Code.FORBIDDEN);
    const metadata = await standIn.alwaysOn.callEdge('p01', {
      kind: 'request',
      method: 'GET',
      entityType: 0x0a,
      entity: 'p01',
      characteristic: 2,
      name: 'GetMetadata',
    });
    t.is(metadata.header.code, Code.SUCCESS);
    t.true(metadata.body.kind === 'response' && metadata.body.result?.rows[0]?.[0]?.type === 'JSON');
    const warnings = log.lines().filter((line) => line.level === 40 && String(line.msg).includes('refused (FORBIDDEN)'));
    t.deepEqual(
      warnings.map((line) => line.name),
      ['TargetTemperature', 'StartPrint', 'BrowseDirectory'],
    );
    t.is(standIn.records.length, 0, 'nothing was written anywhere');
  });
});

test('the server drops the session mid-stream: the calls in flight retry, the session reconnects, re-AUTHs and re-BINDs', async (t) => {
  await scenario({}, {}, async (standIn, transport) => {
    t.deepEqual(await transport.updatePropertyValues('p01', rows(5)), { kind: 'delivered', status: 200 });
    const firstSession = transport.describe?.().sessionId;
    standIn.faults.setLatency(200);
    const inFlight = transport.updatePropertyValues('p01', rows(5, 5));
    await until(() => standIn.alwaysOn.counters.requests >= 3, 'the request to arrive');
    standIn.alwaysOn.dropSessions();
    const lost = await inFlight;
    t.is(lost.kind, 'retry');
    t.regex(lost.kind === 'retry' ? lost.detail : '', /^TWX_AO_CONNECTION_LOST/);
    standIn.faults.setLatency(0);
    await until(() => transport.describe?.().state === 'open', 'the reconnect');
    const status = transport.describe?.();
    t.is(status?.reconnects, 1);
    t.not(status?.sessionId, firstSession);
    t.deepEqual(status?.boundThings, ['adapter', 'p01', 'p02']);
    t.is(standIn.alwaysOn.counters.auths, 2);
    // The engine re-sends what was not delivered; the stand-in may hold it twice (recorded before the drop).
    t.deepEqual(await transport.updatePropertyValues('p01', rows(5, 5)), { kind: 'delivered', status: 200 });
    const distinct = new Set(standIn.records.map((r) => r.time));
    t.deepEqual(
      [...distinct].sort(),
      rows(10).map((r) => r.time),
    );
  });
});

test('a ping unanswered: the session is given up and reconnects within ping interval + pong timeout + reconnect delay', async (t) => {
  const timing = { pingIntervalMs: 300, pongTimeoutMs: 300, reconnectJitterMs: 100 };
  await scenario({}, timing, async (standIn, transport) => {
    t.deepEqual(await transport.checkSession('adapter'), { kind: 'delivered', status: 200 });
    await until(() => transport.describe?.().lastPongAgoMs !== null, 'a first pong');
    standIn.alwaysOn.setPongs(false);
    const started = Date.now();
    await until(() => (transport.describe?.().reconnects ?? 0) >= 1, 'a reconnect');
    // The stated bound: the next ping, its pong deadline, then the random reconnect delay (plus connect and AUTH, which
    // the slack covers on a busy machine: a liveness bound, not a speed claim).
    const bound = timing.pingIntervalMs + timing.pongTimeoutMs + timing.reconnectJitterMs;
    const elapsed = Date.now() - started;
    t.log(`reconnected after ${elapsed} ms (stated bound ${bound} ms plus scheduling)`);
    t.true(elapsed < bound + RECONNECT_SLACK_MS, `reconnected within ${bound} ms + ${RECONNECT_SLACK_MS} ms of slack`);
    t.regex(transport.describe?.().lastError ?? 'none', /none|PONG_MISSED/);
    t.is(standIn.alwaysOn.counters.auths, 2);
    standIn.alwaysOn.setPongs(true);
    t.deepEqual(await transport.updatePropertyValues('p01', rows(1)), { kind: 'delivered', status: 200 });
  });
});

test('an untrusted server certificate is a retry with the TLS code, never a fallback', async (t) => {
  await scenario({}, { tls: {} }, async (_standIn, transport) => {
    const outcome = await transport.checkSession('adapter');
    t.is(outcome.kind, 'retry');
    t.regex(outcome.kind === 'retry' ? outcome.detail : '', /^TWX_TLS_UNTRUSTED/);
    t.is(transport.describe?.().state, 'waiting');
  });
});
