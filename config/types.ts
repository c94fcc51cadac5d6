/**
 * The adapter configuration as the rest of the code sees it: validated, with every default filled in
 * (config/defaults.ts). Only validateConfig/loadConfigFile produce values of these types.
 */
import type { AdmissionLimits } from '../protocols/admission/policy.js';
import type { AlertType, CompiledAlertRule } from '../domain/health/rules.js';
import type { IngestBudgetLimits } from '../protocols/ingest-budget/byte-budget.js';
import type { LogItemSpec, LogRuleSpec } from '../domain/loglines/rules.js';
import type { LumberjackLimits } from '../protocols/lumberjack/limits.js';
import type { ReadingSource, ValueType } from '../domain/readings.js';
import type { BackoffPolicy } from '../supervision/backoff.js';
import type { LogLevel } from './logging.js';

/**
 * Where a secret comes from. The configuration never holds a secret itself; resolveSecret reads it at
 * run time.
 */
export type SecretRef = { file: string } | { env: string };

/** The sources a printer's data can arrive from (a Reading's source, minus the adapter's own health). */
export type DataSource = Exclude<ReadingSource, 'health'>;

export interface AdapterIdentity {
  /** Short id of this adapter, e.g. "nuc-hall-3". */
  id: string;
  /** The adapter's own ThingWorx Thing (its health goes there). */
  thing: string;
}

export interface LogSettings {
  /** LOG_LEVEL in the environment overrides it when set (see effectiveLogLevel in config/logging.ts). */
  level: LogLevel;
}

export interface ThingworxTls {
  /** PEM bundle of extra CAs to trust for the ThingWorx server. */
  caFile?: string;
  /** Client certificate and key, when the server (or a gateway) asks for one. */
  certFile?: string;
  keyFile?: string;
  keyPassphrase?: SecretRef;
  /** Accept a self-signed server certificate. Off unless explicitly set. */
  allowSelfSigned: boolean;
  /** Allow an http:// URL. For tests and the local demo only: the app key would travel in clear text. */
  allowInsecureHttp: boolean;
}

/** rest: UpdatePropertyValues over HTTPS · alwayson: the Edge SDK's binary WebSocket session. */
export type ThingworxTransportKind = 'rest' | 'alwayson';

/** Timings of the AlwaysOn session (used only with transport: alwayson). */
export interface AlwaysOnSettings {
  /** A WebSocket ping this often… */
  pingIntervalMs: number;
  /** …and a reconnect when its pong has not come within this. */
  pongTimeoutMs: number;
  /** The first reconnect after a drop waits a random 0..this. */
  reconnectJitterMs: number;
  /** Later reconnects back off from this to reconnectMaxMs. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Bytes per chunk; must match the server's setting. */
  chunkSize: number;
}

export interface ThingworxSettings {
  /** Base URL without /Thingworx, e.g. https://twx.example.com:8443 (a reverse proxy's path prefix allowed). */
  url: string;
  transport: ThingworxTransportKind;
  appKey: SecretRef;
  tls: ThingworxTls;
  alwaysOn: AlwaysOnSettings;
  requestTimeoutMs: number;
  sessionCheckIntervalMs: number;
  healthIntervalMs: number;
}

export type ClientAuth = 'none' | 'optional' | 'required';

export interface ListenerTls {
  certFile: string;
  keyFile: string;
  /** CA that client certificates must chain to; required when clientAuth is not none. */
  caFile?: string;
  keyPassphrase?: SecretRef;
  clientAuth: ClientAuth;
  handshakeTimeoutMs: number;
}

/**
 * The Beats listener's bounds as the configuration sets them (`listeners.beats.limits`), declared once where they
 * are used: the Lumberjack server's limits and the admission limits. The TLS handshake deadline is
 * `tls.handshakeTimeoutMs`; the socket-level timings (closeGraceMs, tcpKeepAliveMs) are set in code only.
 */
export type BeatsLimits = Omit<LumberjackLimits, 'handshakeTimeoutMs' | 'closeGraceMs' | 'tcpKeepAliveMs'> &
  Omit<AdmissionLimits, 'maxConnections'>;

export interface BeatsListener {
  enabled: boolean;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  tls?: ListenerTls;
  limits: BeatsLimits;
}

export interface PushListener {
  enabled: boolean;
  host: string;
  port: number;
  path: string;
  tls?: ListenerTls;
  maxMessageBytes: number;
  maxMessagesPerSecond: number;
  /** Messages of one connection delivered and not yet acknowledged before the listener stops reading it. */
  maxPendingAcks: number;
  /** Connections at once, authenticated or not; anonymous ones may hold all but the slots kept for printers. */
  maxConnections: number;
  /** Connections from one address not yet authenticated. */
  maxConnectionsPerAddress: number;
  /** Slots kept for each printer known by identity.remoteAddress or identity.tlsSubject (at most half of maxConnections). */
  reservedPerPrinter: number;
  /** TLS handshakes under way from addresses not known to be a printer's. */
  maxPendingHandshakes: number;
}

/**
 * The memory all printer connections together may hold (windows being built or awaiting their ACK,
 * push messages held or awaiting their ack): see protocols/ingest-budget/byte-budget.ts.
 */
export type IngestBudgetSettings = IngestBudgetLimits;

export interface ListenerSettings {
  beats: BeatsListener;
  push: PushListener;
  budget: IngestBudgetSettings;
}

export interface ControlSettings {
  /** Unix socket the CLI talks to. */
  socket: string;
}

/** A retry backoff as the configuration sets it; the jitter is set in code. */
export type Backoff = Pick<BackoffPolicy, 'minMs' | 'maxMs'>;

/**
 * Every bound and timing of the delivery engine that the configuration sets (`uplink:`); the engine's UplinkLimits
 * (actors/uplink/limits.ts) extends it. Defaults: DEFAULT_UPLINK_LIMITS in config/defaults.ts.
 */
export interface UplinkSettings {
  /** Readings queued or in flight, all Things together. */
  maxQueuedReadings: number;
  /** Estimated bytes of those readings (see estimateRowBytes). */
  maxQueuedBytes: number;
  /** Fraction (0..1] of both caps one Thing may hold, so a held (404) Thing cannot starve the others. */
  perThingShare: number;
  /** Fraction [0..1) of both caps kept for the alert lane: routine readings get busy before alerts do. */
  alertReserve: number;
  /** Rows in one UpdatePropertyValues call. */
  maxRowsPerCall: number;
  /** A Thing's routine rows go out this long after the first of them was queued (alerts go at once). */
  flushIntervalMs: number;
  /** Calls in flight, all Things together (never more than one per Thing). */
  maxInFlight: number;
  /** Recently delivered events (an event: the readings that share one eventId) remembered to suppress re-sends… */
  dedupeEntries: number;
  /** …each for this long after it was delivered. */
  dedupeTtlMs: number;
  /** (Thing, item) pairs tracked for conflation of state readings; when all are in use, a new pair is not conflated. */
  conflationEntries: number;
  /** Retry of a failed call (5xx, timeout, reset), per Thing. */
  backoff: Backoff;
  /** A Thing ThingWorx does not know (404) is retried this long after. */
  notFoundRetryMs: number;
  /**
   * A Thing refused (401/403) while the session check shows the key still works: the key's user may not write it.
   * Held alone and retried on a backoff from this…
   */
  forbiddenRetryMs: number;
  /** …up to this. */
  forbiddenRetryMaxMs: number;
  /** While ThingWorx does not answer, the session check probes it this often… */
  probeIntervalMs: number;
  /** …plus up to this fraction at random, so adapters that lost the same server do not probe in step. */
  probeJitterRatio: number;
  /** While unauthorized (401/403), the session is re-checked on a backoff from this… */
  unauthorizedRecheckMs: number;
  /** …up to this. */
  unauthorizedRecheckMaxMs: number;
  /** A server's Retry-After is honoured up to this. */
  maxRetryAfterMs: number;
}

export interface RestartPolicy {
  /** Restarts allowed within periodMs before the supervisor gives up (escalates or parks). */
  intensity: number;
  periodMs: number;
  backoff: Backoff;
}

export interface FleetPolicy {
  intensity: number;
  periodMs: number;
  /** How long a parked (failed) printer waits before the fleet tries it again. */
  parkRetryMs: number;
}

export interface SupervisionSettings {
  printer: RestartPolicy;
  fleet: FleetPolicy;
  adapter: RestartPolicy;
}

export interface HealthSettings {
  /** A source is stale when nothing arrived from it for this long. */
  staleAfterMs: Record<DataSource, number>;
  /** A printer is offline when nothing arrived from any source for this long. */
  offlineAfterMs: number;
}

/** state: newer replaces older while queued (conflated); event: every value is delivered. */
export type ItemLane = 'state' | 'event';

export interface CatalogItem {
  type: ValueType;
  unit?: string;
  lane: ItemLane;
}

/** A log-line rule as the line parser compiles it (domain/loglines): { name?, match, time, items }. */
export type LogRule = LogRuleSpec;
export type LogRuleItem = LogItemSpec;

export interface FamilyCatalog {
  sources: DataSource[];
  items: Record<string, CatalogItem>;
  logRules: LogRule[];
}

export interface Catalog {
  families: Record<string, FamilyCatalog>;
}

/** How Beats and push connections are matched to a printer; at least one field is set. */
export interface PrinterIdentity {
  /** Subject of the printer's TLS client certificate, e.g. "CN=printer-01". */
  tlsSubject?: string;
  /** `fields.printer_id` set in the printer's filebeat.yml / metricbeat.yml. */
  fieldsPrinterId?: string;
  /** The host the Beats report: `host.name`, or `agent.hostname` (7.x) or `beat.hostname` (6.x). */
  hostName?: string;
  /** Source IP address of the printer's connections. */
  remoteAddress?: string;
}

/**
 * A local operating-limit check, shaped like a ThingWorx property alert (PROTOCOLS.md §4), with every
 * default filled in: what domain/health evaluates.
 */
export type OperatingLimit = CompiledAlertRule;
export type LimitType = AlertType;

export interface PrinterConfig {
  /** [a-z0-9-], unique; used in actor paths and event ids. */
  id: string;
  family: string;
  /** ThingWorx Thing name, unique. */
  thing: string;
  /** Printer-interface endpoint, host:port ([v6]:port for IPv6); split it with parseHostPort. */
  address: string;
  identity: PrinterIdentity;
  pollIntervalMs: number;
  pushToken?: SecretRef;
  limits: OperatingLimit[];
}

export interface AdapterConfig {
  adapter: AdapterIdentity;
  log: LogSettings;
  thingworx: ThingworxSettings;
  listeners: ListenerSettings;
  control: ControlSettings;
  uplink: UplinkSettings;
  supervision: SupervisionSettings;
  health: HealthSettings;
  catalog: Catalog;
  printers: PrinterConfig[];
}

/** What validateConfig and loadConfigFile answer: the typed config, or every error found, one line each. */
export type ConfigResult = { ok: true; config: AdapterConfig } | { ok: false; errors: string[] };
