/** `3dconnect printers`: one row per printer, its sources with their last-seen ages, its rate and alerts. */
import { ageSince, formatRate } from './quantities.js';
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
  { header: 'ALERTS', maxWidth: PRINTERS_VIEW_LAYOUT.maxAlertsWidth },
];

function sourcesCell(printer: PrinterEntry, now: number): string {
  if (printer.sources.length === 0) return '-';
  return printer.sources.map((source) => `${source.source} ${ageSince(source.lastSeenAt, now)}`).join(', ');
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
    alertsCell(printer),
  ]);
}

export function printersSummary(snapshot: PrintersSnapshot): string {
  const { printers } = snapshot;
  const rate = printers.reduce((sum, printer) => sum + printer.readingsPerSecond, 0);
  const alerts = printers.reduce((sum, printer) => sum + printer.alerts.length, 0);
  return `${printers.length} printer${printers.length === 1 ? '' : 's'} · ${formatRate(rate)} readings/s · ${alerts} active alert${alerts === 1 ? '' : 's'}`;
}

export function renderPrinters(snapshot: PrintersSnapshot, style: Style): string {
  if (snapshot.printers.length === 0) return 'no printers configured';
  return [printersSummary(snapshot), '', ...renderTable(COLUMNS, printerRows(snapshot), style)].join('\n');
}
