/**
 * The plain JSON snapshots the views render, as the daemon's control handler sends them.
 * Times are ms since the epoch; `at` is the daemon's clock when the snapshot was taken, and every
 * age is measured against it. Optional times may also be null (the registry's own snapshots use null).
 */

export type ActorKind = 'supervisor' | 'worker';
export type ActorStatus = 'running' | 'restarting' | 'backoff' | 'stopped' | 'failed';

export interface ActorError {
  message: string;
  code?: string;
  at: number;
}

/** One supervised actor, as the supervision registry knows it. */
export interface ActorEntry {
  path: string;
  kind: ActorKind;
  status: ActorStatus;
  restarts: { total: number; inWindow: number };
  lastError?: ActorError | null;
  startedAt?: number | null;
  messagesHandled: number;
  mailboxDepth: number;
  lastMessageAt?: number | null;
}

/** The one-line adapter summary above the status table. */
export interface AdapterSummary {
  version: string;
  pid: number;
  startedAt: number;
  printers: { configured: number; running: number };
  /** The uplink's session state (connecting, ready, degraded, unauthorized), when known. */
  uplinkSession?: string | null;
}

/** Result of `status`. */
export interface StatusSnapshot {
  at: number;
  adapter: AdapterSummary;
  actors: ActorEntry[];
}

export interface PrinterSourceEntry {
  /** filebeat, metricbeat, poll or push. */
  source: string;
  lastSeenAt?: number | null;
  /** Seen within its stale threshold and not failing since; absent from daemons that predate it. */
  fresh?: boolean;
}

export interface PrinterAlertEntry {
  name: string;
  item?: string;
  since?: number | null;
}

export interface PrinterEntry {
  /** The printer's id in the config (p01). */
  id: string;
  thing: string;
  family: string;
  /** Free text from the printer subtree: online, printing, offline, failed … */
  state: string;
  sources: PrinterSourceEntry[];
  readingsPerSecond: number;
  /** Inputs dropped since the adapter started; `byReason` names only the reasons that have any. */
  dropped: PrinterDropsEntry;
  alerts: PrinterAlertEntry[];
  /** The latest alert raised or cleared that the daemon saw; absent from daemons that predate it. */
  lastAlert?: PrinterLastAlert | null;
  /** The uplink holds this printer's Thing alone (404, 403): its data waits, the state column says so. */
  held?: { reason: string; status: number } | null;
}

export interface PrinterLastAlert {
  name: string;
  item?: string | null;
  state: 'raised' | 'cleared';
  at: number;
}

export interface PrinterDropsEntry {
  total: number;
  /** log_no_match, unknown_document, off_catalog, identity_mismatch … */
  byReason: Record<string, number>;
}

/** Windows refused before any printer could be named for them (unknown_printer), by peer. */
export interface RefusalEntry {
  reason: string;
  /** Certificate subject or remote address; "other" for every peer past the adapter's bound. */
  peer: string;
  count: number;
}

/** Result of `printers`. */
export interface PrintersSnapshot {
  at: number;
  printers: PrinterEntry[];
  refused: RefusalEntry[];
}

/** A Thing the uplink holds alone (its printer's data waits, the others go on): why, and when it is tried again. */
export interface UplinkThingHold {
  /** not-found (404), forbidden (401/403 while the key works), verifying (the session check deciding is under way). */
  reason: string;
  status: number;
  heldForMs: number;
  /** null while verifying. */
  retryInMs: number | null;
}

export interface UplinkThingEntry {
  thing: string;
  queuedReadings: number;
  hold: UplinkThingHold | null;
}

/** The AlwaysOn session behind the uplink (transport alwayson only). */
export interface UplinkTransportSession {
  state: string;
  sessionId: number | null;
  boundThings: string[];
  lastPongAgoMs: number | null;
  reconnects: number;
  lastError: string | null;
}

/** Result of `uplink`: a subset of the uplink's status() plus its transport, so it can be passed through. */
export interface UplinkSnapshot {
  at: number;
  /** rest or alwayson. */
  transport: string;
  /** The AlwaysOn session; absent or null for REST and from daemons that predate it. */
  transportSession?: UplinkTransportSession | null;
  session: string;
  /** Why the session is not ready (the last failed check, e.g. TWX_TLS_UNTRUSTED, or why degraded), when it is not. */
  sessionDetail?: string | null;
  endpointHost: string | null;
  queue: { readings: number; bytes: number; maxReadings: number; maxBytes: number };
  inFlightCalls: number;
  maxInFlight: number;
  /** Readings ThingWorx accepted per second, over the daemon's own window; absent from daemons that predate it. */
  deliveredPerSecond?: number;
  /** The Things the uplink queues for; absent from daemons that predate it. */
  things?: UplinkThingEntry[];
  counters: {
    deliveredReadings: number;
    /** Batches with a reading in an accepted call. */
    deliveredBatches: number;
    /** Batches acknowledged without a call: superseded state, duplicates, dropped. */
    settledUnsentBatches?: number;
    retries: number;
    duplicatesSuppressed: number;
    /** Delivery calls by HTTP status; "none" for no response. */
    responsesByStatus: Record<string, number>;
  };
}

/** One log-worthy event the daemon kept: alert-raised, alert-cleared, restart, refused, held, released. */
export interface FleetEventEntry {
  at: number;
  kind: string;
  /** The printer, actor path, peer or Thing it is about. */
  subject: string;
  detail: string;
}

/** Result of `events`: the daemon's bounded ring of recent events, oldest first, and what it counted. */
export interface EventsSnapshot {
  at: number;
  events: FleetEventEntry[];
  totals: { alertsRaised: number; alertsCleared: number; restarts: number; refusedWindows: number };
}

/** Result of `restart`. */
export interface RestartResult {
  path: string;
  /** False when the path names nothing restartable (the root); `reason` says why. */
  accepted: boolean;
  reason?: string;
}
