import type { Logger } from '../../config/logging.js';
import type { BeatsClientSettings } from '../../protocols/lumberjack/client.js';
import { createBeatShipper } from './beat-shipper.js';
import { type BeatIdentity, metricbeatDocument } from './beats-documents.js';
import type { DeviceClock } from './device-clock.js';
import { SimPrinterError } from './errors.js';
import type { PrinterLedger } from './ledger.js';
import { createMetricSampleGenerator, type SimMount } from './metricbeat-samples.js';
import type { PrinterProcess } from './printer-process.js';
import { checkRate, createRateTicker } from './rate-ticker.js';

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
  client?: Partial<BeatsClientSettings>;
  maxInFlightEvents?: number;
  maxBacklogEvents?: number;
  onProgress(): void;
}

export function createMetricbeatProcess(options: MetricbeatProcessOptions): PrinterProcess {
  const samples = createMetricSampleGenerator({ seed: options.seed, printer: options.printer, mounts: options.mounts });
  const shipper = createBeatShipper({
    source: 'metricbeat',
    ledger: options.ledger,
    logger: options.logger,
    client: options.client,
    maxInFlightEvents: options.maxInFlightEvents,
    maxBacklogEvents: options.maxBacklogEvents,
    onProgress: options.onProgress,
  });

  const sample = () => {
    const time = options.clock.stamp();
    const generated = samples.next();
    return { document: metricbeatDocument(options.identity, time, generated.sample), time, items: generated.items };
  };
  const ticker = createRateTicker({
    perSecond: checkRate(options.metricDocsPerSecond, 'metricDocsPerSecond'),
    tickMs: options.tickMs,
    onDue: (count) => shipper.accept(count, sample),
  });

  return {
    source: 'metricbeat',
    target: 'beats',
    rateKey: 'metricDocsPerSecond',
    produceKey: 'metricDocs',
    items: samples.items,
    start: (targets) => {
      if (!targets.beats) {
        throw new SimPrinterError('SIM_ERR_NO_TARGET', `printer ${options.printer}: Metricbeat needs a beats target`, {
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
    produce: (count) => shipper.accept(count, sample),
    forceValue: (item, value) => {
      samples.forceValue(item, value);
      shipper.accept(1, sample);
    },
    releaseValue: (item) => samples.releaseValue(item),
    syncAcks: () => shipper.syncAcks(),
    isDrained: () => shipper.isDrained(),
    counters: () => shipper.counters(),
  };
}
