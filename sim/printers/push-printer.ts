import { silentLogger } from '../../config/logging.js';
import { beatIdentity } from './beats-documents.js';
import { createDeviceClock } from './device-clock.js';
import { createDrainWaiter } from './drain-waiter.js';
import { SimPrinterError } from './errors.js';
import { createLedger } from './ledger.js';
import { createMetricbeatProcess } from './metricbeat-process.js';
import { assembleSimulatedPrinter, printerIdentity, printerPip } from './printer-lifecycle.js';
import type { PrinterProcess } from './printer-process.js';
import type { PushFamily } from './push-messages.js';
import { createPushProcess } from './push-process.js';
import type { SimPushTarget } from './push-shipper.js';
import type { SimPrinterBaseOptions, SimulatedPrinter } from './simulated-printer.js';

/**
 * A printer that pushes its own readings (mjp, dmp) over the push protocol with a bearer token,
 * one message per tick with a unique device time; optionally its Metricbeat (every family has one,
 * DATA-ITEMS.md); and its PIP/1 server for the adapter's poller.
 */
export const PUSH_PRINTER_DEFAULTS = Object.freeze({
  pushMessagesPerSecond: 2,
  metricDocsPerSecond: 1,
  metricbeat: true,
});

export const PUSH_FAMILIES: readonly PushFamily[] = Object.freeze(['mjp', 'dmp']);

export interface PushPrinterOptions extends SimPrinterBaseOptions {
  family: PushFamily;
  /** Bearer token the printer presents. */
  token?: string;
  push?: SimPushTarget;
  rates?: { pushMessagesPerSecond?: number; metricDocsPerSecond?: number };
  /** Run Metricbeat too (needs a beats target). Default true. */
  metricbeat?: boolean;
  pushClient?: { backoff?: { minMs: number; maxMs: number }; maxUnacked?: number; maxBacklogMessages?: number };
}

export function createPushPrinter(options: PushPrinterOptions): SimulatedPrinter {
  const { id, seed, family } = options;
  if (!id) throw new SimPrinterError('SIM_ERR_BAD_OPTIONS', 'a simulated printer needs an id', { option: 'id' });
  if (!PUSH_FAMILIES.includes(family)) {
    throw new SimPrinterError('SIM_ERR_BAD_OPTIONS', `${String(family)} is not a pushing family`, { printer: id, option: 'family' });
  }
  const thing = options.thing ?? `Printer-${id}`;
  const hostName = options.hostName ?? `printer-${id}`;
  const fieldsPrinterId = options.fieldsPrinterId ?? id;
  const logger = (options.logger ?? silentLogger()).child({ sim: 'push-printer', printer: id });
  const clock = createDeviceClock(options.now);
  const ledger = createLedger({ printer: id, thing, ...options.ledger });
  const drain = createDrainWaiter(id, () => processes.every((process) => process.isDrained()));
  const onProgress = () => drain.check();
  const processes: PrinterProcess[] = [
    createPushProcess({
      printer: id,
      family,
      seed,
      token: options.token,
      clock,
      ledger,
      logger,
      now: options.now,
      messagesPerSecond: options.rates?.pushMessagesPerSecond ?? PUSH_PRINTER_DEFAULTS.pushMessagesPerSecond,
      tickMs: options.tickMs,
      backoff: options.pushClient?.backoff,
      maxUnacked: options.pushClient?.maxUnacked,
      maxBacklogMessages: options.pushClient?.maxBacklogMessages,
      onProgress,
    }),
  ];
  if (options.metricbeat ?? PUSH_PRINTER_DEFAULTS.metricbeat) {
    processes.push(
      createMetricbeatProcess({
        printer: id,
        seed,
        identity: beatIdentity({ type: 'metricbeat', hostName, printerId: fieldsPrinterId, seed }),
        clock,
        ledger,
        logger,
        mounts: options.mounts,
        metricDocsPerSecond: options.rates?.metricDocsPerSecond ?? PUSH_PRINTER_DEFAULTS.metricDocsPerSecond,
        tickMs: options.tickMs,
        client: options.beatsClient,
        maxInFlightEvents: options.maxInFlightEvents,
        maxBacklogEvents: options.maxBacklogEvents,
        onProgress,
      }),
    );
  }
  return assembleSimulatedPrinter({
    id,
    family,
    thing,
    identity: printerIdentity(hostName, fieldsPrinterId, options),
    ...(options.token === undefined ? {} : { pushToken: options.token }),
    ...printerPip(family, options, logger),
    processes,
    ledger,
    drain,
    targets: {
      ...(options.beats === undefined ? {} : { beats: options.beats }),
      ...(options.push === undefined ? {} : { push: options.push }),
    },
    logger,
  });
}
