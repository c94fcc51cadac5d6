import type { Logger } from '../../config/logging.js';
import type { BeatsClientOverrides } from '../clients/lumberjack-client.js';
import { createBeatProcess } from './beat-process.js';
import { type BeatIdentity, filebeatDocumentWriter } from './beats-documents.js';
import type { DeviceClock } from './device-clock.js';
import type { PrinterLedger } from './ledger.js';
import type { PrinterProcess } from './printer-process.js';
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
  client?: BeatsClientOverrides;
  maxInFlightEvents?: number;
  maxBacklogEvents?: number;
  onProgress(): void;
}

export function createFilebeatProcess(options: FilebeatProcessOptions): PrinterProcess {
  const lines = createSlaLineGenerator({ family: options.family, seed: options.seed, printer: options.printer, now: options.now });
  const documentJson = filebeatDocumentWriter(options.identity, options.logPath);
  let offset = 0;
  options.ledger.forbid(options.logPath);
  return createBeatProcess({
    ...options,
    source: 'filebeat',
    beatName: 'Filebeat',
    rateKey: 'linesPerSecond',
    produceKey: 'lines',
    perSecond: options.linesPerSecond,
    events: lines,
    nextEvent: () => {
      const time = options.clock.stamp();
      const generated = lines.next(time);
      const json = documentJson(time, generated.line, offset);
      // The next line starts after this one and its newline.
      offset += Buffer.byteLength(generated.line, 'utf8') + 1;
      for (const secret of generated.secrets) options.ledger.forbid(secret);
      options.ledger.offerRawLine(generated.line);
      return { json, time, items: generated.items };
    },
  });
}
