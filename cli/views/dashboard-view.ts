/**
 * The fleet dashboard (`3dconnect status`, `status --watch`, the demo's screen): a header that stays
 * on top (the adapter, the uplink session and why, queue, delivered/s, held Things), one line per
 * printer, then the latest events. Pure: snapshots and a screen size in, lines out, none wider than
 * the screen and never more of them than it has rows.
 */
import { ageSince, formatCount, formatRate } from './quantities.js';
import type { Style, Tone } from './style.js';
import { displayWidth, terminalSafe, truncate } from './terminal-text.js';
import { stateTone } from './tones.js';
import { holdReasonText } from './uplink-view.js';
import type { EventsSnapshot, FleetEventEntry, PrinterEntry, PrintersSnapshot, StatusSnapshot, UplinkSnapshot } from './types.js';

export interface DashboardSnapshot {
  status: StatusSnapshot;
  printers: PrintersSnapshot;
  /** Null while the uplink restarts (its view is then unavailable). */
  uplink: UplinkSnapshot | null;
  /** Null from a daemon without the `events` view. */
  events: EventsSnapshot | null;
}

export interface ScreenSize {
  columns: number;
  rows: number;
}

export const DASHBOARD_LAYOUT = {
  /** From this many columns on, full source names and wider gaps. */
  wideFrom: 100,
  /** Below this, the screen is drawn as if it had this many (the terminal wraps or cuts). */
  minColumns: 40,
  minRows: 8,
  /** Lines the events block keeps even when printers must be cut (its title and one event). */
  minEventLines: 2,
  /** Used when stdout is not a terminal and reports no size. */
  fallback: { columns: 120, rows: 30 } satisfies ScreenSize,
} as const;

/** The sources every family draws from, in the order of the columns. */
const SOURCES = ['filebeat', 'metricbeat', 'poll', 'push'] as const;

interface Segment {
  text: string;
  tone?: Tone;
}

/** One line from segments: cut at `columns` (ellipsis on the cut segment), painted after cutting. */
function fitLine(segments: readonly Segment[], columns: number, style: Style): string {
  let used = 0;
  const out: string[] = [];
  for (const segment of segments) {
    const text = terminalSafe(segment.text);
    const width = displayWidth(text);
    if (used + width <= columns) {
      out.push(style.paint(text, segment.tone ?? 'plain'));
      used += width;
      continue;
    }
    const room = columns - used;
    if (room > 0) out.push(style.paint(truncate(text, room), segment.tone ?? 'plain'));
    break;
  }
  return out.join('').replace(/ +$/, '');
}

const DOT = ' · ';

function restartsOf(status: StatusSnapshot, printerId: string): number {
  const base = status.actors.find((actor) => actor.path.endsWith(`/fleet/${printerId}`))?.path;
  if (base === undefined) return 0;
  return status.actors
    .filter((actor) => actor.path === base || actor.path.startsWith(`${base}/`))
    .reduce((sum, actor) => sum + actor.restarts.total, 0);
}

function headerLines(snapshot: DashboardSnapshot): Segment[][] {
  const { status, printers, uplink } = snapshot;
  const { adapter } = status;
  const alerts = printers.printers.reduce((sum, printer) => sum + printer.alerts.length, 0);
  const { configured, running } = adapter.printers;
  const first: Segment[] = [
    { text: `3dconnect ${adapter.version}`, tone: 'strong' },
    { text: `${DOT}pid ${adapter.pid}${DOT}up ${ageSince(adapter.startedAt, status.at)}${DOT}` },
    { text: `printers ${running}/${configured} running`, tone: running < configured ? 'warn' : 'plain' },
    { text: DOT },
    { text: `${alerts} alert${alerts === 1 ? '' : 's'} active`, tone: alerts > 0 ? 'bad' : 'plain' },
  ];
  if (uplink === null) {
    return [
      first,
      [{ text: 'uplink ' }, { text: 'restarting, no figures', tone: 'warn' }],
      [{ text: 'held ' }, { text: '?', tone: 'dim' }],
    ];
  }
  const { queue } = uplink;
  const queueTone: Tone = queue.readings >= queue.maxReadings ? 'bad' : queue.readings >= queue.maxReadings * 0.8 ? 'warn' : 'plain';
  const second: Segment[] = [
    { text: 'uplink ' },
    { text: uplink.session, tone: stateTone(uplink.session) },
    { text: DOT },
    { text: `queue ${formatCount(queue.readings)}/${formatCount(queue.maxReadings)}`, tone: queueTone },
    { text: `${DOT}delivered ${uplink.deliveredPerSecond === undefined ? '?' : formatRate(uplink.deliveredPerSecond)}/s` },
    { text: ` (${formatCount(uplink.counters.deliveredReadings)})${DOT}in flight ${uplink.inFlightCalls}/${uplink.maxInFlight}` },
    // Last on its line: a long reason is cut, the figures before it are not.
    ...(uplink.sessionDetail ? [{ text: `${DOT}why: ${uplink.sessionDetail}`, tone: stateTone(uplink.session) }] : []),
  ];
  const held = (uplink.things ?? []).filter((thing) => thing.hold !== null);
  const third: Segment[] =
    held.length === 0
      ? [{ text: 'held ' }, { text: 'nothing', tone: 'dim' }]
      : [
          { text: `held ${held.length}: ` },
          {
            text: held
              .map(
                (thing) => `${thing.thing} (${thing.hold ? holdReasonText(thing.hold) : ''}, ${formatCount(thing.queuedReadings)} waiting)`,
              )
              .join(', '),
            tone: 'warn',
          },
        ];
  return [first, second, third];
}

interface PrinterColumn {
  header: string;
  align: 'left' | 'right';
  cell(printer: PrinterEntry): Segment;
}

function sourceCell(printer: PrinterEntry, source: string): Segment {
  const entry = printer.sources.find((s) => s.source === source);
  if (entry === undefined) return { text: '-', tone: 'dim' };
  if (entry.lastSeenAt === null || entry.lastSeenAt === undefined) return { text: 'never', tone: 'dim' };
  // A daemon that predates `fresh`: seen at all reads as live.
  return entry.fresh === false ? { text: 'stale', tone: 'warn' } : { text: 'live', tone: 'good' };
}

/** The alert's name, what happened and how long ago (the item is in the events below). */
function lastAlertText(printer: PrinterEntry, now: number, wide: boolean): Segment {
  const last = printer.lastAlert;
  if (last === undefined || last === null) return { text: '-', tone: 'dim' };
  const text = `${last.name} ${last.state} ${ageSince(last.at, now)}${wide ? ' ago' : ''}`;
  return { text, tone: last.state === 'raised' ? 'bad' : 'dim' };
}

function printerColumns(snapshot: DashboardSnapshot, wide: boolean): PrinterColumn[] {
  const now = snapshot.printers.at;
  const sourceHeaders: Record<(typeof SOURCES)[number], string> = wide
    ? { filebeat: 'FILEBEAT', metricbeat: 'METRICBEAT', poll: 'POLL', push: 'PUSH' }
    : { filebeat: 'FB', metricbeat: 'MB', poll: 'POLL', push: 'PUSH' };
  return [
    { header: 'PRINTER', align: 'left', cell: (p) => ({ text: p.id }) },
    {
      header: 'STATE',
      align: 'left',
      // A held Thing outranks the printer's own state: whatever it does, its data is not reaching ThingWorx.
      cell: (p) => (p.held ? { text: `held ${p.held.status}`, tone: 'warn' } : { text: p.state, tone: stateTone(p.state) }),
    },
    ...SOURCES.map((source): PrinterColumn => ({ header: sourceHeaders[source], align: 'left', cell: (p) => sourceCell(p, source) })),
    { header: wide ? 'READINGS/S' : 'READ/S', align: 'right', cell: (p) => ({ text: formatRate(p.readingsPerSecond) }) },
    {
      header: 'ALERTS',
      align: 'right',
      cell: (p) => (p.alerts.length === 0 ? { text: '0', tone: 'dim' } : { text: String(p.alerts.length), tone: 'bad' }),
    },
    {
      header: wide ? 'RESTARTS' : 'RST',
      align: 'right',
      cell: (p) => {
        const restarts = restartsOf(snapshot.status, p.id);
        return restarts === 0 ? { text: '0', tone: 'dim' } : { text: formatCount(restarts), tone: 'warn' };
      },
    },
    // Last: the only column that is cut when the screen is narrow.
    { header: 'LAST ALERT', align: 'left', cell: (p) => lastAlertText(p, now, wide) },
  ];
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? `${fill}${text}` : `${text}${fill}`;
}

function printerTable(snapshot: DashboardSnapshot, printers: readonly PrinterEntry[], wide: boolean): Segment[][] {
  const columns = printerColumns(snapshot, wide);
  const gap = wide ? '  ' : ' ';
  const cells = printers.map((printer) => columns.map((column) => column.cell(printer)));
  const widths = columns.map((column, index) =>
    Math.max(displayWidth(column.header), ...cells.map((row) => displayWidth(terminalSafe(row[index]?.text ?? '')))),
  );
  const line = (row: readonly Segment[], header: boolean): Segment[] =>
    row.flatMap((cell, index) => {
      const column = columns[index];
      const last = index === row.length - 1;
      const text = last ? terminalSafe(cell.text) : pad(terminalSafe(cell.text), widths[index] ?? 0, column?.align ?? 'left');
      const tone: Tone = header ? 'strong' : (cell.tone ?? 'plain');
      return last ? [{ text, tone }] : [{ text, tone }, { text: gap }];
    });
  return [
    line(
      columns.map((column) => ({ text: column.header })),
      true,
    ),
    ...cells.map((row) => line(row, false)),
  ];
}

const EVENT_LABELS: Record<string, { label: string; tone: Tone }> = {
  'alert-raised': { label: 'alert raised', tone: 'bad' },
  'alert-cleared': { label: 'alert cleared', tone: 'good' },
  restart: { label: 'restart', tone: 'warn' },
  refused: { label: 'refused', tone: 'warn' },
  held: { label: 'held', tone: 'warn' },
  released: { label: 'released', tone: 'good' },
};

function eventLine(event: FleetEventEntry, now: number): Segment[] {
  const known = EVENT_LABELS[event.kind] ?? { label: event.kind, tone: 'plain' as Tone };
  return [
    { text: `${pad(ageSince(event.at, now), 4, 'right')} ago  `, tone: 'dim' },
    { text: pad(known.label, 13, 'left'), tone: known.tone },
    { text: ` ${event.subject}  ${event.detail}` },
  ];
}

function eventsTitle(events: EventsSnapshot | null, hint: string | undefined): Segment[] {
  const title: Segment[] = [{ text: 'EVENTS', tone: 'strong' }];
  if (events === null) title.push({ text: ' unavailable (the daemon predates them)', tone: 'dim' });
  else {
    const { totals } = events;
    title.push({
      text: ` newest first${DOT}raised ${formatCount(totals.alertsRaised)}, cleared ${formatCount(totals.alertsCleared)}, restarts ${formatCount(totals.restarts)}, refused ${formatCount(totals.refusedWindows)}`,
      tone: 'dim',
    });
  }
  if (hint !== undefined) title.push({ text: `${DOT}${hint}`, tone: 'dim' });
  return title;
}

export interface DashboardOptions {
  /** Said on the events title when there is room: how to stop, how to see the tree. */
  hint?: string;
  /** Lines above the header (the demo's progress and how to reach it from another shell). */
  banner?: readonly string[];
}

/** At most `size.rows` lines, none wider than `size.columns`. */
export function renderDashboard(snapshot: DashboardSnapshot, style: Style, size: ScreenSize, options: DashboardOptions = {}): string[] {
  const columns = Math.max(DASHBOARD_LAYOUT.minColumns, size.columns);
  const rows = Math.max(DASHBOARD_LAYOUT.minRows, size.rows);
  const wide = columns >= DASHBOARD_LAYOUT.wideFrom;
  const header: Segment[][] = [...(options.banner ?? []).map((line): Segment[] => [{ text: line, tone: 'dim' }]), ...headerLines(snapshot)];
  const all = snapshot.printers.printers;
  // Rows for printers: what the header, the table's own header and the events' minimum leave.
  const printerRoom = rows - header.length - 1 - DASHBOARD_LAYOUT.minEventLines;
  const cut = all.length > printerRoom;
  const shown = cut ? all.slice(0, Math.max(0, printerRoom - 1)) : all;
  const table = all.length === 0 ? [[{ text: 'no printers configured', tone: 'dim' as Tone }]] : printerTable(snapshot, shown, wide);
  if (cut) table.push([{ text: `… ${all.length - shown.length} more: 3dconnect printers`, tone: 'dim' }]);
  const eventRoom = Math.max(0, rows - header.length - table.length - 1);
  const recent = [...(snapshot.events?.events ?? [])].reverse().slice(0, eventRoom);
  const events = [
    eventsTitle(snapshot.events, options.hint),
    ...recent.map((event) => eventLine(event, snapshot.events?.at ?? snapshot.status.at)),
  ];
  return [...header, ...table, ...events].slice(0, rows).map((segments) => fitLine(segments, columns, style));
}

/** One line for a log: the time, the uplink and the fleet in figures. */
export function plainSummaryLine(snapshot: DashboardSnapshot): string {
  const { printers, uplink, status } = snapshot;
  const states = new Map<string, number>();
  for (const printer of printers.printers) {
    const state = printer.held ? 'held' : printer.state;
    states.set(state, (states.get(state) ?? 0) + 1);
  }
  const fleet = [...states].map(([state, count]) => `${count} ${state}`).join(', ');
  const alerts = printers.printers.reduce((sum, printer) => sum + printer.alerts.length, 0);
  const rate = printers.printers.reduce((sum, printer) => sum + printer.readingsPerSecond, 0);
  const uplinkText =
    uplink === null
      ? 'uplink restarting'
      : `uplink ${uplink.sessionDetail ? `${uplink.session} (${uplink.sessionDetail})` : uplink.session}, queue ${formatCount(uplink.queue.readings)}, delivered ${uplink.deliveredPerSecond === undefined ? '?' : formatRate(uplink.deliveredPerSecond)}/s, held ${(uplink.things ?? []).filter((thing) => thing.hold !== null).length}`;
  const time = new Date(status.at).toISOString().slice(11, 19);
  return terminalSafe(
    `${time}Z ${uplinkText}; printers ${fleet || 'none'}; ${formatRate(rate)} readings/s; ${alerts} alert${alerts === 1 ? '' : 's'} active`,
  );
}

/** Events newer than `after` (the previous report's time), oldest first, one line each. */
export function plainEventLines(events: EventsSnapshot | null, after: number): string[] {
  if (events === null) return [];
  return events.events
    .filter((event) => event.at > after)
    .map((event) => {
      const time = new Date(event.at).toISOString().slice(11, 19);
      return terminalSafe(`${time}Z ${EVENT_LABELS[event.kind]?.label ?? event.kind}: ${event.subject} ${event.detail}`);
    });
}
