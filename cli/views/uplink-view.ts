/** `3dconnect uplink`: the one connection to ThingWorx, as label/value lines. */
import { formatBytes, formatCount } from './quantities.js';
import type { Style } from './style.js';
import { type CellInput, type Column, renderTable } from './table.js';
import { stateTone } from './tones.js';
import type { UplinkSnapshot } from './types.js';

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

export function uplinkRows(snapshot: UplinkSnapshot): CellInput[][] {
  const { queue, counters } = snapshot;
  return [
    ['transport', snapshot.transport],
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
    [
      'queue bytes',
      { text: `${formatBytes(queue.bytes)} / ${formatBytes(queue.maxBytes)}`, tone: shareTone(queue.bytes, queue.maxBytes) },
    ],
    ['in flight', `${formatCount(snapshot.inFlightCalls)} / ${formatCount(snapshot.maxInFlight)} calls`],
    [
      'delivered',
      `${formatCount(counters.deliveredReadings)} readings in ${formatCount(counters.deliveredBatches)} batches`,
    ],
    ['retries', { text: formatCount(counters.retries), tone: counters.retries > 0 ? 'warn' : 'plain' }],
    ['duplicates suppressed', formatCount(counters.duplicatesSuppressed)],
    ['responses by status', responsesText(counters.responsesByStatus)],
  ];
}

export function renderUplink(snapshot: UplinkSnapshot, style: Style): string {
  return renderTable(COLUMNS, uplinkRows(snapshot), style, { header: false }).join('\n');
}
