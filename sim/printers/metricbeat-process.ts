import type { Logger } from '../../config/logging.js';
import type { BeatsClientOverrides } from '../clients/lumberjack-client.js';
import { serializeEventText } from '../clients/frame-writer.js';
import { createBeatProcess } from './beat-process.js';
import { type BeatIdentity, metricbeatDocument } from './beats-documents.js';
import type { DeviceClock } from './device-clock.js';
import type { PrinterLedger } from './ledger.js';
import { createMetricSampleGenerator, type SimMount } from './metricbeat-samples.js';
import type { PrinterProcess } from './printer-process.js';

/** Metricbeat on a printer: a separate process with its own connection to the Beats listener. */
export interface MetricbeatProcessOptions {
  printer: string;
  seed: number;
  identity: BeatIdentity;
  clock: DeviceClock;
  ledger: PrinterLedger;
  logger: Logger;
  mounts?: readonly SimMount[];
  metricDocsPerSecond: number;
  tickMs?: number;
  client?: BeatsClientOverrides;
  maxInFlightEvents?: number;
  maxBacklogEvents?: number;
  onProgress(): void;
}

export function createMetricbeatProcess(options: MetricbeatProcessOptions): PrinterProcess {
  const samples = createMetricSampleGenerator({ seed: options.seed, printer: options.printer, mounts: options.mounts });
  return createBeatProcess({
    ...options,
    source: 'metricbeat',
    beatName: 'Metricbeat',
    rateKey: 'metricDocsPerSecond',
    produceKey: 'metricDocs',
    perSecond: options.metricDocsPerSecond,
    events: samples,
    nextEvent: () => {
      const time = options.clock.stamp();
      const generated = samples.next();
      return { json: serializeEventText(metricbeatDocument(options.identity, time, generated.sample)), time, items: generated.items };
    },
  });
}
