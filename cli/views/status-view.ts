/** `3dconnect status`: the adapter in one line, then the whole actor tree. */
import { ageSince, formatCount } from './quantities.js';
import type { Style } from './style.js';
import { type CellInput, type Column, renderTable } from './table.js';
import { terminalSafe, truncate } from './terminal-text.js';
import { actorStatusTone, stateTone } from './tones.js';
import type { ActorEntry, ActorStatus, StatusSnapshot } from './types.js';

export const STATUS_VIEW_LAYOUT = {
  /** Spaces per tree level in the ACTOR column. */
  indent: 2,
  /** Columns of the LAST ERROR cell, age included. */
  maxErrorWidth: 72,
  maxPathWidth: 64,
} as const;

/** Parents before children, siblings by name; depth counts the ancestors present in the snapshot. */
export function treeOrder(actors: readonly ActorEntry[]): { actor: ActorEntry; depth: number }[] {
  const paths = new Set(actors.map((actor) => actor.path));
  const segmentsOf = (path: string) => path.split('/');
  const sorted = [...actors].sort((a, b) => compareSegments(segmentsOf(a.path), segmentsOf(b.path)));
  return sorted.map((actor) => {
    const segments = segmentsOf(actor.path);
    let depth = 0;
    for (let end = 1; end < segments.length; end += 1) if (paths.has(segments.slice(0, end).join('/'))) depth += 1;
    return { actor, depth };
  });
}

function compareSegments(a: readonly string[], b: readonly string[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    const left = a[index] ?? '';
    const right = b[index] ?? '';
    if (left !== right) return left < right ? -1 : 1;
  }
  return a.length - b.length;
}

const STATUS_ORDER: readonly ActorStatus[] = ['running', 'restarting', 'backoff', 'stopped', 'failed'];

export function summaryLine(snapshot: StatusSnapshot, style: Style): string {
  const { adapter, actors, at } = snapshot;
  const { configured, running } = adapter.printers;
  const counts = STATUS_ORDER.map((status) => ({ status, count: actors.filter((a) => a.status === status).length }))
    .filter(({ count }) => count > 0)
    .map(({ status, count }) => style.paint(`${count} ${status}`, status === 'running' ? 'plain' : actorStatusTone(status)));
  const parts = [
    style.paint(`3dconnect ${terminalSafe(adapter.version)}`, 'strong'),
    `pid ${adapter.pid}`,
    `up ${ageSince(adapter.startedAt, at)}`,
    style.paint(`printers ${running}/${configured} running`, running < configured ? 'warn' : 'plain'),
  ];
  const session = adapter.uplinkSession;
  if (session !== undefined && session !== null) parts.push(`uplink ${style.paint(terminalSafe(session), stateTone(session))}`);
  parts.push(`actors ${actors.length}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`);
  return parts.join(' · ');
}

function lastErrorCell(actor: ActorEntry, now: number): CellInput {
  const error = actor.lastError;
  if (error === undefined || error === null) return '-';
  const code = error.code === undefined ? '' : `${error.code} `;
  const text = truncate(terminalSafe(`${ageSince(error.at, now)} ago: ${code}${error.message}`), STATUS_VIEW_LAYOUT.maxErrorWidth);
  return { text, tone: actor.status === 'running' ? 'dim' : 'bad' };
}

const COLUMNS: readonly Column[] = [
  { header: 'ACTOR' },
  { header: 'STATUS' },
  { header: 'RESTARTS', align: 'right' },
  { header: 'MAILBOX', align: 'right' },
  { header: 'UP', align: 'right' },
  { header: 'LAST MSG', align: 'right' },
  { header: 'LAST ERROR' },
];

export function statusRows(snapshot: StatusSnapshot): CellInput[][] {
  const now = snapshot.at;
  return treeOrder(snapshot.actors).map(({ actor, depth }) => [
    `${' '.repeat(depth * STATUS_VIEW_LAYOUT.indent)}${truncate(actor.path, STATUS_VIEW_LAYOUT.maxPathWidth)}`,
    { text: actor.status, tone: actorStatusTone(actor.status) },
    {
      text: `${formatCount(actor.restarts.total)}/${formatCount(actor.restarts.inWindow)}`,
      tone: actor.restarts.inWindow > 0 ? 'warn' : 'plain',
    },
    formatCount(actor.mailboxDepth),
    actor.status === 'running' ? ageSince(actor.startedAt, now) : '-',
    ageSince(actor.lastMessageAt, now),
    lastErrorCell(actor, now),
  ]);
}

/** Summary line, blank line, table. RESTARTS is total/in the supervisor's current window. */
export function renderStatus(snapshot: StatusSnapshot, style: Style): string {
  const table = renderTable(COLUMNS, statusRows(snapshot), style);
  return [summaryLine(snapshot, style), '', ...table].join('\n');
}
