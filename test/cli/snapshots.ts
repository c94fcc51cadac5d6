/** Snapshots as a daemon would send them, at a fixed clock so ages are exact. */
import type { DashboardSnapshot } from '../../cli/views/dashboard-view.js';
import type { ActorEntry, EventsSnapshot, PrinterEntry, PrintersSnapshot, StatusSnapshot, UplinkSnapshot } from '../../cli/views/types.js';

export const NOW = 1_764_000_000_000;
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const STATUS: StatusSnapshot = {
  at: NOW,
  adapter: {
    version: '0.1.0',
    pid: 4242,
    startedAt: NOW - 2 * HOUR - 5 * MINUTE,
    printers: { configured: 2, running: 1 },
    uplinkSession: 'ready',
  },
  // Out of order on purpose, with null times as the registry sends them.
  actors: [
    {
      path: 'adapter/fleet/p02',
      kind: 'supervisor',
      status: 'failed',
      restarts: { total: 12, inWindow: 3 },
      lastError: { message: 'connect ECONNREFUSED 127.0.0.1:4710', code: 'PIP_CONNECT_FAILED', at: NOW - 5 * MINUTE },
      startedAt: null,
      messagesHandled: 0,
      mailboxDepth: 0,
      lastMessageAt: null,
    },
    {
      path: 'adapter',
      kind: 'supervisor',
      status: 'running',
      restarts: { total: 0, inWindow: 0 },
      lastError: null,
      startedAt: NOW - 2 * HOUR,
      messagesHandled: 3,
      mailboxDepth: 0,
      lastMessageAt: NOW - 3 * SECOND,
    },
    {
      path: 'adapter/fleet/p01/collector',
      kind: 'worker',
      status: 'running',
      restarts: { total: 1, inWindow: 1 },
      startedAt: NOW - 40 * SECOND,
      messagesHandled: 1000,
      mailboxDepth: 12,
      lastMessageAt: NOW - SECOND,
    },
    {
      path: 'adapter/fleet',
      kind: 'supervisor',
      status: 'running',
      restarts: { total: 0, inWindow: 0 },
      startedAt: NOW - 2 * HOUR,
      messagesHandled: 10,
      mailboxDepth: 0,
      lastMessageAt: NOW - 20 * SECOND,
    },
    {
      path: 'adapter/fleet/p01',
      kind: 'supervisor',
      status: 'running',
      restarts: { total: 1, inWindow: 0 },
      startedAt: NOW - 4 * 24 * HOUR,
      messagesHandled: 10,
      mailboxDepth: 3,
      lastMessageAt: NOW - SECOND,
    },
    {
      path: 'adapter/uplink',
      kind: 'worker',
      status: 'backoff',
      restarts: { total: 2, inWindow: 2 },
      lastError: { message: 'ThingWorx answered 503', at: NOW - 90 * SECOND },
      startedAt: null,
      messagesHandled: 55,
      mailboxDepth: 0,
      lastMessageAt: NOW - 2 * MINUTE,
    },
  ],
};

export const PRINTERS: PrintersSnapshot = {
  at: NOW,
  printers: [
    {
      id: 'p01',
      thing: 'Printer_SLA_01',
      family: 'projet-6k',
      state: 'printing',
      sources: [
        { source: 'filebeat', lastSeenAt: NOW - 3 * SECOND },
        { source: 'metricbeat', lastSeenAt: NOW - 10 * SECOND },
        { source: 'poll', lastSeenAt: NOW - 2 * SECOND },
      ],
      readingsPerSecond: 12.34,
      dropped: { total: 1234, byReason: { log_no_match: 1200, unknown_document: 30, identity_mismatch: 4 } },
      alerts: [{ name: 'VatTemperatureHigh', item: 'VatTemperature', since: NOW - 5 * MINUTE }],
    },
    {
      id: 'p02',
      thing: 'Printer_SLA_02',
      family: 'projet-7k',
      state: 'offline',
      sources: [
        { source: 'poll', lastSeenAt: NOW - 3 * HOUR },
        { source: 'push', lastSeenAt: null },
      ],
      readingsPerSecond: 0,
      dropped: { total: 0, byReason: {} },
      alerts: [],
    },
  ],
  refused: [],
};

export const UPLINK: UplinkSnapshot = {
  at: NOW,
  transport: 'rest',
  session: 'degraded',
  sessionDetail: 'retrying 1 Thing; last: HTTP 503: Service Unavailable',
  endpointHost: 'twx.example.com',
  queue: { readings: 1234, bytes: 1_572_864, maxReadings: 100_000, maxBytes: 64 * 1024 * 1024 },
  inFlightCalls: 2,
  maxInFlight: 4,
  things: [
    { thing: 'Printer_SLA_01', queuedReadings: 1000, hold: null },
    {
      thing: 'Printer_SLA_02',
      queuedReadings: 120,
      hold: { reason: 'forbidden', status: 403, heldForMs: 2 * MINUTE, retryInMs: 12 * SECOND },
    },
    {
      thing: 'Printer_SLA_03',
      queuedReadings: 114,
      hold: { reason: 'not-found', status: 404, heldForMs: 3 * HOUR, retryInMs: 45 * SECOND },
    },
  ],
  counters: {
    deliveredReadings: 1_234_567,
    deliveredBatches: 321,
    settledUnsentBatches: 17,
    retries: 3,
    duplicatesSuppressed: 5,
    responsesByStatus: { none: 1, '503': 3, '200': 320, '403': 4, '404': 9 },
  },
};

/** The key refused: nothing went to ThingWorx, though state batches were superseded and acknowledged meanwhile. */
export const UPLINK_KEY_REFUSED: UplinkSnapshot = {
  at: NOW,
  transport: 'rest',
  session: 'unauthorized',
  sessionDetail: 'HTTP 401: ThingWorx refused the app key',
  endpointHost: 'twx.example.com',
  queue: { readings: 40, bytes: 6_000, maxReadings: 100_000, maxBytes: 64 * 1024 * 1024 },
  inFlightCalls: 0,
  maxInFlight: 4,
  things: [{ thing: 'Printer_SLA_01', queuedReadings: 40, hold: null }],
  counters: {
    deliveredReadings: 0,
    deliveredBatches: 0,
    settledUnsentBatches: 134,
    retries: 0,
    duplicatesSuppressed: 0,
    responsesByStatus: { '401': 2 },
  },
};

/** What the daemon sends for `config`: already redacted, plus one secret that slipped through. */
export const CONFIG = {
  adapter: { name: 'edge-01' },
  thingworx: {
    url: 'https://twx.example.com/Thingworx',
    appKey: '<env:TWX_APP_KEY>',
    tls: { keyFile: '/etc/3dconnect/client.key', keyPassphrase: 'hunter2-leaked' },
  },
  listeners: { push: { token: 's3cr3t-token' } },
  printers: [{ id: 'p01', pushToken: '<file:/etc/3dconnect/p01.token>', password: 'pw-leaked', apiKey: 12345 }],
  control: { socket: '/run/3dconnect/control.sock' },
};

export const LEAKED_SECRETS = ['hunter2-leaked', 's3cr3t-token', 'pw-leaked', '12345'];

/** Twenty printers of the demo's families, some warm, some stale, one held, one restarted: the dashboard's fixture. */
const FAMILIES = ['projet-6k', 'projet-7k', 'figure-4', 'sla-750'] as const;
const FLEET_SOURCES: Record<(typeof FAMILIES)[number], string[]> = {
  'projet-6k': ['filebeat', 'metricbeat', 'poll'],
  'projet-7k': ['poll', 'push'],
  'figure-4': ['push'],
  'sla-750': ['filebeat', 'metricbeat'],
};

function fleetPrinter(index: number): PrinterEntry {
  const id = `p${String(index + 1).padStart(2, '0')}`;
  const family = FAMILIES[index % FAMILIES.length] ?? 'projet-6k';
  const stale = index === 6;
  return {
    id,
    thing: `Demo-Printer-${id}`,
    family,
    state: stale ? 'degraded' : index === 13 ? 'offline' : 'online',
    sources: FLEET_SOURCES[family].map((source, n) => ({
      source,
      lastSeenAt: index === 13 ? null : NOW - (n + 1) * SECOND - (stale && n === 0 ? 10 * MINUTE : 0),
      fresh: index !== 13 && !(stale && n === 0),
    })),
    readingsPerSecond: index === 13 ? 0 : 20 + index * 1.5,
    dropped: { total: 0, byReason: {} },
    alerts:
      index === 2
        ? [{ name: 'VatTempHigh', item: 'VatTemp', since: NOW - 8 * SECOND }]
        : index === 9
          ? [{ name: 'ResinLow', item: 'ResinLevel', since: NOW - 40 * SECOND }]
          : [],
    lastAlert:
      index === 2
        ? { name: 'VatTempHigh', item: 'VatTemp', state: 'raised', at: NOW - 8 * SECOND }
        : index === 9
          ? { name: 'ResinLow', item: 'ResinLevel', state: 'raised', at: NOW - 40 * SECOND }
          : index === 4
            ? { name: 'BuildFailed', item: 'BuildStatus', state: 'cleared', at: NOW - 2 * MINUTE }
            : null,
    held: index === 16 ? { reason: 'not-found', status: 404 } : null,
  };
}

const fleetPrinters = Array.from({ length: 20 }, (_, index) => fleetPrinter(index));

function fleetActor(path: string, restarts = 0): ActorEntry {
  return {
    path,
    kind: 'worker',
    status: 'running',
    restarts: { total: restarts, inWindow: restarts },
    lastError: null,
    startedAt: NOW - HOUR,
    messagesHandled: 10,
    mailboxDepth: 0,
    lastMessageAt: NOW - SECOND,
  };
}

export const DASHBOARD: DashboardSnapshot = {
  status: {
    at: NOW,
    adapter: {
      version: '0.1.0',
      pid: 4242,
      startedAt: NOW - 12 * MINUTE,
      printers: { configured: 20, running: 20 },
      uplinkSession: 'ready',
    },
    actors: [
      fleetActor('adapter'),
      fleetActor('adapter/fleet'),
      ...fleetPrinters.flatMap((p, index) => [
        fleetActor(`adapter/fleet/${p.id}`),
        fleetActor(`adapter/fleet/${p.id}/collector`, index === 4 ? 2 : 0),
      ]),
    ],
  },
  printers: { at: NOW, printers: fleetPrinters, refused: [] },
  uplink: {
    ...UPLINK,
    session: 'ready',
    sessionDetail: null,
    queue: { ...UPLINK.queue, readings: 87 },
    deliveredPerSecond: 612.4,
    things: [
      {
        thing: 'Demo-Printer-p17',
        queuedReadings: 240,
        hold: { reason: 'not-found', status: 404, heldForMs: 30 * SECOND, retryInMs: 30 * SECOND },
      },
    ],
  },
  events: {
    at: NOW,
    events: [
      { at: NOW - 3 * MINUTE, kind: 'refused', subject: 'CN=stranger', detail: '3 windows (unknown_printer)' },
      { at: NOW - 2 * MINUTE, kind: 'alert-cleared', subject: 'p05', detail: 'BuildFailed (BuildStatus)' },
      { at: NOW - 90 * SECOND, kind: 'restart', subject: 'adapter/fleet/p05/collector', detail: 'restarted' },
      { at: NOW - 40 * SECOND, kind: 'alert-raised', subject: 'p10', detail: 'ResinLow (ResinLevel)' },
      { at: NOW - 30 * SECOND, kind: 'held', subject: 'Demo-Printer-p17', detail: '404 not-found' },
      { at: NOW - 8 * SECOND, kind: 'alert-raised', subject: 'p03', detail: 'VatTempHigh (VatTemp)' },
    ],
    totals: { alertsRaised: 9, alertsCleared: 7, restarts: 2, refusedWindows: 3 },
  } satisfies EventsSnapshot,
};
