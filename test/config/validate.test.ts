import test from 'ava';
import { CONFIG_LIMITS, DEFAULT_LUMBERJACK_LIMITS, DEFAULT_UPLINK_LIMITS, DEFAULTS, PUSH_SERVER_DEFAULTS } from '../../config/defaults.js';
import type { AdapterConfig } from '../../config/types.js';
import { validateConfig } from '../../config/validate.js';
import { errorsOf, printersOf, type Raw, sampleConfig } from './sample-config.js';

function accepted(raw: unknown): AdapterConfig {
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(`expected the config to be accepted:\n${result.errors.join('\n')}`);
  return result.config;
}

test('a minimal config is accepted and every default is filled in', (t) => {
  const config = accepted(sampleConfig());
  t.is(config.log.level, 'info');
  t.is(config.thingworx.transport, 'rest');
  t.false(config.thingworx.tls.allowSelfSigned);
  t.false(config.thingworx.tls.allowInsecureHttp);
  t.is(config.thingworx.requestTimeoutMs, DEFAULTS.thingworx.requestTimeoutMs);
  t.deepEqual(config.uplink, { ...DEFAULTS.uplink, backoff: { ...DEFAULTS.uplink.backoff } });
  t.is(config.control.socket, '/run/3dconnect/control.sock');
  t.deepEqual(config.supervision.fleet, { ...DEFAULTS.supervision.fleet });
  t.deepEqual(config.health.staleAfterMs, { ...DEFAULTS.health.staleAfterMs });
  const [first] = config.printers;
  t.is(first?.pollIntervalMs, 5000);
  t.deepEqual(first?.limits, []);
});

test('the config fills in the same defaults the modules use', (t) => {
  const config = accepted({ ...sampleConfig(), listeners: { beats: {} } });
  t.is(config.uplink.flushIntervalMs, DEFAULT_UPLINK_LIMITS.flushIntervalMs);
  t.is(config.uplink.maxQueuedBytes, DEFAULT_UPLINK_LIMITS.maxQueuedBytes);
  t.is(config.listeners.beats.limits.maxWindowEvents, DEFAULT_LUMBERJACK_LIMITS.maxWindowEvents);
  t.is(config.listeners.beats.limits.keepAliveMs, DEFAULT_LUMBERJACK_LIMITS.keepAliveMs);
  t.is(accepted({ ...sampleConfig(), listeners: { push: {} } }).listeners.push.maxPendingAcks, PUSH_SERVER_DEFAULTS.maxPendingAcks);
});

test("a push connection's window of unacknowledged messages is set within bounds", (t) => {
  t.is(accepted({ ...sampleConfig(), listeners: { push: { maxPendingAcks: 512 } } }).listeners.push.maxPendingAcks, 512);
  for (const maxPendingAcks of [0, 4097, 1.5]) {
    const result = validateConfig({ ...sampleConfig(), listeners: { push: { maxPendingAcks } } });
    t.false(result.ok, String(maxPendingAcks));
    if (!result.ok)
      t.true(
        result.errors.some((error) => error.includes('listeners.push.maxPendingAcks')),
        result.errors.join('\n'),
      );
  }
});

test('a listener section that is absent is off; one that is present is on with its defaults', (t) => {
  const absent = accepted(sampleConfig());
  t.false(absent.listeners.beats.enabled);
  t.false(absent.listeners.push.enabled);
  const present = accepted({ ...sampleConfig(), listeners: { beats: { host: '10.0.0.1' }, push: { enabled: false } } });
  t.true(present.listeners.beats.enabled);
  t.is(present.listeners.beats.host, '10.0.0.1');
  t.is(present.listeners.beats.port, 5044);
  t.is(present.listeners.beats.tls, undefined);
  t.false(present.listeners.push.enabled);
  t.is(present.listeners.push.path, '/push/v1');
});

test('an empty value (YAML "key:") counts as absent, so the default applies', (t) => {
  const config = accepted({ ...sampleConfig(), log: null, uplink: { maxRowsPerCall: null } });
  t.is(config.log.level, 'info');
  t.is(config.uplink.maxRowsPerCall, DEFAULTS.uplink.maxRowsPerCall);
});

test('every error is reported at once, each with its path', (t) => {
  const raw = sampleConfig();
  raw.log = { level: 'loud' };
  raw.uplink = { maxInFlight: 0, backoff: { minMs: 5000, maxMs: 100 } };
  printersOf(raw)[0]!.address = '10.0.0.11';
  printersOf(raw)[1]!.pollIntervalMs = 'often';
  const errors = errorsOf(raw);
  t.deepEqual(errors, [
    'log.level: must be one of fatal, error, warn, info, debug, trace, silent',
    'printers[0].address: must be host:port (IPv6 as [::1]:7070)',
    'printers[1].pollIntervalMs: must be a number',
    'uplink.backoff.maxMs: must not be below minMs',
    'uplink.maxInFlight: must be at least 1',
  ]);
});

test('unknown keys are errors at every level, each at its own path', (t) => {
  const raw = sampleConfig();
  raw.extra = 1;
  raw.adapter = { id: 'nuc-1', thing: 'Adapter-nuc-1', name: 'x' };
  raw.thingworx = { url: 'https://twx.example.com', appKey: { env: 'TWX_APP_KEY' }, tls: { allowSelfsigned: true } };
  raw.listeners = { beats: { limits: { maxWindow: 5 } } };
  raw.supervision = { fleet: { intensityy: 3 } };
  const [first] = printersOf(raw);
  first!.adress = '10.0.0.1:1';
  first!.identity = { hostName: 'h', host: 'x' };
  first!.limits = [{ item: 'VatTemperature', type: 'Above', limit: 31, alert: 'Hot', maximum: 3 }];
  const errors = errorsOf(raw);
  t.deepEqual(errors, [
    'adapter.name: unknown key',
    'extra: unknown key',
    'listeners.beats.limits.maxWindow: unknown key',
    'printers[0].adress: unknown key',
    'printers[0].identity.host: unknown key',
    'printers[0].limits[0].maximum: unknown key for type Above/Below',
    'supervision.fleet.intensityy: unknown key',
    'thingworx.tls.allowSelfsigned: unknown key',
  ]);
});

test('values are not coerced: a quoted number or a "yes" is a type error', (t) => {
  const raw = { ...sampleConfig(), listeners: { beats: { port: '5044', enabled: 'yes' } }, control: { socket: 5 } };
  t.deepEqual(errorsOf(raw), [
    'control.socket: must be a string',
    'listeners.beats.enabled: must be true or false',
    'listeners.beats.port: must be a number',
  ]);
});

test('the document and its sections must be mappings', (t) => {
  t.deepEqual(errorsOf([]), ['the configuration must be a mapping of sections (adapter, thingworx, printers, …)']);
  t.deepEqual(errorsOf('adapter: x'), ['the configuration must be a mapping of sections (adapter, thingworx, printers, …)']);
  t.deepEqual(errorsOf({ ...sampleConfig(), uplink: 'fast', printers: 'p01' }), ['printers: must be a list', 'uplink: must be a mapping']);
});

test('required sections and fields are named', (t) => {
  t.deepEqual(errorsOf({}), [
    'adapter.id: is required',
    'adapter.thing: is required',
    'printers: is required (a list of at most 20 printers; [] for none)',
    'thingworx.appKey: is required; use appKey: { file: /etc/3dconnect/appkey } or appKey: { env: TWX_APP_KEY }',
    'thingworx.url: is required',
  ]);
});

test('the ThingWorx URL must be an https base URL; http only when explicitly allowed', (t) => {
  const withUrl = (url: string, tls: Raw = {}) => ({ ...sampleConfig(), thingworx: { url, appKey: { env: 'K' }, tls } });
  t.deepEqual(errorsOf(withUrl('http://twx.example.com')), [
    'thingworx.url: must use https (http only with thingworx.tls.allowInsecureHttp: true, for tests and demos)',
  ]);
  t.is(accepted(withUrl('http://127.0.0.1:8080', { allowInsecureHttp: true })).thingworx.url, 'http://127.0.0.1:8080');
  t.deepEqual(errorsOf(withUrl('https://twx.example.com/Thingworx')), ['thingworx.url: must not end with /Thingworx: the adapter adds it']);
  t.deepEqual(errorsOf(withUrl('https://twx.example.com/?appKey=x')), [
    'thingworx.url: must be a base URL without query or fragment, e.g. https://twx.example.com:8443',
  ]);
  t.true(validateConfig(withUrl('https://gateway.example.com/plant-3')).ok, 'a reverse-proxy prefix is fine');
  t.deepEqual(errorsOf(withUrl('twx.example.com')), ['thingworx.url: must be a URL like https://twx.example.com[:port]']);
  t.deepEqual(errorsOf(withUrl('ftp://twx.example.com')), ['thingworx.url: must be an https:// URL']);
  const withCredentials = errorsOf(withUrl('https://admin:hunter2@twx.example.com'));
  t.deepEqual(withCredentials, ['thingworx.url: must not contain credentials; the app key goes in thingworx.appKey']);
});

test('TLS settings that belong together are checked together', (t) => {
  const raw = {
    ...sampleConfig(),
    thingworx: { url: 'https://twx', appKey: { env: 'K' }, tls: { certFile: '/etc/c.pem', caFile: 'relative/ca.pem' } },
    listeners: {
      beats: { tls: { certFile: '/etc/l.crt', keyFile: '/etc/l.key', clientAuth: 'required' } },
      push: { tls: { keyFile: '/k' } },
    },
  };
  t.deepEqual(errorsOf(raw), [
    'listeners.beats.tls.caFile: is required when clientAuth is required (the CA printer certificates chain to)',
    'listeners.push.tls.certFile: is required',
    'thingworx.tls.caFile: must be an absolute path',
    'thingworx.tls.keyFile: is required when certFile is set',
  ]);
});

test('two enabled listeners cannot share a port on the same host', (t) => {
  const raw = { ...sampleConfig(), listeners: { beats: { port: 6000 }, push: { port: 6000 } } };
  t.deepEqual(errorsOf(raw), ['listeners.push.port: is the same as listeners.beats.port on the same host']);
  t.true(
    validateConfig({ ...sampleConfig(), listeners: { beats: { port: 0 }, push: { port: 0 } } }).ok,
    'port 0 (ephemeral) twice is fine',
  );
});

test('durations are bounded by what a timer can do', (t) => {
  const raw = {
    ...sampleConfig(),
    thingworx: { url: 'https://twx', appKey: { env: 'K' }, requestTimeoutMs: 2 ** 31, healthIntervalMs: 1.5 },
  };
  t.deepEqual(errorsOf(raw), [
    `thingworx.healthIntervalMs: must be at least ${CONFIG_LIMITS.minDurationMs}`,
    'thingworx.healthIntervalMs: must be a whole number',
    `thingworx.requestTimeoutMs: must be at most ${CONFIG_LIMITS.maxDurationMs}`,
  ]);
});

test('the control socket path must fit a Unix socket address', (t) => {
  const socket = `/run/${'x'.repeat(CONFIG_LIMITS.maxSocketPathBytes)}.sock`;
  t.deepEqual(errorsOf({ ...sampleConfig(), control: { socket } }), [
    `control.socket: must be at most ${CONFIG_LIMITS.maxSocketPathBytes} bytes (a Unix socket path limit)`,
  ]);
});

test('the admin socket derived from control.socket must fit a Unix socket address too', (t) => {
  const socket = `/run/${'x'.repeat(CONFIG_LIMITS.maxSocketPathBytes - '/run/.sock'.length)}.sock`;
  t.is(Buffer.byteLength(socket), CONFIG_LIMITS.maxSocketPathBytes);
  const errors = errorsOf({ ...sampleConfig(), control: { socket } });
  t.is(errors.length, 1);
  t.regex(errors[0] ?? '', /^control\.socket: the admin socket beside it, \/run\/x+-admin\.sock, would be over 107 bytes/);
});

test('LOG_LEVEL-style levels are the only accepted log levels', (t) => {
  t.is(accepted({ ...sampleConfig(), log: { level: 'debug' } }).log.level, 'debug');
  t.deepEqual(errorsOf({ ...sampleConfig(), log: { level: 'DEBUG' } }), [
    'log.level: must be one of fatal, error, warn, info, debug, trace, silent',
  ]);
});

test('the AlwaysOn transport is accepted with the SDK timings by default; an unknown transport is refused', (t) => {
  const raw = sampleConfig();
  raw.thingworx = { url: 'https://twx.example.com', transport: 'alwayson', appKey: { env: 'TWX_APP_KEY' } };
  const config = accepted(raw);
  t.is(config.thingworx.transport, 'alwayson');
  t.deepEqual(config.thingworx.alwaysOn, {
    pingIntervalMs: 55_000,
    pongTimeoutMs: 10_000,
    reconnectJitterMs: 10_000,
    reconnectMinMs: 5_000,
    reconnectMaxMs: 60_000,
    chunkSize: 8192,
  });
  raw.thingworx = { url: 'https://twx.example.com', transport: 'mqtt', appKey: { env: 'TWX_APP_KEY' } };
  t.deepEqual(errorsOf(raw), ['thingworx.transport: must be one of rest, alwayson']);
});
