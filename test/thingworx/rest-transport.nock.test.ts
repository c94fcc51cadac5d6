import { Writable } from 'node:stream';
import test from 'ava';
import nock from 'nock';
import { createLogger, silentLogger } from '../../config/logging.js';
import { ThingworxConfigError } from '../../protocols/thingworx/config-error.js';
import { createRestTransport, type RestTransportOptions } from '../../protocols/thingworx/rest-transport.js';
import type { ThingworxTransport, VtqRow } from '../../protocols/thingworx/types.js';
import { until } from '../support/until.js';

const APP_KEY = '0b5f2c1e-7d0a-4c59-9a11-3f7f6c2d8e01';
const T = 1764238502123;
const ROWS: VtqRow[] = [
  { name: 'VatTemperature', value: 30.1, time: T, quality: 'GOOD' },
  { name: 'Layer', value: 152, time: T + 1, quality: 'GOOD', baseType: 'INTEGER' },
];
const FIELD_DEFINITIONS = {
  name: { name: 'name', baseType: 'STRING' },
  value: { name: 'value', baseType: 'VARIANT' },
  time: { name: 'time', baseType: 'DATETIME' },
  quality: { name: 'quality', baseType: 'STRING' },
};

/** nock 14 only emits errors given as Error instances. */
function resetError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

let hostCounter = 0;
/** Each test gets its own host, so interceptors of one test never answer another. */
function uniqueOrigin(): string {
  hostCounter += 1;
  return `https://twx-${hostCounter}.example.test:8443`;
}

function transportFor(origin: string, options: Partial<RestTransportOptions> = {}): ThingworxTransport {
  return createRestTransport({ baseUrl: origin, appKey: APP_KEY, logger: silentLogger(), ...options });
}

// Serial: nock's interceptors and abortPendingRequests() are process-wide.
test.before(() => nock.disableNetConnect());
test.after.always(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

test.serial('UpdatePropertyValues: exact URL, method, every header and the body', async (t) => {
  const origin = uniqueOrigin();
  let seen: { headers: Record<string, unknown>; body: unknown; method: string | undefined } | undefined;
  const scope = nock(origin)
    .post('/Thingworx/Things/Printer%2001%2F%C3%A4/Services/UpdatePropertyValues')
    .reply(function (_uri, body) {
      seen = { headers: this.req.headers, body, method: this.req.method };
      return [200, ''];
    });
  const transport = transportFor(origin);
  const outcome = await transport.updatePropertyValues('Printer 01/ä', ROWS);
  await transport.close();

  t.deepEqual(outcome, { kind: 'delivered', status: 200 });
  t.true(scope.isDone());
  t.is(seen?.method, 'POST');
  const expectedBody = {
    values: {
      dataShape: { fieldDefinitions: FIELD_DEFINITIONS },
      rows: [
        { name: 'VatTemperature', value: 30.1, time: T, quality: 'GOOD' },
        { name: 'Layer', value: 152, time: T + 1, quality: 'GOOD' },
      ],
    },
  };
  t.deepEqual(seen?.body, expectedBody);
  t.deepEqual(seen?.headers, {
    appkey: APP_KEY,
    'content-type': 'application/json',
    accept: 'application/json',
    'content-length': String(Buffer.byteLength(JSON.stringify(expectedBody))),
    host: 'twx-1.example.test:8443',
    // nock's mock socket reports `close`; keep-alive reuse is proven over a real socket in rest-transport.https.test.ts.
    connection: seen?.headers.connection,
  });
});

test.serial("checkSession: an authenticated GET of the Thing's name property, no body", async (t) => {
  const origin = uniqueOrigin();
  let headers: Record<string, unknown> | undefined;
  nock(origin)
    .get('/Thingworx/Things/adapter-01/Properties/name')
    .reply(function () {
      headers = this.req.headers;
      return [200, { rows: [{ name: 'adapter-01' }] }];
    });
  const transport = transportFor(origin);
  t.deepEqual(await transport.checkSession('adapter-01'), { kind: 'delivered', status: 200 });
  await transport.close();
  t.deepEqual(Object.keys(headers ?? {}).sort(), ['accept', 'appkey', 'connection', 'host']);
  t.is(headers?.appkey, APP_KEY);
  t.is(headers?.accept, 'application/json');
});

test.serial('a reverse-proxy path in the base URL prefixes every request', async (t) => {
  const origin = uniqueOrigin();
  const scope = nock(origin).post('/gateway/twx/Thingworx/Things/p01/Services/UpdatePropertyValues').reply(200);
  const transport = transportFor(`${origin}/gateway/twx/`);
  t.is((await transport.updatePropertyValues('p01', ROWS)).kind, 'delivered');
  await transport.close();
  t.true(scope.isDone());
});

const statusCases: Array<[number, Record<string, string>, string, object]> = [
  [200, {}, '', { kind: 'delivered', status: 200 }],
  [401, {}, 'Authentication failed', { kind: 'unauthorized', status: 401 }],
  [403, {}, 'CSRF', { kind: 'unauthorized', status: 403 }],
  [404, {}, 'Thing not found', { kind: 'not-found', status: 404 }],
  [400, {}, 'Bad Request', { kind: 'rejected', status: 400, detail: 'HTTP 400: Bad Request' }],
  [405, {}, 'Method Not Allowed', { kind: 'rejected', status: 405, detail: 'HTTP 405: Method Not Allowed' }],
  [406, {}, '<h1>Not Acceptable</h1>', { kind: 'rejected', status: 406, detail: 'HTTP 406: Not Acceptable' }],
  [413, {}, '', { kind: 'rejected', status: 413, detail: 'HTTP 413' }],
  [500, {}, 'Unable to Invoke Service', { kind: 'retry', status: 500, detail: 'HTTP 500: Unable to Invoke Service' }],
  [503, { 'Retry-After': '7' }, '', { kind: 'retry', status: 503, retryAfterMs: 7000, detail: 'HTTP 503' }],
  [503, { 'Retry-After': 'Fri, 27 Nov 2026 10:00:30 GMT' }, '', { kind: 'retry', status: 503, retryAfterMs: 30_000, detail: 'HTTP 503' }],
  [429, { 'Retry-After': '2' }, '', { kind: 'retry', status: 429, retryAfterMs: 2000, detail: 'HTTP 429' }],
  [502, {}, 'Bad Gateway', { kind: 'retry', status: 502, detail: 'HTTP 502: Bad Gateway' }],
];

for (const [status, headers, body, expected] of statusCases) {
  const label = headers['Retry-After'] ? ` (Retry-After: ${headers['Retry-After']})` : '';
  test.serial(`HTTP ${status}${label} → ${JSON.stringify(expected)}`, async (t) => {
    const origin = uniqueOrigin();
    nock(origin).post('/Thingworx/Things/p01/Services/UpdatePropertyValues').reply(status, body, headers);
    const transport = transportFor(origin, { now: () => Date.parse('2026-11-27T10:00:00Z') });
    t.deepEqual(await transport.updatePropertyValues('p01', ROWS), expected);
    await transport.close();
  });
}

test.serial('checkSession maps statuses the same way', async (t) => {
  const origin = uniqueOrigin();
  nock(origin).get('/Thingworx/Things/p01/Properties/name').reply(401).get('/Thingworx/Things/gone/Properties/name').reply(404);
  const transport = transportFor(origin);
  t.deepEqual(await transport.checkSession('p01'), { kind: 'unauthorized', status: 401 });
  t.deepEqual(await transport.checkSession('gone'), { kind: 'not-found', status: 404 });
  await transport.close();
});

test.serial('no response within the request timeout ⇒ retry TWX_TIMEOUT', async (t) => {
  const origin = uniqueOrigin();
  nock(origin).post('/Thingworx/Things/p01/Services/UpdatePropertyValues').delay(5000).reply(200);
  const transport = transportFor(origin, { requestTimeoutMs: 200 });
  const outcome = await transport.updatePropertyValues('p01', ROWS);
  await transport.close();
  t.deepEqual(outcome, { kind: 'retry', detail: 'TWX_TIMEOUT: no response within 200 ms' });
  nock.abortPendingRequests();
});

test.serial('a connection reset ⇒ retry TWX_CONNECTION_RESET', async (t) => {
  const origin = uniqueOrigin();
  nock(origin).post('/Thingworx/Things/p01/Services/UpdatePropertyValues').replyWithError(resetError('socket hang up'));
  const transport = transportFor(origin);
  t.deepEqual(await transport.updatePropertyValues('p01', ROWS), {
    kind: 'retry',
    detail: 'TWX_CONNECTION_RESET: socket hang up (ECONNRESET)',
  });
  await transport.close();
});

test.serial('a body over the read cap does not change a 200, and a hostile 500 body stays short', async (t) => {
  const origin = uniqueOrigin();
  nock(origin)
    .post('/Thingworx/Things/p01/Services/UpdatePropertyValues')
    .reply(200, 'x'.repeat(2_000_000))
    .post('/Thingworx/Things/p01/Services/UpdatePropertyValues')
    .reply(500, `${APP_KEY} ${'\u0007<script>'.repeat(300_000)}`);
  const transport = transportFor(origin, { maxResponseBytes: 1024 });
  t.deepEqual(await transport.updatePropertyValues('p01', ROWS), { kind: 'delivered', status: 200 });
  const outcome = await transport.updatePropertyValues('p01', ROWS);
  await transport.close();
  t.is(outcome.kind, 'retry');
  const detail = outcome.kind === 'retry' ? outcome.detail : '';
  t.true(detail.length < 200, detail);
  t.false(detail.includes(APP_KEY));
  t.true(detail.startsWith('HTTP 500: [REDACTED]'));
});

test.serial('a batch that cannot be encoded is refused without a request', async (t) => {
  const origin = uniqueOrigin();
  const scope = nock(origin).post('/Thingworx/Things/p01/Services/UpdatePropertyValues').reply(200);
  const transport = transportFor(origin);
  const outcome = await transport.updatePropertyValues('p01', [{ name: 'VatTemperature', value: Number.NaN, time: T, quality: 'GOOD' }]);
  t.like(outcome, { kind: 'rejected', status: 0 });
  t.regex(outcome.kind === 'rejected' ? outcome.detail : '', /^TWX_ROW_INVALID: row 0 \(VatTemperature\)/);
  t.deepEqual(await transport.updatePropertyValues('', ROWS), {
    kind: 'rejected',
    status: 0,
    detail: 'TWX_THING_INVALID: the Thing name is empty',
  });
  t.false(scope.isDone());
  await transport.close();
  nock.removeInterceptor({
    hostname: new URL(origin).hostname,
    port: 8443,
    proto: 'https',
    method: 'POST',
    path: '/Thingworx/Things/p01/Services/UpdatePropertyValues',
  });
});

test.serial('the app key is read per request from a provider; no usable key ⇒ unauthorized without a request', async (t) => {
  const origin = uniqueOrigin();
  const keys: string[] = [];
  nock(origin)
    .post('/Thingworx/Things/p01/Services/UpdatePropertyValues')
    .times(2)
    .reply(function () {
      keys.push(String(this.req.headers.appkey));
      return [200, ''];
    });
  let current: string | Error = 'key-one';
  const transport = transportFor(origin, {
    appKey: () => {
      if (current instanceof Error) throw current;
      return current;
    },
  });
  await transport.updatePropertyValues('p01', ROWS);
  current = 'key-two';
  await transport.updatePropertyValues('p01', ROWS);
  current = new Error('key file missing');
  t.deepEqual(await transport.updatePropertyValues('p01', ROWS), { kind: 'unauthorized', status: 0 });
  current = 'bad key\r\nX-Injected: 1';
  t.deepEqual(await transport.checkSession('p01'), { kind: 'unauthorized', status: 0 });
  await transport.close();
  t.deepEqual(keys, ['key-one', 'key-two']);
});

test.serial('close() aborts what is in flight and later calls answer retry without a request', async (t) => {
  const origin = uniqueOrigin();
  let requested = false;
  nock(origin)
    .post('/Thingworx/Things/p01/Services/UpdatePropertyValues')
    .delay(10_000)
    .reply(200)
    .on('request', () => {
      requested = true;
    });
  const transport = transportFor(origin);
  const pending = transport.updatePropertyValues('p01', ROWS);
  await until(() => requested, { what: 'the request in flight' });
  await transport.close();
  t.deepEqual(await pending, {
    kind: 'retry',
    detail: 'TWX_TRANSPORT_CLOSED: the transport was closed with this request in flight',
  });
  t.deepEqual(await transport.checkSession('p01'), { kind: 'retry', detail: 'TWX_TRANSPORT_CLOSED: the transport is closed' });
  nock.abortPendingRequests();
});

test.serial('settings that cannot work are refused at construction, without echoing the key', (t) => {
  const build = (options: Partial<RestTransportOptions>) => () =>
    createRestTransport({ baseUrl: 'https://twx.example.test', appKey: APP_KEY, logger: silentLogger(), ...options });
  const refused = (options: Partial<RestTransportOptions>, setting: string) => {
    const error = t.throws(build(options), { instanceOf: ThingworxConfigError });
    t.is(error?.code, 'TWX_CONFIG_INVALID');
    t.is(error?.setting, setting);
    return error;
  };
  refused({ baseUrl: 'http://twx.example.test' }, 'baseUrl');
  refused({ baseUrl: 'ftp://twx.example.test' }, 'baseUrl');
  refused({ baseUrl: 'https://twx.example.test/Thingworx' }, 'baseUrl');
  refused({ baseUrl: `https://twx.example.test/?appKey=${APP_KEY}` }, 'baseUrl');
  refused({ baseUrl: 'not a url' }, 'baseUrl');
  refused({ requestTimeoutMs: 0 }, 'requestTimeoutMs');
  refused({ tls: { cert: 'PEM' } }, 'tls');
  const badKey = refused({ appKey: 'has space inside' }, 'appKey');
  t.false(badKey?.message.includes('has space inside'));
  t.notThrows(build({ baseUrl: 'http://127.0.0.1:1', allowInsecureHttp: true }));
});

test.serial('the app key never reaches a log line, even at debug level and on errors', async (t) => {
  const origin = uniqueOrigin();
  nock(origin)
    .post('/Thingworx/Things/p01/Services/UpdatePropertyValues')
    .reply(500, `echo ${APP_KEY}`)
    .post('/Thingworx/Things/p01/Services/UpdatePropertyValues')
    .replyWithError(resetError(`reset ${APP_KEY}`));
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const transport = transportFor(origin, { logger: createLogger({ level: 'debug', destination }) });
  const outcomes = [await transport.updatePropertyValues('p01', ROWS), await transport.updatePropertyValues('p01', ROWS)];
  await transport.close();
  t.true(lines.length >= 2, 'requests are logged at debug');
  t.false(lines.join('').includes(APP_KEY));
  t.false(JSON.stringify(outcomes).includes(APP_KEY));
});
