/**
 * `3dconnect printers`: one row per printer, its sources with their last-seen ages, its rate, what it
 * dropped and its alerts; windows refused from unknown peers in the summary line.
 */
import { ageSince, formatCount, formatRate } from './quantities.js';
import type { Style } from './style.js';
import { type CellInput, type Column, renderTable } from './table.js';
import { stateTone } from './tones.js';
import type { PrinterEntry, PrintersSnapshot } from './types.js';

export const PRINTERS_VIEW_LAYOUT = {
  maxAlertsWidth: 60,
  maxSourcesWidth: 64,
} as const;

const COLUMNS: readonly Column[] = [
  { header: 'PRINTER' },
  { header: 'THING' },
  { header: 'FAMILY' },
  { header: 'STATE' },
  { header: 'SOURCES (last seen)', maxWidth: PRINTERS_VIEW_LAYOUT.maxSourcesWidth },
  { header: 'READINGS/S', align: 'right' },
  { header: 'DROPPED', align: 'right' },
  { header: 'ALERTS', maxWidth: PRINTERS_VIEW_LAYOUT.maxAlertsWidth },
];

function sourcesCell(printer: PrinterEntry, now: number): string {
  if (printer.sources.length === 0) return '-';
  return printer.sources.map((source) => `${source.source} ${ageSince(source.lastSeenAt, now)}`).join(', ');
}

/** Only the total: the reasons are in `--json` and in `metrics`. */
function droppedCell(printer: PrinterEntry): CellInput {
  const { total } = printer.dropped;
  return total === 0 ? '0' : { text: formatCount(total), tone: 'warn' };
}

function alertsCell(printer: PrinterEntry): CellInput {
  if (printer.alerts.length === 0) return '-';
  const names = printer.alerts.map((alert) => (alert.item === undefined ? alert.name : `${alert.name}(${alert.item})`));
  return { text: `${printer.alerts.length}: ${names.join(', ')}`, tone: 'bad' };
}

export function printerRows(snapshot: PrintersSnapshot): CellInput[][] {
  return snapshot.printers.map((printer) => [
    printer.id,
    printer.thing,
    printer.family,
    // A held Thing outranks the printer's own state: whatever it does, its data is not reaching ThingWorx.
    printer.held ? { text: `held (${printer.held.status})`, tone: 'warn' } : { text: printer.state, tone: stateTone(printer.state) },
    sourcesCell(printer, snapshot.at),
    formatRate(printer.readingsPerSecond),
    droppedCell(printer),
    alertsCell(printer),
  ]);
}

export function printersSummary(snapshot: PrintersSnapshot): string {
  const { printers } = snapshot;
  const rate = printers.reduce((sum, printer) => sum + printer.readingsPerSecond, 0);
  const alerts = printers.reduce((sum, printer) => sum + printer.alerts.length, 0);
  const summary = `${printers.length} printer${printers.length === 1 ? '' : 's'} · ${formatRate(rate)} readings/s · ${alerts} active alert${alerts === 1 ? '' : 's'}`;
  return `${summary}${refusedSummary(snapshot)}`;
}

/** Said only when something was refused: " · 7 windows refused from 2 unknown peers". */
function refusedSummary(snapshot: PrintersSnapshot): string {
  const refused = snapshot.refused.filter((entry) => entry.reason === 'unknown_printer');
  const windows = refused.reduce((sum, entry) => sum + entry.count, 0);
  if (windows === 0) return '';
  // "other" gathers every peer past the bound: it is at least one more peer, not an exact count.
  const peers = refused.length;
  const more = refused.some((entry) => entry.peer === 'other') ? '+' : '';
  return ` · ${formatCount(windows)} window${windows === 1 ? '' : 's'} refused from ${peers}${more} unknown peer${peers === 1 && more === '' ? '' : 's'}`;
}

export function renderPrinters(snapshot: PrintersSnapshot, style: Style): string {
  if (snapshot.printers.length === 0) return 'no printers configured';
  return [printersSummary(snapshot), '', ...renderTable(COLUMNS, printerRows(snapshot), style)].join('\n');
}
