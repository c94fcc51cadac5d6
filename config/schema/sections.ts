/** Schemas of the adapter-wide sections: adapter, log, thingworx, listeners, control, uplink, supervision, health. */
import { ValidationError } from 'yup';
import { CONFIG_LIMITS, DEFAULTS } from '../defaults.js';
import { isHostOrAddress } from '../endpoint.js';
import { childPath } from '../issues.js';
import { LOG_LEVELS } from '../logging.js';
import type { ClientAuth, ThingworxTransportKind } from '../types.js';
import { isPlainRecord, numberAt, stringAt } from '../untrusted.js';
import { absolutePath, closedObject, count, decimal, durationMs, flag, integer, oneOf, text } from './fields.js';
import { secretRef } from './secret-ref.js';

export const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
export const ID_DESCRIPTION = 'lower-case letters, digits and "-" (e.g. p01)';
// Thing names end up in URL paths (/Thingworx/Things/<name>/…), so no "/", "?", "#" or spaces.
export const THING_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
export const THING_DESCRIPTION = 'a ThingWorx Thing name (letters, digits, "_", "." and "-")';

const CLIENT_AUTH: readonly ClientAuth[] = ['none', 'optional', 'required'];
// rest: UpdatePropertyValues over HTTPS; alwayson: the Edge SDK's WebSocket session (PROTOCOLS.md §3).
const TRANSPORTS: readonly ThingworxTransportKind[] = ['rest', 'alwayson'];

function error(path: string | undefined, key: string, message: string): ValidationError {
  return new ValidationError(message, undefined, childPath(path, key), 'cross-field');
}

function collected(errors: ValidationError[]): true | ValidationError {
  return errors.length === 0 ? true : new ValidationError(errors);
}

export const adapterSchema = closedObject({
  id: text({ pattern: ID_PATTERN, describe: ID_DESCRIPTION, maxLength: 64 }).required('is required'),
  thing: text({ pattern: THING_PATTERN, describe: THING_DESCRIPTION, maxLength: 200 }).required('is required'),
});

export const logSchema = closedObject({
  level: oneOf(LOG_LEVELS).default(DEFAULTS.log.level),
});

function baseUrlProblem(url: string, allowInsecureHttp: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be a URL like https://twx.example.com[:port]';
  }
  if (parsed.protocol === 'http:' && !allowInsecureHttp) {
    return 'must use https (http only with thingworx.tls.allowInsecureHttp: true, for tests and demos)';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an https:// URL';
  if (parsed.username !== '' || parsed.password !== '') return 'must not contain credentials; the app key goes in thingworx.appKey';
  if (parsed.search !== '' || parsed.hash !== '') return 'must be a base URL without query or fragment, e.g. https://twx.example.com:8443';
  // A path is allowed (a reverse proxy's prefix), but the adapter adds /Thingworx itself.
  if (/\/thingworx\/?$/i.test(parsed.pathname)) return 'must not end with /Thingworx: the adapter adds it';
  return undefined;
}

const thingworxTlsSchema = closedObject({
  caFile: absolutePath().optional(),
  certFile: absolutePath().optional(),
  keyFile: absolutePath().optional(),
  keyPassphrase: secretRef({ key: 'keyPassphrase', file: '/etc/3dconnect/client-key.pass', env: 'TWX_KEY_PASSPHRASE' }).optional(),
  allowSelfSigned: flag().default(DEFAULTS.thingworx.tls.allowSelfSigned),
  allowInsecureHttp: flag().default(DEFAULTS.thingworx.tls.allowInsecureHttp),
}).test({
  name: 'client-certificate',
  skipAbsent: true,
  test(value: unknown, ctx) {
    const found: ValidationError[] = [];
    const hasCert = stringAt(value, 'certFile') !== undefined;
    const hasKey = stringAt(value, 'keyFile') !== undefined;
    if (hasCert && !hasKey) found.push(error(ctx.path, 'keyFile', 'is required when certFile is set'));
    if (hasKey && !hasCert) found.push(error(ctx.path, 'certFile', 'is required when keyFile is set'));
    if (isPlainRecord(value) && value.keyPassphrase !== undefined && !hasKey) {
      found.push(error(ctx.path, 'keyPassphrase', 'is only used with keyFile'));
    }
    return collected(found);
  },
});

export const thingworxSchema = closedObject({
  url: text()
    .required('is required')
    .test({
      name: 'base-url',
      skipAbsent: true,
      test(value, ctx) {
        const tls: unknown = isPlainRecord(ctx.parent) ? ctx.parent.tls : undefined;
        const allowInsecureHttp = isPlainRecord(tls) && tls.allowInsecureHttp === true;
        const problem = baseUrlProblem(value, allowInsecureHttp);
        return problem === undefined ? true : ctx.createError({ message: problem });
      },
    }),
  transport: oneOf(TRANSPORTS).default(DEFAULTS.thingworx.transport),
  appKey: secretRef({ key: 'appKey', file: '/etc/3dconnect/appkey', env: 'TWX_APP_KEY' }).required(
    'is required; use appKey: { file: /etc/3dconnect/appkey } or appKey: { env: TWX_APP_KEY }',
  ),
  tls: thingworxTlsSchema,
  alwaysOn: closedObject({
    pingIntervalMs: durationMs().default(DEFAULTS.thingworx.alwaysOn.pingIntervalMs),
    pongTimeoutMs: durationMs().default(DEFAULTS.thingworx.alwaysOn.pongTimeoutMs),
    reconnectJitterMs: durationMs(0).default(DEFAULTS.thingworx.alwaysOn.reconnectJitterMs),
    reconnectMinMs: durationMs().default(DEFAULTS.thingworx.alwaysOn.reconnectMinMs),
    reconnectMaxMs: durationMs().default(DEFAULTS.thingworx.alwaysOn.reconnectMaxMs),
    // Must match the server's setting; the header needs 21 bytes and the length fits a u16.
    chunkSize: integer(64, 65_535).default(DEFAULTS.thingworx.alwaysOn.chunkSize),
  }),
  requestTimeoutMs: durationMs().default(DEFAULTS.thingworx.requestTimeoutMs),
  sessionCheckIntervalMs: durationMs().default(DEFAULTS.thingworx.sessionCheckIntervalMs),
  healthIntervalMs: durationMs().default(DEFAULTS.thingworx.healthIntervalMs),
});

const listenerTlsSchema = closedObject({
  certFile: absolutePath().required('is required'),
  keyFile: absolutePath().required('is required'),
  caFile: absolutePath().optional(),
  keyPassphrase: secretRef({ key: 'keyPassphrase', file: '/etc/3dconnect/listener-key.pass', env: 'LISTENER_KEY_PASSPHRASE' }).optional(),
  clientAuth: oneOf(CLIENT_AUTH).default(DEFAULTS.listenerTls.clientAuth),
  handshakeTimeoutMs: durationMs().default(DEFAULTS.listenerTls.handshakeTimeoutMs),
})
  .default(undefined)
  .test({
    name: 'client-ca',
    skipAbsent: true,
    test(value: unknown, ctx) {
      const clientAuth = stringAt(value, 'clientAuth');
      if (clientAuth !== 'optional' && clientAuth !== 'required') return true;
      if (stringAt(value, 'caFile') !== undefined) return true;
      return error(ctx.path, 'caFile', `is required when clientAuth is ${clientAuth} (the CA printer certificates chain to)`);
    },
  });

const bindHost = () =>
  text().test('host', 'must be a host name or an IP address', (value) => value === undefined || isHostOrAddress(value));

/** Who gets a connection slot (protocols/admission), the same keys on both listeners. */
function admissionFields(defaults: {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  reservedPerPrinter: number;
  maxPendingHandshakes: number;
}) {
  return {
    maxConnections: integer(1, 65_536).default(defaults.maxConnections),
    maxConnectionsPerAddress: integer(1, 65_536).default(defaults.maxConnectionsPerAddress),
    reservedPerPrinter: integer(0, 64).default(defaults.reservedPerPrinter),
    maxPendingHandshakes: integer(1, 65_536).default(defaults.maxPendingHandshakes),
  };
}

const beatsLimitsSchema = closedObject({
  maxWindowEvents: count().default(DEFAULTS.listeners.beats.limits.maxWindowEvents),
  maxEventBytes: count().default(DEFAULTS.listeners.beats.limits.maxEventBytes),
  maxCompressedBytes: count().default(DEFAULTS.listeners.beats.limits.maxCompressedBytes),
  maxInflatedBytes: count().default(DEFAULTS.listeners.beats.limits.maxInflatedBytes),
  maxBytesInFlight: count().default(DEFAULTS.listeners.beats.limits.maxBytesInFlight),
  keepAliveMs: durationMs().default(DEFAULTS.listeners.beats.limits.keepAliveMs),
  stallTimeoutMs: durationMs().default(DEFAULTS.listeners.beats.limits.stallTimeoutMs),
  // 0 keeps silent connections open.
  idleTimeoutMs: durationMs(0).default(DEFAULTS.listeners.beats.limits.idleTimeoutMs),
  unidentifiedIdleTimeoutMs: durationMs(0).default(DEFAULTS.listeners.beats.limits.unidentifiedIdleTimeoutMs),
  ...admissionFields(DEFAULTS.listeners.beats.limits),
});

const beatsSchema = closedObject({
  enabled: flag().default(DEFAULTS.listeners.beats.enabled),
  host: bindHost().default(DEFAULTS.listeners.beats.host),
  port: integer(0, 65535).default(DEFAULTS.listeners.beats.port),
  tls: listenerTlsSchema,
  limits: beatsLimitsSchema,
}).default(() => ({ enabled: false }));

const pushSchema = closedObject({
  enabled: flag().default(DEFAULTS.listeners.push.enabled),
  host: bindHost().default(DEFAULTS.listeners.push.host),
  port: integer(0, 65535).default(DEFAULTS.listeners.push.port),
  path: text({ pattern: /^\/[A-Za-z0-9._~/-]*$/, describe: 'a URL path such as /push/v1', maxLength: 256 }).default(
    DEFAULTS.listeners.push.path,
  ),
  tls: listenerTlsSchema,
  maxMessageBytes: count().default(DEFAULTS.listeners.push.maxMessageBytes),
  maxMessagesPerSecond: count().default(DEFAULTS.listeners.push.maxMessagesPerSecond),
  // Each pending message is held until ThingWorx has its readings; the uplink's caps bound them too.
  maxPendingAcks: integer(1, 4096).default(DEFAULTS.listeners.push.maxPendingAcks),
  ...admissionFields(DEFAULTS.listeners.push),
}).default(() => ({ enabled: false }));

const budgetSchema = closedObject({
  maxBytes: count().default(DEFAULTS.listeners.budget.maxBytes),
  maxUnidentifiedBytes: count().default(DEFAULTS.listeners.budget.maxUnidentifiedBytes),
  maxStalledWaitMs: durationMs().default(DEFAULTS.listeners.budget.maxStalledWaitMs),
}).test({
  name: 'unidentified-within-budget',
  skipAbsent: true,
  test(value: unknown, ctx) {
    const total = numberAt(value, 'maxBytes');
    const unidentified = numberAt(value, 'maxUnidentifiedBytes');
    if (total === undefined || unidentified === undefined || unidentified <= total) return true;
    return error(ctx.path, 'maxUnidentifiedBytes', 'must not be larger than maxBytes');
  },
});

export const listenersSchema = closedObject({ beats: beatsSchema, push: pushSchema, budget: budgetSchema }).test({
  name: 'distinct-ports',
  skipAbsent: true,
  test(value: unknown, ctx) {
    if (!isPlainRecord(value)) return true;
    const { beats, push } = value;
    if (!isPlainRecord(beats) || !isPlainRecord(push) || beats.enabled !== true || push.enabled !== true) return true;
    const port = numberAt(push, 'port');
    if (port === undefined || port === 0 || port !== numberAt(beats, 'port') || beats.host !== push.host) return true;
    return error(childPath(ctx.path, 'push'), 'port', 'is the same as listeners.beats.port on the same host');
  },
});

export const controlSchema = closedObject({
  socket: absolutePath()
    .test(
      'socket-length',
      `must be at most ${CONFIG_LIMITS.maxSocketPathBytes} bytes (a Unix socket path limit)`,
      (value) => value === undefined || Buffer.byteLength(value) <= CONFIG_LIMITS.maxSocketPathBytes,
    )
    .default(DEFAULTS.control.socket),
});

function backoffSchema(defaults: { minMs: number; maxMs: number }) {
  return closedObject({
    minMs: durationMs().default(defaults.minMs),
    maxMs: durationMs().default(defaults.maxMs),
  }).test({
    name: 'min-below-max',
    skipAbsent: true,
    test(value: unknown, ctx) {
      const min = numberAt(value, 'minMs');
      const max = numberAt(value, 'maxMs');
      if (min === undefined || max === undefined || min <= max) return true;
      return error(ctx.path, 'maxMs', 'must not be below minMs');
    },
  });
}

const uplinkDefaults = DEFAULTS.uplink;
export const uplinkSchema = closedObject({
  maxQueuedReadings: count().default(uplinkDefaults.maxQueuedReadings),
  maxQueuedBytes: count().default(uplinkDefaults.maxQueuedBytes),
  maxRowsPerCall: count().default(uplinkDefaults.maxRowsPerCall),
  flushIntervalMs: durationMs().default(uplinkDefaults.flushIntervalMs),
  maxInFlight: count().default(uplinkDefaults.maxInFlight),
  dedupeEntries: count().default(uplinkDefaults.dedupeEntries),
  dedupeTtlMs: durationMs().default(uplinkDefaults.dedupeTtlMs),
  conflationEntries: count().default(uplinkDefaults.conflationEntries),
  backoff: backoffSchema(uplinkDefaults.backoff),
  perThingShare: decimal(0.01, 1).default(uplinkDefaults.perThingShare),
  alertReserve: decimal(0, 0.5).default(uplinkDefaults.alertReserve),
  notFoundRetryMs: durationMs().default(uplinkDefaults.notFoundRetryMs),
  forbiddenRetryMs: durationMs().default(uplinkDefaults.forbiddenRetryMs),
  forbiddenRetryMaxMs: durationMs().default(uplinkDefaults.forbiddenRetryMaxMs),
  probeIntervalMs: durationMs().default(uplinkDefaults.probeIntervalMs),
  probeJitterRatio: decimal(0, 1).default(uplinkDefaults.probeJitterRatio),
  unauthorizedRecheckMs: durationMs().default(uplinkDefaults.unauthorizedRecheckMs),
  unauthorizedRecheckMaxMs: durationMs().default(uplinkDefaults.unauthorizedRecheckMaxMs),
  maxRetryAfterMs: durationMs().default(uplinkDefaults.maxRetryAfterMs),
});

function restartPolicySchema(defaults: { intensity: number; periodMs: number; backoff: { minMs: number; maxMs: number } }) {
  return closedObject({
    intensity: integer(0, 1000).default(defaults.intensity),
    periodMs: durationMs().default(defaults.periodMs),
    backoff: backoffSchema(defaults.backoff),
  });
}

const supervisionDefaults = DEFAULTS.supervision;
export const supervisionSchema = closedObject({
  printer: restartPolicySchema(supervisionDefaults.printer),
  fleet: closedObject({
    intensity: integer(0, 1000).default(supervisionDefaults.fleet.intensity),
    periodMs: durationMs().default(supervisionDefaults.fleet.periodMs),
    parkRetryMs: durationMs().default(supervisionDefaults.fleet.parkRetryMs),
  }),
  adapter: restartPolicySchema(supervisionDefaults.adapter),
});

const healthDefaults = DEFAULTS.health;
export const healthSchema = closedObject({
  staleAfterMs: closedObject({
    filebeat: durationMs().default(healthDefaults.staleAfterMs.filebeat),
    metricbeat: durationMs().default(healthDefaults.staleAfterMs.metricbeat),
    poll: durationMs().default(healthDefaults.staleAfterMs.poll),
    push: durationMs().default(healthDefaults.staleAfterMs.push),
  }),
  offlineAfterMs: durationMs().default(healthDefaults.offlineAfterMs),
});
