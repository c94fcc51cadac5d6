/**
 * Every default of the adapter configuration, and the limits the loader itself enforces. The schema
 * (config/schema/) takes its defaults from here and nowhere else. Where a module already owns a
 * default (its exported *_DEFAULTS object), the value is taken from there, so the two cannot drift.
 */
import { DEFAULT_UPLINK_LIMITS } from './uplink-limits.js';
import { ALERT_RULE_DEFAULTS } from '../domain/health/rules.js';
import { INGEST_BUDGET_DEFAULTS } from '../protocols/ingest-budget/byte-budget.js';
import { LIVENESS_DEFAULTS } from '../domain/health/liveness.js';
import { ADMISSION_DEFAULTS } from '../protocols/admission/policy.js';
import { DEFAULT_LUMBERJACK_LIMITS } from '../protocols/lumberjack/limits.js';
import { PUSH_SERVER_DEFAULTS } from '../protocols/push/defaults.js';
import { DEFAULT_ALWAYSON_LIMITS } from '../protocols/thingworx/alwayson/limits.js';
import { ALWAYSON_TRANSPORT_DEFAULTS } from '../protocols/thingworx/alwayson/defaults.js';
import { REST_TRANSPORT_DEFAULTS } from '../protocols/thingworx/rest-transport.js';
import { DEFAULT_FAMILIES } from './default-catalog.js';
import type { Catalog } from './types.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Limits on the configuration itself. */
export const CONFIG_LIMITS = {
  maxPrinters: 20,
  /** Checked before parsing, so a huge or endless file is refused cheaply. */
  maxConfigFileBytes: 1 * MiB,
  /** App keys and tokens are short; anything bigger is the wrong file. */
  maxSecretFileBytes: 4 * KiB,
  maxItemsPerFamily: 1000,
  maxFamilies: 100,
  maxLimitsPerPrinter: 200,
  /** sun_path is 108 bytes on Linux, including the terminating NUL. */
  maxSocketPathBytes: 107,
  /** setTimeout fires after 1 ms for anything larger. */
  maxDurationMs: 2_147_483_647,
  /** Below this a timer would busy the event loop. */
  minDurationMs: 10,
  /** Polling faster than this loads the printer for nothing. */
  minPollIntervalMs: 100,
} as const;

const lumberjack = DEFAULT_LUMBERJACK_LIMITS;
const uplink = DEFAULT_UPLINK_LIMITS;

export const DEFAULTS = {
  log: { level: 'info' },
  thingworx: {
    transport: 'rest',
    tls: { allowSelfSigned: false, allowInsecureHttp: false },
    alwaysOn: {
      pingIntervalMs: ALWAYSON_TRANSPORT_DEFAULTS.pingIntervalMs,
      pongTimeoutMs: ALWAYSON_TRANSPORT_DEFAULTS.pongTimeoutMs,
      reconnectJitterMs: ALWAYSON_TRANSPORT_DEFAULTS.reconnectJitterMs,
      reconnectMinMs: ALWAYSON_TRANSPORT_DEFAULTS.reconnectMinMs,
      reconnectMaxMs: ALWAYSON_TRANSPORT_DEFAULTS.reconnectMaxMs,
      chunkSize: DEFAULT_ALWAYSON_LIMITS.chunkSize,
    },
    requestTimeoutMs: REST_TRANSPORT_DEFAULTS.requestTimeoutMs,
    sessionCheckIntervalMs: 30_000,
    healthIntervalMs: 60_000,
  },
  listenerTls: { clientAuth: 'none', handshakeTimeoutMs: lumberjack.handshakeTimeoutMs },
  listeners: {
    /** A listener section that is absent is off; one that is present is on unless enabled: false. */
    beats: {
      enabled: true,
      host: '127.0.0.1',
      port: 5044,
      limits: {
        maxWindowEvents: lumberjack.maxWindowEvents,
        maxEventBytes: lumberjack.maxEventBytes,
        maxCompressedBytes: lumberjack.maxCompressedBytes,
        maxInflatedBytes: lumberjack.maxInflatedBytes,
        maxBytesInFlight: lumberjack.maxBytesInFlight,
        keepAliveMs: lumberjack.keepAliveMs,
        stallTimeoutMs: lumberjack.stallTimeoutMs,
        idleTimeoutMs: lumberjack.idleTimeoutMs,
        unidentifiedIdleTimeoutMs: lumberjack.unidentifiedIdleTimeoutMs,
        maxConnections: lumberjack.maxConnections,
        maxConnectionsPerAddress: ADMISSION_DEFAULTS.maxConnectionsPerAddress,
        reservedPerPrinter: ADMISSION_DEFAULTS.reservedPerPrinter,
        maxPendingHandshakes: ADMISSION_DEFAULTS.maxPendingHandshakes,
      },
    },
    push: {
      enabled: true,
      host: '127.0.0.1',
      port: 8765,
      path: '/push/v1',
      maxMessageBytes: 256 * KiB,
      maxMessagesPerSecond: 200,
      maxPendingAcks: PUSH_SERVER_DEFAULTS.maxPendingAcks,
      maxConnections: PUSH_SERVER_DEFAULTS.maxConnections,
      maxConnectionsPerAddress: PUSH_SERVER_DEFAULTS.maxConnectionsPerAddress,
      reservedPerPrinter: PUSH_SERVER_DEFAULTS.reservedPerPrinter,
      maxPendingHandshakes: PUSH_SERVER_DEFAULTS.maxPendingHandshakes,
    },
    /** One byte budget for what every Beats and push connection holds (issue 19). */
    budget: {
      maxBytes: INGEST_BUDGET_DEFAULTS.maxBytes,
      maxUnidentifiedBytes: INGEST_BUDGET_DEFAULTS.maxUnidentifiedBytes,
      maxStalledWaitMs: INGEST_BUDGET_DEFAULTS.maxStalledWaitMs,
    },
  },
  control: { socket: '/run/3dconnect/control.sock' },
  uplink: {
    maxQueuedReadings: uplink.maxQueuedReadings,
    maxQueuedBytes: uplink.maxQueuedBytes,
    maxRowsPerCall: uplink.maxRowsPerCall,
    flushIntervalMs: uplink.flushIntervalMs,
    maxInFlight: uplink.maxInFlight,
    dedupeEntries: uplink.dedupeEntries,
    dedupeTtlMs: uplink.dedupeTtlMs,
    conflationEntries: uplink.conflationEntries,
    backoff: { minMs: uplink.backoff.minMs, maxMs: uplink.backoff.maxMs },
    perThingShare: uplink.perThingShare,
    alertReserve: uplink.alertReserve,
    notFoundRetryMs: uplink.notFoundRetryMs,
    forbiddenRetryMs: uplink.forbiddenRetryMs,
    forbiddenRetryMaxMs: uplink.forbiddenRetryMaxMs,
    probeIntervalMs: uplink.probeIntervalMs,
    probeJitterRatio: uplink.probeJitterRatio,
    unauthorizedRecheckMs: uplink.unauthorizedRecheckMs,
    unauthorizedRecheckMaxMs: uplink.unauthorizedRecheckMaxMs,
    maxRetryAfterMs: uplink.maxRetryAfterMs,
  },
  supervision: {
    printer: { intensity: 5, periodMs: 60_000, backoff: { minMs: 500, maxMs: 30_000 } },
    fleet: { intensity: 10, periodMs: 60_000, parkRetryMs: 300_000 },
    adapter: { intensity: 3, periodMs: 60_000, backoff: { minMs: 1_000, maxMs: 30_000 } },
  },
  health: {
    staleAfterMs: { ...LIVENESS_DEFAULTS.staleAfterMs },
    offlineAfterMs: 120_000,
  },
  printer: { pollIntervalMs: 5_000 },
  limit: ALERT_RULE_DEFAULTS,
  itemLane: 'state',
} as const;

/**
 * The built-in catalog (DATA-ITEMS.md). A config that omits `catalog` gets all of it; a config that
 * lists families replaces those families and keeps the other built-in ones.
 */
export function defaultCatalog(): Catalog {
  return { families: structuredClone(DEFAULT_FAMILIES) };
}
