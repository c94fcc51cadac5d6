import { silentLogger } from '../../config/logging.js';
import { beatIdentity } from './beats-documents.js';
import { createDeviceClock } from './device-clock.js';
import { createDrainWaiter } from './drain-waiter.js';
import { SimPrinterError } from './errors.js';
import { createFilebeatProcess } from './filebeat-process.js';
import { createLedger } from './ledger.js';
import { createMetricbeatProcess } from './metricbeat-process.js';
import { assembleSimulatedPrinter, printerIdentity, printerPip } from './printer-lifecycle.js';
import type { PrinterProcess } from './printer-process.js';
import type { SimPrinterBaseOptions, SimulatedPrinter } from './simulated-printer.js';
import type { SlaFamily } from './sla-log-lines.js';

/**
 * An SLA printer (projet-6k, projet-7k) as its Filebeat and Metricbeat ship it: log lines in the
 * DATA-ITEMS.md formats through one Beats connection, `system` metrics through a second (Metricbeat
 * is a separate process), and its PIP/1 server for the adapter's poller.
 */
export const SLA_PRINTER_DEFAULTS = Object.freeze({
  linesPerSecond: 10,
  metricDocsPerSecond: 1,
  logPath: '/var/log/projet/printer.log',
});

export const SLA_FAMILIES: readonly SlaFamily[] = Object.freeze(['projet-6k', 'projet-7k']);

export interface SlaPrinterOptions extends SimPrinterBaseOptions {
  family: SlaFamily;
  rates?: { linesPerSecond?: number; metricDocsPerSecond?: number };
  /** `log.file.path` of the printer's log. */
  logPath?: string;
}

export function createSlaPrinter(options: SlaPrinterOptions): SimulatedPrinter {
  const { id, seed, family } = options;
  if (!id) throw new SimPrinterError('SIM_ERR_BAD_OPTIONS', 'a simulated printer needs an id', { option: 'id' });
  if (!SLA_FAMILIES.includes(family)) {
    throw new SimPrinterError('SIM_ERR_BAD_OPTIONS', `${String(family)} is not an SLA family`, { printer: id, option: 'family' });
  }
  const thing = options.thing ?? `Printer-${id}`;
  const hostName = options.hostName ?? `printer-${id}`;
  const fieldsPrinterId = options.fieldsPrinterId ?? id;
  const logger = (options.logger ?? silentLogger()).child({ sim: 'sla-printer', printer: id });
  const clock = createDeviceClock(options.now);
  const ledger = createLedger({ printer: id, thing, ...options.ledger });
  const drain = createDrainWaiter(id, () => processes.every((process) => process.isDrained()));
  const onProgress = () => drain.check();
  const shared = {
    printer: id,
    seed,
    clock,
    ledger,
    logger,
    tickMs: options.tickMs,
    client: options.beatsClient,
    maxInFlightEvents: options.maxInFlightEvents,
    maxBacklogEvents: options.maxBacklogEvents,
    onProgress,
  };
  const processes: PrinterProcess[] = [
    createFilebeatProcess({
      ...shared,
      family,
      identity: beatIdentity({ type: 'filebeat', hostName, printerId: fieldsPrinterId, seed }),
      logPath: options.logPath ?? SLA_PRINTER_DEFAULTS.logPath,
      now: options.now,
      linesPerSecond: options.rates?.linesPerSecond ?? SLA_PRINTER_DEFAULTS.linesPerSecond,
    }),
    createMetricbeatProcess({
      ...shared,
      identity: beatIdentity({ type: 'metricbeat', hostName, printerId: fieldsPrinterId, seed }),
      mounts: options.mounts,
      metricDocsPerSecond: options.rates?.metricDocsPerSecond ?? SLA_PRINTER_DEFAULTS.metricDocsPerSecond,
    }),
  ];
  return assembleSimulatedPrinter({
    id,
    family,
    thing,
    identity: printerIdentity(hostName, fieldsPrinterId, options),
    ...printerPip(family, options, logger),
    processes,
    ledger,
    drain,
    targets: options.beats === undefined ? {} : { beats: options.beats },
    logger,
  });
}
