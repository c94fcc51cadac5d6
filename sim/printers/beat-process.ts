import type { ReadingValue } from '../../domain/readings.js';
import { type BeatShipperOptions, createBeatShipper, type ShippableEvent } from './beat-shipper.js';
import { SimPrinterError } from './errors.js';
import type { PrinterProcess } from './printer-process.js';
import { checkRate, createRateTicker } from './rate-ticker.js';
import type { SimProduceCounts, SimRates } from './simulated-printer.js';

/** What a Beat ships: its own values, which a test can force. */
export interface BeatEventSource {
  readonly items: readonly string[];
  forceValue(item: string, value: ReadingValue): void;
  releaseValue(item: string): void;
}

export interface BeatProcessOptions extends BeatShipperOptions {
  source: 'filebeat' | 'metricbeat';
  printer: string;
  /** For messages: "Filebeat", "Metricbeat". */
  beatName: string;
  rateKey: keyof SimRates;
  produceKey: keyof SimProduceCounts;
  perSecond: number;
  tickMs?: number;
  events: BeatEventSource;
  /** Makes the next event (document JSON, device time, expected readings). */
  nextEvent(): ShippableEvent;
}

/**
 * A Beat on a printer: events made at a rate (or on demand) and shipped over its own Beats
 * connection. Filebeat and Metricbeat differ only in what they make.
 */
export function createBeatProcess(options: BeatProcessOptions): PrinterProcess {
  const shipper = createBeatShipper(options);
  const ticker = createRateTicker({
    perSecond: checkRate(options.perSecond, options.rateKey),
    tickMs: options.tickMs,
    onDue: (count) => shipper.accept(count, options.nextEvent),
  });
  return {
    source: options.source,
    target: 'beats',
    rateKey: options.rateKey,
    produceKey: options.produceKey,
    items: options.events.items,
    start: (targets) => {
      if (!targets.beats) {
        throw new SimPrinterError('SIM_ERR_NO_TARGET', `printer ${options.printer}: ${options.beatName} needs a beats target`, {
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
    produce: (count) => shipper.accept(count, options.nextEvent),
    forceValue: (item, value) => {
      options.events.forceValue(item, value);
      shipper.accept(1, options.nextEvent);
    },
    releaseValue: (item) => options.events.releaseValue(item),
    syncAcks: () => shipper.syncAcks(),
    isDrained: () => shipper.isDrained(),
    counters: () => shipper.counters(),
  };
}
