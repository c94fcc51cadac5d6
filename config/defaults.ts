/**
 * Every default of the adapter, in one file (issue 18; STYLE.md: "limits and timeouts are named configuration with
 * defaults in one place"). A newcomer reads this file and knows every value the adapter assumes when nobody says
 * otherwise:
 *
 * - the module defaults (`*_DEFAULTS`, `*_LIMITS`): each object belongs to one module, which imports it from here and
 *   owns its *interface* (what each field means is documented there, and again here where the value needs a reason);
 * - `DEFAULTS`: the configuration file's defaults, as the schema (config/schema/) fills them in, built from the module
 *   defaults wherever a setting reaches a module, so the two cannot drift;
 * - `CONFIG_LIMITS`: the bounds the loader puts on the configuration itself.
 *
 * Why here and why this imports nothing: every layer reads defaults (protocols/, actors/, supervision/, cli/ and the
 * config schema), and config/ sits beside protocols/ in ARCHITECTURE.md §6. A file of plain values with no imports is
 * the bottom of the graph, so any module may import it without an upward arrow or an import cycle;
 * test/layering.test.ts keeps it that way. The interfaces stay with the code that uses them (wire code keeps its own
 * vocabulary); test/config/defaults-pinned.test.ts checks each object against its interface and pins every value.
 */

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

// ── Printers sending: the Beats and push listeners, and what admits and bounds their connections ──

/** The Lumberjack (Beats) server: LumberjackLimits, protocols/lumberjack/limits.ts. Bytes and ms. */
export const DEFAULT_LUMBERJACK_LIMITS = Object.freeze({
  /** go-lumber refuses more than 10,000 events in a window; Beats send 2048 by default. */
  maxWindowEvents: 10_000,
  /** One event (a log line, a Metricbeat document) is far smaller; bigger is an error or an attack. */
  maxEventBytes: 1 * MiB,
  maxCompressedBytes: 8 * MiB,
  /** A zlib bomb costs at most this: inflation stops here. */
  maxInflatedBytes: 32 * MiB,
  /** Unacknowledged bytes per connection; at the limit the server stops reading that socket. */
  maxBytesInFlight: 32 * MiB,
  /** The `A 0` keep-alive while a window waits; a Beat must hear from us well within its timeout (at most 3 s). */
  keepAliveMs: 1000,
  /** A window that makes no progress for this long is closed, and the Beat re-sends it. */
  stallTimeoutMs: 120_000,
  handshakeTimeoutMs: 10_000,
  /** A Beat reconnects on its next publish, so an idle connection need not be held. */
  idleTimeoutMs: 60_000,
  /** A Beat connects when it has events to send, so a connection silent before its first window is suspect. */
  unidentifiedIdleTimeoutMs: 10_000,
  closeGraceMs: 5000,
  /** So a vanished peer does not hold a connection forever. */
  tcpKeepAliveMs: 60_000,
  /** 20 printers, two Beats each, and room. */
  maxConnections: 64,
});

/** One Beats connection's decoding (protocols/lumberjack/connection.ts): fairness between printers. */
export const BEATS_CONNECTION_DEFAULTS = Object.freeze({
  /**
   * One connection decodes for at most this long before letting the event loop run (other
   * printers' windows, ACKs, timers): a 32 MiB window costs ~100 ms of JSON parsing.
   */
  decodeSliceMs: 4,
  /** Steps between clock reads while decoding (a clock read per event would cost more than it tells). */
  stepsPerClockRead: 16,
  /** While an inflate runs or decoding yields, read ahead only this much. */
  readAheadBytes: 256 * 1024,
});

/**
 * Who gets a connection slot on the Beats and push listeners (AdmissionLimits, protocols/admission/policy.ts), so that
 * configured printers can always connect whatever anonymous peers do. Counts of connections.
 */
export const ADMISSION_DEFAULTS = Object.freeze({
  /** A printer runs two Beats (Filebeat and Metricbeat) or one push client; room for reconnects. */
  maxConnectionsPerAddress: 8,
  /** One per Beat of a printer. */
  reservedPerPrinter: 2,
  maxPendingHandshakes: 64,
});

/** The memory all printer connections together may hold (IngestBudgetLimits, protocols/ingest-budget/). */
export const INGEST_BUDGET_DEFAULTS = Object.freeze({
  /** Bytes; well inside the unit's heap (128 MB). */
  maxBytes: 48 * MiB,
  /** Bytes before a connection's printer is known: a Beat's first compressed window fits, an attacker's does not. */
  maxUnidentifiedBytes: 1 * MiB,
  /** A connection stuck at its share with a window that cannot complete is closed after this (ms). */
  maxStalledWaitMs: 5000,
});

/** The push (WebSocket) listener, protocols/push/server.ts. The config's `listeners.push` overrides some of them. */
export const PUSH_SERVER_DEFAULTS = Object.freeze({
  path: '/push/v1',
  /** ws refuses a longer frame from its length header, before reading the payload (close 1009). */
  maxMessageBytes: 64 * 1024,
  /** Sustained messages per second per printer; above it the server stops reading (it holds, not closes). */
  maxMessagesPerSecond: 20,
  /** Messages a printer may send at once, e.g. re-sending its unacknowledged ones after a reconnect. */
  burstMessages: 64,
  /** Delivered but unacknowledged messages per connection before reading stops. */
  maxPendingAcks: 64,
  /** Messages already read while reading is stopped; beyond it the connection is closed (1008). */
  maxHeldMessages: 1024,
  /** Ping period; a connection that did not answer the previous ping is terminated. 0 turns it off. */
  pingIntervalMs: 30_000,
  /** TLS handshake and HTTP upgrade must complete within this, counted from the TCP accept. */
  handshakeTimeoutMs: 10_000,
  /** Connections at once, authenticated or not (one per printer, and room for attempts and replacements). */
  maxConnections: 64,
  /** Connections from one address not yet authenticated. */
  maxConnectionsPerAddress: ADMISSION_DEFAULTS.maxConnectionsPerAddress,
  /** Slots kept for each printer known by address or certificate; the rest is open to anyone. */
  reservedPerPrinter: ADMISSION_DEFAULTS.reservedPerPrinter,
  /** TLS handshakes under way from addresses not known to be a printer's. */
  maxPendingHandshakes: ADMISSION_DEFAULTS.maxPendingHandshakes,
  /** close() waits this long for close handshakes, then terminates. */
  closeTimeoutMs: 5_000,
});

/** What one push message may carry (protocols/push/message.ts); bigger is refused, not truncated. */
export const PUSH_MESSAGE_LIMITS = Object.freeze({
  maxReadingsPerMessage: 500,
  maxStringValueLength: 256,
  maxUnitLength: 16,
});

// ── Printers polled: the PIP/1 client and codec ──

/** The PIP/1 client that polls a printer (protocols/printer/client.ts). ms unless named otherwise. */
export const PRINTER_CLIENT_DEFAULTS = Object.freeze({
  /** Bounds one call from the moment it is made: queueing, connecting and the reply. */
  timeoutMs: 5_000,
  connectTimeoutMs: 5_000,
  /** Reconnect delay after `failures` failed connections in a row. */
  backoff: Object.freeze({ minMs: 500, maxMs: 30_000, jitter: 0.2 }),
  /** Calls waiting behind the one on the wire; one of each op fits twice. */
  maxQueued: 8,
  keepAliveMs: 30_000,
});

/** Every size limit of the PIP/1 codec, in one place (PROTOCOLS.md §5 fixes the line cap). */
export const PIP_CODEC_LIMITS = Object.freeze({
  /** Bytes in one line, newline excluded. */
  maxLineBytes: 64 * 1024,
  /** Characters in identity strings (model, serial, firmware) and job ids. */
  maxIdentityLength: 128,
  /** Characters in a string sensor value. */
  maxTextValueLength: 256,
  /** Characters in an error reply's message. */
  maxErrorMessageLength: 1024,
  /** Entries in a sensors or consumables result. */
  maxItems: 256,
  /** Largest layer count a job may report. */
  maxLayers: 10_000_000,
});

// ── What readings are made of: log-line rules, alert rules, liveness ──

/** Bounds of the log-line rules (domain/loglines/rules.ts), built-in and configured: RE2 keeps matching linear. */
export const LOG_RULE_DEFAULTS = Object.freeze({
  /** Longer lines are dropped before any regex sees them (counted `too_long`). UTF-16 code units. */
  maxLineLength: 4096,
  maxRules: 256,
  maxPatternLength: 512,
  /**
   * RE2 instructions a pattern may compile to: matching work grows with this times the line length
   * (a 1000-instruction pattern took about 10 ms on a 4,096-character line); the default rules need
   * under 200.
   */
  maxProgramSize: 1000,
  maxItemsPerRule: 32,
  /** Longest STRING value a rule may emit. */
  maxStringLength: 256,
  maxUnitLength: 16,
});

/** What an operating limit (config `printers[].limits`, domain/health/rules.ts) means when it does not say. */
export const ALERT_RULE_DEFAULTS = Object.freeze({
  limitInclusive: true,
  minimumInclusive: true,
  maximumInclusive: false,
  severity: 'warning',
  hysteresis: 0,
  raiseAfterMs: 0,
});

/**
 * When a source of a printer counts as stale (ms without data; domain/health/liveness.ts). Filebeat sends only
 * when the printer logs, so it gets the most slack; Metricbeat reports every 10 s by default.
 */
export const LIVENESS_DEFAULTS = Object.freeze({
  staleAfterMs: Object.freeze({ filebeat: 300_000, metricbeat: 60_000, poll: 90_000, push: 120_000 }),
});

// ── ThingWorx: the REST and AlwaysOn transports, their outcomes, provisioning ──

/** How a ThingWorx answer is read (protocols/thingworx/outcome.ts), for both transports. */
export const OUTCOME_DEFAULTS = {
  /** A Retry-After beyond this is clamped: no server parks the uplink for longer. */
  maxRetryAfterMs: 300_000,
  /** Characters of response text or error message kept in `detail`. */
  maxDetailChars: 160,
} as const;

/** The REST transport (protocols/thingworx/rest-transport.ts); `thingworx.requestTimeoutMs` overrides its deadline. */
export const REST_TRANSPORT_DEFAULTS = {
  /** Whole-request deadline (connect, TLS, request, status line). */
  requestTimeoutMs: 15_000,
  /** Keep-alive sockets to ThingWorx; at least the uplink's requests in flight. */
  maxSockets: 8,
  /** Idle keep-alive sockets are closed after this (Tomcat's default keep-alive is 20 s). */
  idleSocketTimeoutMs: 15_000,
  /** Response bytes read; ThingWorx answers UpdatePropertyValues with an empty body. */
  maxResponseBytes: 64 * 1024,
  maxRetryAfterMs: OUTCOME_DEFAULTS.maxRetryAfterMs,
  maxDetailChars: OUTCOME_DEFAULTS.maxDetailChars,
  /** Every Thing has this property, and reading it is cheap: the session check. */
  sessionCheckProperty: 'name',
  /**
   * The session check is a small GET and, while ThingWorx is away, the probe: a blackholed network must not hold it
   * for the whole request deadline, or recovery waits for it.
   */
  sessionCheckTimeoutMs: 5_000,
} as const;

/** Every timing of the AlwaysOn session, in one place; the defaults are the Edge SDK's (PROTOCOLS.md §3). */
export const ALWAYSON_TRANSPORT_DEFAULTS = {
  path: '/Thingworx/WS',
  /** A WebSocket ping this often… */
  pingIntervalMs: 55_000,
  /** …and a reconnect when its pong has not come within this. */
  pongTimeoutMs: 10_000,
  /** The first reconnect after a drop waits a random 0..this, so many edges do not return in step. */
  reconnectJitterMs: 10_000,
  /** Later reconnects back off from this to reconnectMaxMs. */
  reconnectMinMs: 5_000,
  reconnectMaxMs: 60_000,
  reconnectJitterRatio: 0.2,
  /** WebSocket upgrade (TCP, TLS, HTTP) deadline. */
  connectTimeoutMs: 10_000,
  /** Deadline of each request (AUTH, BIND, a property push, the session check). */
  requestTimeoutMs: 15_000,
  /** Every Thing has this property, and reading it is cheap: the session check, as REST does it. */
  sessionCheckProperty: 'name',
} as const;

/**
 * The AlwaysOn binary codec (AlwaysOnCodecLimits, protocols/thingworx/alwayson/limits.ts): what a message from the
 * server may hold before it is refused. `thingworx.alwaysOn.chunkSize` overrides the chunk size.
 */
export const DEFAULT_ALWAYSON_LIMITS = Object.freeze({
  chunkSize: 8192,
  maxMessageBytes: 1024 * 1024,
  maxStringBytes: 1024 * 1024,
  maxInfoTableDepth: 4,
  maxFields: 255,
  maxRows: 100_000,
  maxAspects: 64,
  maxBindNames: 10_000,
  maxHeaders: 16,
  maxPartialMessages: 8,
});

/** What `3dconnect provision` creates in ThingWorx (protocols/thingworx/provisioning/). */
export const PROVISIONING_DEFAULTS = {
  /** The template printer and adapter Things are created from. */
  thingTemplate: 'GenericThing',
  /** The template of the value stream entity. */
  valueStreamTemplate: 'ValueStream',
  /** ThingWorx alert priority per configured severity (1 is the most urgent); unknown severities get `otherPriority`. */
  alertPriority: { critical: 1, warning: 2, info: 3 } as Readonly<Record<string, number>>,
  otherPriority: 2,
  /** Property name of a printer's liveness (actors/health: HEALTH_ACTOR_DEFAULTS.printerStateItem). */
  printerStateProperty: 'PrinterState',
} as const;

/** The provisioning calls (protocols/thingworx/provisioning/client.ts): larger answers than the uplink's. */
export const PROVISIONING_CLIENT_DEFAULTS = {
  requestTimeoutMs: REST_TRANSPORT_DEFAULTS.requestTimeoutMs,
  /** Definitions of a Thing with every catalog item and alert fit well within this. */
  maxResponseBytes: 4 * 1024 * 1024,
  maxDetailChars: 200,
} as const;

// ── The uplink: the delivery engine and the actors that feed it ──

/** The delivery engine (UplinkLimits, actors/uplink/limits.ts); the config's `uplink` section overrides them. */
export const DEFAULT_UPLINK_LIMITS = Object.freeze({
  maxQueuedReadings: 100_000,
  maxQueuedBytes: 32 * 1024 * 1024,
  perThingShare: 0.25,
  alertReserve: 0.05,
  maxRowsPerCall: 500,
  flushIntervalMs: 100,
  maxInFlight: 4,
  /**
   * 10,000 events: the reach of the earlier per-reading default (50,000 readings at about five readings per
   * event). Each remembered id lives in the old generation until it is forgotten, and at 50,000 events the churn of
   * those ids cost the adapter about 15% of its CPU under load (bench/end-to-end.ts). Forgetting one early costs a
   * duplicate row in ThingWorx, never a lost one.
   */
  dedupeEntries: 10_000,
  dedupeTtlMs: 10 * 60_000,
  conflationEntries: 10_000,
  backoff: Object.freeze({ minMs: 500, maxMs: 60_000, jitter: 0.2 }),
  notFoundRetryMs: 60_000,
  forbiddenRetryMs: 5_000,
  forbiddenRetryMaxMs: 120_000,
  probeIntervalMs: 1_000,
  probeJitterRatio: 0.2,
  unauthorizedRecheckMs: 5_000,
  unauthorizedRecheckMaxMs: 120_000,
  maxRetryAfterMs: 5 * 60_000,
  stopDrainMs: 10_000,
});

/** The uplink actor (actors/uplink/behaviour.ts). ms. */
export const UPLINK_ACTOR_DEFAULTS = {
  /** How long an orderly stop waits for ThingWorx to take what is queued (SIGTERM drain). */
  shutdownDrainMs: 10_000,
  /** How long the uplink waits for ingress's count of connected printers for the adapter's health reading. */
  ingressAskMs: 500,
} as const;

/** What a sender (collector, poller) does between it and the uplink (actors/uplink/outbound.ts). */
export const OUTBOUND_DEFAULTS = {
  /** When a sender tries again without being told: the uplink is down, or a SpaceAvailable was lost with it. */
  uplinkDownRetryMs: 500,
  busyRecheckMs: 5_000,
  /** Readings in one offer made of several queued batches; a single larger batch still goes alone. */
  maxCoalescedReadings: 1_000,
} as const;

// ── The other actors ──

/** Shutdown budgets: the uplink gets time to drain what ThingWorx has not taken yet. */
export const ADAPTER_TREE_DEFAULTS = { uplinkShutdownMs: 15_000, ingressShutdownMs: 5_000 } as const;

/** The health actor (actors/health/behaviour.ts). */
export const HEALTH_ACTOR_DEFAULTS = {
  /** How often (ms) a printer's state is re-evaluated: sources go stale without any message arriving. */
  evaluateEveryMs: 1_000,
  /** The item a printer's liveness is delivered as (provisioning creates the property of that name). */
  printerStateItem: 'PrinterState',
} as const;

/** What the adapter refused or dropped, by peer (actors/drop-ledger.ts): bounded, as peers are untrusted. */
export const DROP_LEDGER_DEFAULTS = {
  /** Distinct peers counted by name per refusal reason; any further peer is counted as OTHER_PEERS. */
  maxNamedPeers: 100,
} as const;

/** How long one view may wait for an actor's answer; a busy or restarting actor shows as unknown. */
export const CONTROL_ACTOR_DEFAULTS = { askTimeoutMs: 1_000 } as const;

/** The rates the control views show (actors/control/rate-window.ts). ms. */
export const RATE_WINDOW_DEFAULTS = {
  /** The span a rate is averaged over. */
  windowMs: 10_000,
  /** How often the control actor samples the counters. */
  sampleEveryMs: 1_000,
} as const;

/** The recent events the control `events` view shows (actors/control/fleet-events.ts). */
export const FLEET_EVENTS_DEFAULTS = {
  /** Events kept; the oldest goes first. */
  capacity: 100,
} as const;

// ── Supervision ──

/** Between restarts of the same child (supervision/backoff.ts; supervision/README.md). ms, jitter a fraction. */
export const BACKOFF_DEFAULTS = {
  minMs: 100,
  maxMs: 30_000,
  jitter: 0.2,
} as const;

/** OTP defaults: one_for_one, at most 1 restart in 5 s. */
export const SUPERVISOR_DEFAULTS = {
  strategy: 'one_for_one',
  intensity: 1,
  periodMs: 5_000,
  backoff: BACKOFF_DEFAULTS,
} as const;

/** A child spec's defaults (supervision/spec.ts): how it restarts, and its stop and start budgets (ms). */
export const CHILD_DEFAULTS = {
  restart: 'permanent',
  worker: { shutdownMs: 5_000, startTimeoutMs: 10_000 },
  // A supervisor's budget covers its whole subtree, so it is larger (OTP uses infinity).
  supervisor: { shutdownMs: 60_000, startTimeoutMs: 120_000 },
} as const;

/** Asking the actor registry (supervision/registry.ts). ms. */
export const REGISTRY_DEFAULTS = {
  pingTimeoutMs: 1_000,
  /** A reconcile stops and starts whole subtrees: generous. */
  reconcileTimeoutMs: 120_000,
} as const;

/** The supervised cells' mailboxes (supervision/cell.ts). */
export const MAILBOX_DEFAULTS = {
  /**
   * Envelopes a cell handles per turn in the run queue before the others (and, after the round,
   * I/O and timers) get theirs. Larger batches cost less per message and delay everyone else longer.
   */
  drainBatch: 32,
} as const;

// ── The control socket and the command line ──

/** The control socket, server and client (ControlLimits, protocols/control/limits.ts). */
export const CONTROL_DEFAULTS = Object.freeze({
  /** Where the daemon listens and the CLI looks when no path is given (config `control.socket`). */
  socketPath: '/run/3dconnect/control.sock',
  /** Read-only socket file mode: the daemon's user and group may look, nobody else. */
  socketMode: 0o660,
  /** Admin socket file mode (restart): the daemon's user only, and root. */
  adminSocketMode: 0o600,
  /** Mode of the socket's directory when the server has to create it. */
  directoryMode: 0o750,
  /** Bytes in one request line, newline excluded. Requests are tiny; anything bigger is refused before buffering. */
  maxRequestLineBytes: 16 * KiB,
  /** Bytes in one reply line the client accepts (a status snapshot of 20 printers is far below this). */
  maxReplyLineBytes: 8 * MiB,
  /** Requests read ahead on one connection while an earlier one is being answered. */
  maxQueuedRequests: 8,
  /** Connections open at once; more are answered with an error and closed. */
  maxConnections: 16,
  /** A connection with no traffic for this long is closed. */
  idleTimeoutMs: 30_000,
  /** How long the daemon's handler may take for one request. */
  handlerTimeoutMs: 5_000,
  /** After the server ends a connection, how long the peer has to close its side. */
  closeGraceMs: 1_000,
  /** How long the start-up probe waits for a connect on an existing socket file. */
  probeTimeoutMs: 1_000,
  /** The client's default wait for a reply. */
  requestTimeoutMs: 10_000,
  /** Characters of an error message put into a reply. */
  maxErrorMessageLength: 1_024,
  /** Characters in a request id and in restart's path. */
  maxIdLength: 64,
  maxActorPathLength: 512,
});

/** `3dconnect run` (cli/run.ts). */
export const RUN_DEFAULTS = {
  /**
   * Once the daemon has stopped or failed to start, how long a straggling handle (a socket, a timer,
   * an init that never returned) may keep the process up before it exits anyway: a daemon that
   * cannot run must end, so that systemd sees the failure and restarts it.
   */
  exitGraceMs: 2_000,
} as const;

/** `--watch` on the status views (cli/views/watch.ts). ms. */
export const WATCH_DEFAULTS = {
  intervalMs: 2_000,
  /** Shortest interval accepted from the command line. */
  minIntervalMs: 200,
} as const;

// ── The configuration file ──

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
  listenerTls: { clientAuth: 'none', handshakeTimeoutMs: DEFAULT_LUMBERJACK_LIMITS.handshakeTimeoutMs },
  listeners: {
    /** A listener section that is absent is off; one that is present is on unless enabled: false. */
    beats: {
      enabled: true,
      host: '127.0.0.1',
      port: 5044,
      limits: {
        maxWindowEvents: DEFAULT_LUMBERJACK_LIMITS.maxWindowEvents,
        maxEventBytes: DEFAULT_LUMBERJACK_LIMITS.maxEventBytes,
        maxCompressedBytes: DEFAULT_LUMBERJACK_LIMITS.maxCompressedBytes,
        maxInflatedBytes: DEFAULT_LUMBERJACK_LIMITS.maxInflatedBytes,
        maxBytesInFlight: DEFAULT_LUMBERJACK_LIMITS.maxBytesInFlight,
        keepAliveMs: DEFAULT_LUMBERJACK_LIMITS.keepAliveMs,
        stallTimeoutMs: DEFAULT_LUMBERJACK_LIMITS.stallTimeoutMs,
        idleTimeoutMs: DEFAULT_LUMBERJACK_LIMITS.idleTimeoutMs,
        unidentifiedIdleTimeoutMs: DEFAULT_LUMBERJACK_LIMITS.unidentifiedIdleTimeoutMs,
        maxConnections: DEFAULT_LUMBERJACK_LIMITS.maxConnections,
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
    maxQueuedReadings: DEFAULT_UPLINK_LIMITS.maxQueuedReadings,
    maxQueuedBytes: DEFAULT_UPLINK_LIMITS.maxQueuedBytes,
    maxRowsPerCall: DEFAULT_UPLINK_LIMITS.maxRowsPerCall,
    flushIntervalMs: DEFAULT_UPLINK_LIMITS.flushIntervalMs,
    maxInFlight: DEFAULT_UPLINK_LIMITS.maxInFlight,
    dedupeEntries: DEFAULT_UPLINK_LIMITS.dedupeEntries,
    dedupeTtlMs: DEFAULT_UPLINK_LIMITS.dedupeTtlMs,
    conflationEntries: DEFAULT_UPLINK_LIMITS.conflationEntries,
    backoff: { minMs: DEFAULT_UPLINK_LIMITS.backoff.minMs, maxMs: DEFAULT_UPLINK_LIMITS.backoff.maxMs },
    perThingShare: DEFAULT_UPLINK_LIMITS.perThingShare,
    alertReserve: DEFAULT_UPLINK_LIMITS.alertReserve,
    notFoundRetryMs: DEFAULT_UPLINK_LIMITS.notFoundRetryMs,
    forbiddenRetryMs: DEFAULT_UPLINK_LIMITS.forbiddenRetryMs,
    forbiddenRetryMaxMs: DEFAULT_UPLINK_LIMITS.forbiddenRetryMaxMs,
    probeIntervalMs: DEFAULT_UPLINK_LIMITS.probeIntervalMs,
    probeJitterRatio: DEFAULT_UPLINK_LIMITS.probeJitterRatio,
    unauthorizedRecheckMs: DEFAULT_UPLINK_LIMITS.unauthorizedRecheckMs,
    unauthorizedRecheckMaxMs: DEFAULT_UPLINK_LIMITS.unauthorizedRecheckMaxMs,
    maxRetryAfterMs: DEFAULT_UPLINK_LIMITS.maxRetryAfterMs,
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
