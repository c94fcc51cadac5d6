/** `3dconnect uplink`: the one connection to ThingWorx, as label/value lines. */
import { formatAge, formatBytes, formatCount } from './quantities.js';
import type { Style } from './style.js';
import { type CellInput, type Column, renderTable } from './table.js';
import { stateTone } from './tones.js';
import type { UplinkSnapshot, UplinkThingEntry, UplinkThingHold, UplinkTransportSession } from './types.js';

const COLUMNS: readonly Column[] = [{ header: 'FIELD' }, { header: 'VALUE' }];

/** Fill against a cap: warn from this share on, bad when full. */
export const UPLINK_VIEW_THRESHOLDS = { queueWarnShare: 0.8 } as const;

function shareTone(used: number, cap: number): 'plain' | 'warn' | 'bad' {
  if (cap <= 0) return 'plain';
  if (used >= cap) return 'bad';
  return used / cap >= UPLINK_VIEW_THRESHOLDS.queueWarnShare ? 'warn' : 'plain';
}

/** Status codes in numeric order, "none" last. */
function responsesText(byStatus: Record<string, number>): string {
  const entries = Object.entries(byStatus).sort(([a], [b]) => {
    const left = Number(a);
    const right = Number(b);
    if (Number.isNaN(left) || Number.isNaN(right)) return Number.isNaN(left) ? 1 : -1;
    return left - right;
  });
  return entries.length === 0 ? '-' : entries.map(([status, count]) => `${status}: ${formatCount(count)}`).join(', ');
}

/** What a hold means, in words: `404 not found`, `403 forbidden`, `403 refused, checking the key`. */
export function holdReasonText(hold: Pick<UplinkThingHold, 'reason' | 'status'>): string {
  switch (hold.reason) {
    case 'not-found':
      return `${hold.status} not found`;
    case 'forbidden':
      return `${hold.status} forbidden`;
    case 'verifying':
      return `${hold.status} refused, checking the key`;
    default:
      return `${hold.status} ${hold.reason}`;
  }
}

function heldText(entry: UplinkThingEntry & { hold: UplinkThingHold }): string {
  const { hold } = entry;
  const next = hold.retryInMs === null ? 'next try after the check' : `next try in ${formatAge(hold.retryInMs)}`;
  return `${entry.thing}: ${holdReasonText(hold)} · ${formatCount(entry.queuedReadings)} readings waiting · held ${formatAge(hold.heldForMs)} · ${next}`;
}

/** One row per held Thing, labelled once; a dash when none is held. */
function heldRows(snapshot: UplinkSnapshot): CellInput[][] {
  const held = (snapshot.things ?? []).filter((entry): entry is UplinkThingEntry & { hold: UplinkThingHold } => entry.hold !== null);
  if (held.length === 0) return [['held Things', '-']];
  return held.map((entry, index) => [index === 0 ? 'held Things' : '', { text: heldText(entry), tone: 'warn' }]);
}

/** The AlwaysOn session in one line: `open · session 4096 · last pong 12s ago · 1 reconnect`. */
function transportSessionRows(session: UplinkTransportSession | null | undefined): CellInput[][] {
  if (!session) return [];
  const parts = [
    session.state,
    session.sessionId === null ? 'no session' : `session ${session.sessionId}`,
    session.lastPongAgoMs === null ? 'no pong yet' : `last pong ${formatAge(session.lastPongAgoMs)} ago`,
    `${formatCount(session.reconnects)} reconnect${session.reconnects === 1 ? '' : 's'}`,
  ];
  if (session.lastError) parts.push(session.lastError);
  return [
    ['AlwaysOn', { text: parts.join(' · '), tone: session.state === 'open' ? 'plain' : 'warn' }],
    ['bound Things', session.boundThings.length === 0 ? '-' : session.boundThings.join(', ')],
  ];
}

export function uplinkRows(snapshot: UplinkSnapshot): CellInput[][] {
  const { queue, counters } = snapshot;
  return [
    ['transport', snapshot.transport],
    ...transportSessionRows(snapshot.transportSession),
    [
      'session',
      {
        text: snapshot.sessionDetail ? `${snapshot.session} (${snapshot.sessionDetail})` : snapshot.session,
        tone: stateTone(snapshot.session),
      },
    ],
    ['endpoint', snapshot.endpointHost ?? '-'],
    [
      'queue readings',
      {
        text: `${formatCount(queue.readings)} / ${formatCount(queue.maxReadings)}`,
        tone: shareTone(queue.readings, queue.maxReadings),
      },
    ],
    ['queue bytes', { text: `${formatBytes(queue.bytes)} / ${formatBytes(queue.maxBytes)}`, tone: shareTone(queue.bytes, queue.maxBytes) }],
    ['in flight', `${formatCount(snapshot.inFlightCalls)} / ${formatCount(snapshot.maxInFlight)} calls`],
    ['delivered', `${formatCount(counters.deliveredReadings)} readings in ${formatCount(counters.deliveredBatches)} batches`],
    // Acknowledged without reaching ThingWorx: counted apart, so "delivered" only counts what ThingWorx took.
    ...(counters.settledUnsentBatches === undefined
      ? []
      : [['not sent', `${formatCount(counters.settledUnsentBatches)} batches superseded, duplicate or dropped`]]),
    ...heldRows(snapshot),
    ['retries', { text: formatCount(counters.retries), tone: counters.retries > 0 ? 'warn' : 'plain' }],
    ['duplicates suppressed', formatCount(counters.duplicatesSuppressed)],
    ['responses by status', responsesText(counters.responsesByStatus)],
  ];
}

export function renderUplink(snapshot: UplinkSnapshot, style: Style): string {
  return renderTable(COLUMNS, uplinkRows(snapshot), style, { header: false }).join('\n');
}
