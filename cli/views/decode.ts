/** The daemon's replies, checked field by field into the snapshot types before anything is rendered. */
import type { MetricFamily, MetricSample } from '../../protocols/control/metric-family.js';
import { arrayAt, countAt, countsAt, numberAt, objectAt, oneOfAt, optional, SnapshotError, stringAt } from './json-fields.js';
import type {
  ActorEntry,
  EventsSnapshot,
  FleetEventEntry,
  PrinterLastAlert,
  ActorError,
  PrinterAlertEntry,
  PrinterDropsEntry,
  PrinterEntry,
  PrinterSourceEntry,
  PrintersSnapshot,
  RefusalEntry,
  RestartResult,
  StatusSnapshot,
  UplinkSnapshot,
  UplinkThingEntry,
  UplinkTransportSession,
  UplinkThingHold,
} from './types.js';

export { SnapshotError } from './json-fields.js';

const ACTOR_KINDS = ['supervisor', 'worker'] as const;
const ACTOR_STATUSES = ['running', 'restarting', 'backoff', 'stopped', 'failed'] as const;
const METRIC_TYPES = ['gauge', 'counter'] as const;

function actorError(value: unknown, field: string): ActorError {
  const error = objectAt(value, field);
  const code = optional(error.code, `${field}.code`, stringAt);
  return {
    message: stringAt(error.message, `${field}.message`),
    ...(code === undefined ? {} : { code }),
    at: numberAt(error.at, `${field}.at`),
  };
}

function actorEntry(value: unknown, field: string): ActorEntry {
  const actor = objectAt(value, field);
  const path = stringAt(actor.path, `${field}.path`);
  const kind = oneOfAt(actor.kind, `${field}.kind`, ACTOR_KINDS);
  const status = oneOfAt(actor.status, `${field}.status`, ACTOR_STATUSES);
  const restarts = objectAt(actor.restarts, `${field}.restarts`);
  return {
    path,
    kind,
    status,
    restarts: {
      total: countAt(restarts.total, `${field}.restarts.total`),
      inWindow: countAt(restarts.inWindow, `${field}.restarts.inWindow`),
    },
    lastError: optional(actor.lastError, `${field}.lastError`, actorError) ?? null,
    startedAt: optional(actor.startedAt, `${field}.startedAt`, numberAt) ?? null,
    messagesHandled: countAt(actor.messagesHandled, `${field}.messagesHandled`),
    mailboxDepth: countAt(actor.mailboxDepth, `${field}.mailboxDepth`),
    lastMessageAt: optional(actor.lastMessageAt, `${field}.lastMessageAt`, numberAt) ?? null,
  };
}

export function decodeStatus(value: unknown): StatusSnapshot {
  const root = objectAt(value, '');
  const adapter = objectAt(root.adapter, 'adapter');
  const printers = objectAt(adapter.printers, 'adapter.printers');
  return {
    at: numberAt(root.at, 'at'),
    adapter: {
      version: stringAt(adapter.version, 'adapter.version'),
      pid: countAt(adapter.pid, 'adapter.pid'),
      startedAt: numberAt(adapter.startedAt, 'adapter.startedAt'),
      printers: {
        configured: countAt(printers.configured, 'adapter.printers.configured'),
        running: countAt(printers.running, 'adapter.printers.running'),
      },
      uplinkSession: optional(adapter.uplinkSession, 'adapter.uplinkSession', stringAt) ?? null,
    },
    actors: arrayAt(root.actors, 'actors', actorEntry),
  };
}

function printerSource(value: unknown, field: string): PrinterSourceEntry {
  const source = objectAt(value, field);
  return {
    source: stringAt(source.source, `${field}.source`),
    lastSeenAt: optional(source.lastSeenAt, `${field}.lastSeenAt`, numberAt) ?? null,
    ...(source.fresh === undefined ? {} : { fresh: booleanAt(source.fresh, `${field}.fresh`) }),
  };
}

function booleanAt(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new SnapshotError(field, 'a boolean');
  return value;
}

const ALERT_STATES = ['raised', 'cleared'] as const;

function printerLastAlert(value: unknown, field: string): PrinterLastAlert {
  const alert = objectAt(value, field);
  const item = optional(alert.item, `${field}.item`, stringAt);
  return {
    name: stringAt(alert.name, `${field}.name`),
    ...(item === undefined ? {} : { item }),
    state: oneOfAt(alert.state, `${field}.state`, ALERT_STATES),
    at: numberAt(alert.at, `${field}.at`),
  };
}

function printerAlert(value: unknown, field: string): PrinterAlertEntry {
  const alert = objectAt(value, field);
  const item = optional(alert.item, `${field}.item`, stringAt);
  return {
    name: stringAt(alert.name, `${field}.name`),
    ...(item === undefined ? {} : { item }),
    since: optional(alert.since, `${field}.since`, numberAt) ?? null,
  };
}

/** Absent from a daemon older than the drop counters: nothing counted. */
function printerDrops(value: unknown, field: string): PrinterDropsEntry {
  if (value === undefined) return { total: 0, byReason: {} };
  const dropped = objectAt(value, field);
  return { total: countAt(dropped.total, `${field}.total`), byReason: countsAt(dropped.byReason, `${field}.byReason`) };
}

function refusal(value: unknown, field: string): RefusalEntry {
  const entry = objectAt(value, field);
  return {
    reason: stringAt(entry.reason, `${field}.reason`),
    peer: stringAt(entry.peer, `${field}.peer`),
    count: countAt(entry.count, `${field}.count`),
  };
}

function printerEntry(value: unknown, field: string): PrinterEntry {
  const printer = objectAt(value, field);
  return {
    id: stringAt(printer.id, `${field}.id`),
    thing: stringAt(printer.thing, `${field}.thing`),
    family: stringAt(printer.family, `${field}.family`),
    state: stringAt(printer.state, `${field}.state`),
    sources: arrayAt(printer.sources, `${field}.sources`, printerSource),
    readingsPerSecond: numberAt(printer.readingsPerSecond, `${field}.readingsPerSecond`),
    dropped: printerDrops(printer.dropped, `${field}.dropped`),
    alerts: arrayAt(printer.alerts, `${field}.alerts`, printerAlert),
    ...(printer.lastAlert === undefined ? {} : { lastAlert: optional(printer.lastAlert, `${field}.lastAlert`, printerLastAlert) ?? null }),
    ...(printer.held === undefined ? {} : { held: optional(printer.held, `${field}.held`, printerHeld) ?? null }),
  };
}

function printerHeld(value: unknown, field: string): { reason: string; status: number } {
  const held = objectAt(value, field);
  return { reason: stringAt(held.reason, `${field}.reason`), status: countAt(held.status, `${field}.status`) };
}

export function decodePrinters(value: unknown): PrintersSnapshot {
  const root = objectAt(value, '');
  return {
    at: numberAt(root.at, 'at'),
    printers: arrayAt(root.printers, 'printers', printerEntry),
    refused: root.refused === undefined ? [] : arrayAt(root.refused, 'refused', refusal),
  };
}

function uplinkThingHold(value: unknown, field: string): UplinkThingHold {
  const hold = objectAt(value, field);
  return {
    reason: stringAt(hold.reason, `${field}.reason`),
    status: countAt(hold.status, `${field}.status`),
    heldForMs: countAt(hold.heldForMs, `${field}.heldForMs`),
    retryInMs: optional(hold.retryInMs, `${field}.retryInMs`, countAt) ?? null,
  };
}

function uplinkThing(value: unknown, field: string): UplinkThingEntry {
  const thing = objectAt(value, field);
  return {
    thing: stringAt(thing.thing, `${field}.thing`),
    queuedReadings: countAt(thing.queuedReadings, `${field}.queuedReadings`),
    hold: optional(thing.hold, `${field}.hold`, uplinkThingHold) ?? null,
  };
}

function transportSession(value: unknown, field: string): UplinkTransportSession {
  const session = objectAt(value, field);
  return {
    state: stringAt(session.state, `${field}.state`),
    sessionId: optional(session.sessionId, `${field}.sessionId`, numberAt) ?? null,
    boundThings: arrayAt(session.boundThings, `${field}.boundThings`, stringAt),
    lastPongAgoMs: optional(session.lastPongAgoMs, `${field}.lastPongAgoMs`, numberAt) ?? null,
    reconnects: countAt(session.reconnects, `${field}.reconnects`),
    lastError: optional(session.lastError, `${field}.lastError`, stringAt) ?? null,
  };
}

export function decodeUplink(value: unknown): UplinkSnapshot {
  const root = objectAt(value, '');
  const queue = objectAt(root.queue, 'queue');
  const counters = objectAt(root.counters, 'counters');
  const settledUnsentBatches = optional(counters.settledUnsentBatches, 'counters.settledUnsentBatches', countAt);
  return {
    at: numberAt(root.at, 'at'),
    transport: stringAt(root.transport, 'transport'),
    ...(root.transportSession === undefined || root.transportSession === null
      ? {}
      : { transportSession: transportSession(root.transportSession, 'transportSession') }),
    session: stringAt(root.session, 'session'),
    ...(root.sessionDetail === undefined ? {} : { sessionDetail: optional(root.sessionDetail, 'sessionDetail', stringAt) ?? null }),
    endpointHost: optional(root.endpointHost, 'endpointHost', stringAt) ?? null,
    queue: {
      readings: countAt(queue.readings, 'queue.readings'),
      bytes: countAt(queue.bytes, 'queue.bytes'),
      maxReadings: countAt(queue.maxReadings, 'queue.maxReadings'),
      maxBytes: countAt(queue.maxBytes, 'queue.maxBytes'),
    },
    inFlightCalls: countAt(root.inFlightCalls, 'inFlightCalls'),
    maxInFlight: countAt(root.maxInFlight, 'maxInFlight'),
    ...(root.deliveredPerSecond === undefined ? {} : { deliveredPerSecond: numberAt(root.deliveredPerSecond, 'deliveredPerSecond') }),
    ...(root.things === undefined ? {} : { things: arrayAt(root.things, 'things', uplinkThing) }),
    counters: {
      deliveredReadings: countAt(counters.deliveredReadings, 'counters.deliveredReadings'),
      deliveredBatches: countAt(counters.deliveredBatches, 'counters.deliveredBatches'),
      ...(settledUnsentBatches === undefined ? {} : { settledUnsentBatches }),
      retries: countAt(counters.retries, 'counters.retries'),
      duplicatesSuppressed: countAt(counters.duplicatesSuppressed, 'counters.duplicatesSuppressed'),
      responsesByStatus: countsAt(counters.responsesByStatus, 'counters.responsesByStatus'),
    },
  };
}

/** JSON has no NaN or infinities; the daemon sends those gauge values as the strings OpenMetrics uses. */
function sampleValue(value: unknown, field: string): number {
  if (value === 'NaN') return Number.NaN;
  if (value === '+Inf') return Number.POSITIVE_INFINITY;
  if (value === '-Inf') return Number.NEGATIVE_INFINITY;
  return numberAt(value, field);
}

function metricSample(value: unknown, field: string): MetricSample {
  const sample = objectAt(value, field);
  const labels = optional(sample.labels, `${field}.labels`, objectAt);
  return {
    labels: Object.fromEntries(Object.entries(labels ?? {}).map(([name, label]) => [name, stringAt(label, `${field}.labels.${name}`)])),
    value: sampleValue(sample.value, `${field}.value`),
  };
}

function metricFamily(value: unknown, field: string): MetricFamily {
  const family = objectAt(value, field);
  const unit = optional(family.unit, `${field}.unit`, stringAt);
  return {
    name: stringAt(family.name, `${field}.name`),
    help: stringAt(family.help, `${field}.help`),
    type: oneOfAt(family.type, `${field}.type`, METRIC_TYPES),
    ...(unit === undefined ? {} : { unit }),
    samples: arrayAt(family.samples, `${field}.samples`, metricSample),
  };
}

/** Result of `metrics`: `{ families: MetricFamily[] }`. */
export function decodeMetrics(value: unknown): MetricFamily[] {
  return arrayAt(objectAt(value, '').families, 'families', metricFamily);
}

export function decodeRestart(value: unknown): RestartResult {
  const root = objectAt(value, '');
  const accepted = root.accepted;
  if (typeof accepted !== 'boolean') throw new SnapshotError('accepted', 'a boolean');
  const reason = optional(root.reason, 'reason', stringAt);
  return { path: stringAt(root.path, 'path'), accepted, ...(reason === undefined ? {} : { reason }) };
}

function fleetEvent(value: unknown, field: string): FleetEventEntry {
  const event = objectAt(value, field);
  return {
    at: numberAt(event.at, `${field}.at`),
    kind: stringAt(event.kind, `${field}.kind`),
    subject: stringAt(event.subject, `${field}.subject`),
    detail: stringAt(event.detail, `${field}.detail`),
  };
}

/** Result of `events`. */
export function decodeEvents(value: unknown): EventsSnapshot {
  const root = objectAt(value, '');
  const totals = objectAt(root.totals, 'totals');
  return {
    at: numberAt(root.at, 'at'),
    events: arrayAt(root.events, 'events', fleetEvent),
    totals: {
      alertsRaised: countAt(totals.alertsRaised, 'totals.alertsRaised'),
      alertsCleared: countAt(totals.alertsCleared, 'totals.alertsCleared'),
      restarts: countAt(totals.restarts, 'totals.restarts'),
      refusedWindows: countAt(totals.refusedWindows, 'totals.refusedWindows'),
    },
  };
}
