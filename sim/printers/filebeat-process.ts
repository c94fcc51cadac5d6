import type { Logger } from '../../config/logging.js';
import type { BeatsClientSettings } from '../../protocols/lumberjack/client.js';
import { createBeatShipper } from './beat-shipper.js';
import { type BeatIdentity, filebeatDocument } from './beats-documents.js';
import type { DeviceClock } from './device-clock.js';
import { SimPrinterError } from './errors.js';
import type { PrinterLedger } from './ledger.js';
import type { PrinterProcess } from './printer-process.js';
import { checkRate, createRateTicker } from './rate-ticker.js';
import { createSlaLineGenerator, type SlaFamily } from './sla-log-lines.js';

/**
 * Filebeat on an SLA printer: the printer writes log lines at a rate, Filebeat (filestream input)
 * ships each as a document with the file's path and the line's byte offset.
 */
export interface FilebeatProcessOptions {
  printer: string;
  family: SlaFamily;
  seed: number;
  identity: BeatIdentity;
  logPath: string;
  clock: DeviceClock;
  ledger: PrinterLedger;
  logger: Logger;
  now?: () => number;
  linesPerSecond: number;
  tickMs?: number;
  client?: Partial<BeatsClientSettings>;
  maxInFlightEvents?: number;
  maxBacklogEvents?: number;
  onProgress(): void;
}

export function createFilebeatProcess(options: FilebeatProcessOptions): PrinterProcess {
  const lines = createSlaLineGenerator({ family: options.family, seed: options.seed, printer: options.printer, now: options.now });
  const shipper = createBeatShipper({
    source: 'filebeat',
    ledger: options.ledger,
    logger: options.logger,
    client: options.client,
    maxInFlightEvents: options.maxInFlightEvents,
    maxBacklogEvents: options.maxBacklogEvents,
    onProgress: options.onProgress,
  });
  let offset = 0;
  options.ledger.forbid(options.logPath);

  const writeLine = () => {
    const time = options.clock.stamp();
    const generated = lines.next(time);
    const document = filebeatDocument(options.identity, { time, message: generated.line, path: options.logPath, offset });
    // The next line starts after this one and its newline.
    offset += Buffer.byteLength(generated.line, 'utf8') + 1;
    for (const secret of generated.secrets) options.ledger.forbid(secret);
    options.ledger.offerRawLine(generated.line);
    return { document, time, items: generated.items };
  };
  const ticker = createRateTicker({
    perSecond: checkRate(options.linesPerSecond, 'linesPerSecond'),
    tickMs: options.tickMs,
    onDue: (count) => shipper.accept(count, writeLine),
  });

  return {
    source: 'filebeat',
    target: 'beats',
    rateKey: 'linesPerSecond',
    produceKey: 'lines',
    items: lines.items,
    start: (targets) => {
      if (!targets.beats) {
        throw new SimPrinterError('SIM_ERR_NO_TARGET', `printer ${options.printer}: Filebeat needs a beats target`, {
          printer: options.printer,
        });
      }
      shipper.start(targets.beats);
      ticker.start();
    },
    stop: async () => {
      ticker.stop();
      await shipper.stop();
    },
    setRate: (perSecond) => ticker.setRate(perSecond),
    produce: (count) => shipper.accept(count, writeLine),
    forceValue: (item, value) => {
      lines.forceValue(item, value);
      shipper.accept(1, writeLine);
    },
    releaseValue: (item) => lines.releaseValue(item),
    syncAcks: () => shipper.syncAcks(),
    isDrained: () => shipper.isDrained(),
    counters: () => shipper.counters(),
  };
}
