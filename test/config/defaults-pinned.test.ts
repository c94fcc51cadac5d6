/**
 * Every default, pinned (issue 18). The values were recorded before the defaults were gathered into config/defaults.ts,
 * so this proves that move changed no value; a deliberate change of a default is made here too, visibly.
 * config/defaults.ts imports nothing, so the defaults that have an interface are checked against it here (`satisfies`,
 * by the type check): a field missing from a default, or of the wrong type, fails to compile.
 */
import test from 'ava';
import * as defaults from '../../config/defaults.js';
import { DEFAULTS } from '../../config/defaults.js';
import type { UplinkSettings } from '../../config/types.js';
import type { UplinkLimits } from '../../actors/uplink/limits.js';
import type { AdmissionLimits } from '../../protocols/admission/policy.js';
import type { ControlLimits } from '../../protocols/control/limits.js';
import type { LivenessThresholds } from '../../domain/health/liveness.js';
import type { IngestBudgetLimits } from '../../protocols/ingest-budget/byte-budget.js';
import type { LumberjackLimits } from '../../protocols/lumberjack/limits.js';
import type { AlwaysOnCodecLimits } from '../../protocols/thingworx/alwayson/limits.js';
import type { RestartBackoff } from '../../supervision/backoff.js';
import type { SupervisorFlags } from '../../supervision/spec.js';
import { validateConfig } from '../../config/validate.js';
import { sampleConfig } from './sample-config.js';

/** Type-checked only: config/defaults.ts imports no interface, so each typed default is checked against its own here. */
function hasShape<T>(_value: T): void {}
hasShape<Readonly<Omit<AdmissionLimits, 'maxConnections'>>>(defaults.ADMISSION_DEFAULTS);
hasShape<Readonly<RestartBackoff>>(defaults.BACKOFF_DEFAULTS);
hasShape<Readonly<ControlLimits>>(defaults.CONTROL_DEFAULTS);
hasShape<Readonly<AlwaysOnCodecLimits>>(defaults.DEFAULT_ALWAYSON_LIMITS);
hasShape<Readonly<LumberjackLimits>>(defaults.DEFAULT_LUMBERJACK_LIMITS);
hasShape<Readonly<UplinkLimits>>(defaults.DEFAULT_UPLINK_LIMITS);
hasShape<Readonly<IngestBudgetLimits>>(defaults.INGEST_BUDGET_DEFAULTS);
hasShape<LivenessThresholds>(defaults.LIVENESS_DEFAULTS);
hasShape<Readonly<SupervisorFlags>>(defaults.SUPERVISOR_DEFAULTS);

test('every module default has the value it had before the defaults were gathered in one file', (t) => {
  // Every export of config/defaults.ts, so a default added there without being pinned here fails too.
  const { DEFAULTS: _pinnedBelow, ...actual } = defaults;
  t.deepEqual(actual, {
    ADAPTER_TREE_DEFAULTS: { uplinkShutdownMs: 15_000, ingressShutdownMs: 5_000 },
    ADMISSION_DEFAULTS: { maxConnectionsPerAddress: 8, reservedPerPrinter: 2, maxPendingHandshakes: 64 },
    ALERT_RULE_DEFAULTS: {
      limitInclusive: true,
      minimumInclusive: true,
      maximumInclusive: false,
      severity: 'warning',
      hysteresis: 0,
      raiseAfterMs: 0,
    },
    ALWAYSON_TRANSPORT_DEFAULTS: {
      path: '/Thingworx/WS',
      pingIntervalMs: 55_000,
      pongTimeoutMs: 10_000,
      reconnectJitterMs: 10_000,
      reconnectMinMs: 5_000,
      reconnectMaxMs: 60_000,
      reconnectJitterRatio: 0.2,
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 15_000,
      sessionCheckProperty: 'name',
    },
    BACKOFF_DEFAULTS: { minMs: 100, maxMs: 30_000, jitter: 0.2 },
    BEATS_CONNECTION_DEFAULTS: { decodeSliceMs: 4, stepsPerClockRead: 16, readAheadBytes: 262_144 },
    CHILD_DEFAULTS: {
      restart: 'permanent',
      worker: { shutdownMs: 5_000, startTimeoutMs: 10_000 },
      supervisor: { shutdownMs: 60_000, startTimeoutMs: 120_000 },
    },
    CONFIG_LIMITS: {
      maxPrinters: 20,
      maxConfigFileBytes: 1_048_576,
      maxSecretFileBytes: 4_096,
      maxItemsPerFamily: 1_000,
      maxFamilies: 100,
      maxLimitsPerPrinter: 200,
      maxSocketPathBytes: 107,
      maxDurationMs: 2_147_483_647,
      minDurationMs: 10,
      minPollIntervalMs: 100,
    },
    CONTROL_ACTOR_DEFAULTS: { askTimeoutMs: 1_000 },
    CONTROL_DEFAULTS: {
      socketPath: '/run/3dconnect/control.sock',
      socketMode: 432,
      adminSocketMode: 384,
      directoryMode: 488,
      maxRequestLineBytes: 16_384,
      maxReplyLineBytes: 8_388_608,
      maxQueuedRequests: 8,
      maxConnections: 16,
      idleTimeoutMs: 30_000,
      handlerTimeoutMs: 5_000,
      closeGraceMs: 1_000,
      probeTimeoutMs: 1_000,
      requestTimeoutMs: 10_000,
      maxErrorMessageLength: 1_024,
      maxIdLength: 64,
      maxActorPathLength: 512,
    },
    DEFAULT_ALWAYSON_LIMITS: {
      chunkSize: 8_192,
      maxMessageBytes: 1_048_576,
      maxStringBytes: 1_048_576,
      maxInfoTableDepth: 4,
      maxFields: 255,
      maxRows: 100_000,
      maxAspects: 64,
      maxBindNames: 10_000,
      maxHeaders: 16,
      maxPartialMessages: 8,
    },
    DEFAULT_LUMBERJACK_LIMITS: {
      maxWindowEvents: 10_000,
      maxEventBytes: 1_048_576,
      maxCompressedBytes: 8_388_608,
      maxInflatedBytes: 33_554_432,
      maxBytesInFlight: 33_554_432,
      keepAliveMs: 1_000,
      stallTimeoutMs: 120_000,
      handshakeTimeoutMs: 10_000,
      idleTimeoutMs: 60_000,
      unidentifiedIdleTimeoutMs: 10_000,
      closeGraceMs: 5_000,
      tcpKeepAliveMs: 60_000,
      maxConnections: 64,
    },
    DEFAULT_UPLINK_LIMITS: {
      maxQueuedReadings: 100_000,
      maxQueuedBytes: 33_554_432,
      perThingShare: 0.25,
      alertReserve: 0.05,
      maxRowsPerCall: 500,
      flushIntervalMs: 100,
      maxInFlight: 4,
      dedupeEntries: 10_000,
      dedupeTtlMs: 600_000,
      conflationEntries: 10_000,
      backoff: { minMs: 500, maxMs: 60_000, jitter: 0.2 },
      notFoundRetryMs: 60_000,
      forbiddenRetryMs: 5_000,
      forbiddenRetryMaxMs: 120_000,
      probeIntervalMs: 1_000,
      probeJitterRatio: 0.2,
      unauthorizedRecheckMs: 5_000,
      unauthorizedRecheckMaxMs: 120_000,
      maxRetryAfterMs: 300_000,
      stopDrainMs: 10_000,
    },
    DROP_LEDGER_DEFAULTS: { maxNamedPeers: 100 },
    FLEET_EVENTS_DEFAULTS: { capacity: 100 },
    HEALTH_ACTOR_DEFAULTS: { evaluateEveryMs: 1_000, printerStateItem: 'PrinterState' },
    INGEST_BUDGET_DEFAULTS: { maxBytes: 50_331_648, maxUnidentifiedBytes: 1_048_576, maxStalledWaitMs: 5_000 },
    LIVENESS_DEFAULTS: { staleAfterMs: { filebeat: 300_000, metricbeat: 60_000, poll: 90_000, push: 120_000 } },
    LOG_RULE_DEFAULTS: {
      maxLineLength: 4_096,
      maxRules: 256,
      maxPatternLength: 512,
      maxProgramSize: 1_000,
      maxItemsPerRule: 32,
      maxStringLength: 256,
      maxUnitLength: 16,
    },
    MAILBOX_DEFAULTS: { drainBatch: 32 },
    OUTBOUND_DEFAULTS: { uplinkDownRetryMs: 500, busyRecheckMs: 5_000, maxCoalescedReadings: 1_000 },
    OUTCOME_DEFAULTS: { maxRetryAfterMs: 300_000, maxDetailChars: 160 },
    PIP_CODEC_LIMITS: {
      maxLineBytes: 65_536,
      maxIdentityLength: 128,
      maxTextValueLength: 256,
      maxErrorMessageLength: 1_024,
      maxItems: 256,
      maxLayers: 10_000_000,
    },
    PRINTER_CLIENT_DEFAULTS: {
      timeoutMs: 5_000,
      connectTimeoutMs: 5_000,
      backoff: { minMs: 500, maxMs: 30_000, jitter: 0.2 },
      maxQueued: 8,
      keepAliveMs: 30_000,
    },
    PROVISIONING_CLIENT_DEFAULTS: { requestTimeoutMs: 15_000, maxResponseBytes: 4_194_304, maxDetailChars: 200 },
    PROVISIONING_DEFAULTS: {
      thingTemplate: 'GenericThing',
      valueStreamTemplate: 'ValueStream',
      alertPriority: { critical: 1, warning: 2, info: 3 },
      otherPriority: 2,
      printerStateProperty: 'PrinterState',
    },
    PUSH_MESSAGE_LIMITS: { maxReadingsPerMessage: 500, maxStringValueLength: 256, maxUnitLength: 16 },
    PUSH_SERVER_DEFAULTS: {
      path: '/push/v1',
      maxMessageBytes: 65_536,
      maxMessagesPerSecond: 20,
      burstMessages: 64,
      maxPendingAcks: 64,
      maxHeldMessages: 1_024,
      pingIntervalMs: 30_000,
      handshakeTimeoutMs: 10_000,
      maxConnections: 64,
      maxConnectionsPerAddress: 8,
      reservedPerPrinter: 2,
      maxPendingHandshakes: 64,
      closeTimeoutMs: 5_000,
    },
    RATE_WINDOW_DEFAULTS: { windowMs: 10_000, sampleEveryMs: 1_000 },
    REGISTRY_DEFAULTS: { pingTimeoutMs: 1_000, reconcileTimeoutMs: 120_000 },
    REST_TRANSPORT_DEFAULTS: {
      requestTimeoutMs: 15_000,
      maxSockets: 8,
      idleSocketTimeoutMs: 15_000,
      maxResponseBytes: 65_536,
      maxRetryAfterMs: 300_000,
      maxDetailChars: 160,
      sessionCheckProperty: 'name',
      sessionCheckTimeoutMs: 5_000,
    },
    RUN_DEFAULTS: { exitGraceMs: 2_000 },
    SUPERVISOR_DEFAULTS: {
      strategy: 'one_for_one',
      intensity: 1,
      periodMs: 5_000,
      backoff: { minMs: 100, maxMs: 30_000, jitter: 0.2 },
    },
    UPLINK_ACTOR_DEFAULTS: { shutdownDrainMs: 10_000, ingressAskMs: 500 },
    WATCH_DEFAULTS: { intervalMs: 2_000, minIntervalMs: 200 },
  });
});

/** DEFAULTS as it was before the move (config/defaults.ts). */
const PINNED_DEFAULTS = {
  log: { level: 'info' },
  thingworx: {
    transport: 'rest',
    tls: { allowSelfSigned: false, allowInsecureHttp: false },
    alwaysOn: {
      pingIntervalMs: 55_000,
      pongTimeoutMs: 10_000,
      reconnectJitterMs: 10_000,
      reconnectMinMs: 5_000,
      reconnectMaxMs: 60_000,
      chunkSize: 8_192,
    },
    requestTimeoutMs: 15_000,
    sessionCheckIntervalMs: 30_000,
    healthIntervalMs: 60_000,
  },
  listenerTls: { clientAuth: 'none', handshakeTimeoutMs: 10_000 },
  listeners: {
    beats: {
      enabled: true,
      host: '127.0.0.1',
      port: 5_044,
      limits: {
        maxWindowEvents: 10_000,
        maxEventBytes: 1_048_576,
        maxCompressedBytes: 8_388_608,
        maxInflatedBytes: 33_554_432,
        maxBytesInFlight: 33_554_432,
        keepAliveMs: 1_000,
        stallTimeoutMs: 120_000,
        idleTimeoutMs: 60_000,
        unidentifiedIdleTimeoutMs: 10_000,
        maxConnections: 64,
        maxConnectionsPerAddress: 8,
        reservedPerPrinter: 2,
        maxPendingHandshakes: 64,
      },
    },
    push: {
      enabled: true,
      host: '127.0.0.1',
      port: 8_765,
      path: '/push/v1',
      maxMessageBytes: 262_144,
      maxMessagesPerSecond: 200,
      maxPendingAcks: 64,
      maxConnections: 64,
      maxConnectionsPerAddress: 8,
      reservedPerPrinter: 2,
      maxPendingHandshakes: 64,
    },
    budget: { maxBytes: 50_331_648, maxUnidentifiedBytes: 1_048_576, maxStalledWaitMs: 5_000 },
  },
  control: { socket: '/run/3dconnect/control.sock' },
  uplink: {
    maxQueuedReadings: 100_000,
    maxQueuedBytes: 33_554_432,
    maxRowsPerCall: 500,
    flushIntervalMs: 100,
    maxInFlight: 4,
    dedupeEntries: 10_000,
    dedupeTtlMs: 600_000,
    conflationEntries: 10_000,
    backoff: { minMs: 500, maxMs: 60_000 },
    perThingShare: 0.25,
    alertReserve: 0.05,
    notFoundRetryMs: 60_000,
    forbiddenRetryMs: 5_000,
    forbiddenRetryMaxMs: 120_000,
    probeIntervalMs: 1_000,
    probeJitterRatio: 0.2,
    unauthorizedRecheckMs: 5_000,
    unauthorizedRecheckMaxMs: 120_000,
    maxRetryAfterMs: 300_000,
  },
  supervision: {
    printer: { intensity: 5, periodMs: 60_000, backoff: { minMs: 500, maxMs: 30_000 } },
    fleet: { intensity: 10, periodMs: 60_000, parkRetryMs: 300_000 },
    adapter: { intensity: 3, periodMs: 60_000, backoff: { minMs: 1_000, maxMs: 30_000 } },
  },
  health: {
    staleAfterMs: { filebeat: 300_000, metricbeat: 60_000, poll: 90_000, push: 120_000 },
    offlineAfterMs: 120_000,
  },
  printer: { pollIntervalMs: 5_000 },
  limit: {
    limitInclusive: true,
    minimumInclusive: true,
    maximumInclusive: false,
    severity: 'warning',
    hysteresis: 0,
    raiseAfterMs: 0,
  },
  itemLane: 'state',
};

test('the config-shaped defaults the schema fills in are unchanged', (t) => {
  DEFAULTS.uplink satisfies Readonly<UplinkSettings>;
  t.deepEqual(DEFAULTS, PINNED_DEFAULTS);
});

test('a minimal config with both listeners on gets exactly the recorded effective settings', (t) => {
  const result = validateConfig({ ...sampleConfig(), listeners: { beats: {}, push: {} } });
  if (!result.ok) return t.fail(result.errors.join('\n'));
  // The catalog (pinned by the catalog tests), the printers and the identity come from the config, not the defaults.
  const { catalog: _catalog, printers: _printers, adapter: _adapter, ...settings } = result.config;
  // The sections as pinned above, the ThingWorx address and key from the config. The other defaults are filled in
  // where they apply: per printer (printer, limit, itemLane) and per listener TLS section (listenerTls).
  const { listenerTls: _tls, printer: _printer, limit: _limit, itemLane: _lane, ...sections } = PINNED_DEFAULTS;
  t.deepEqual(settings, {
    ...sections,
    thingworx: { ...sections.thingworx, url: 'https://twx.example.com:8443', appKey: { env: 'TWX_APP_KEY' } },
  });
});
