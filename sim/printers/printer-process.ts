import type { ReadingValue } from '../../domain/readings.js';
import type { BeatShipperCounters } from './beat-shipper.js';
import type { LedgerSource } from './ledger.js';
import type { PushShipperCounters } from './push-shipper.js';
import type { SimProduceCounts, SimRates, SimTargets } from './simulated-printer.js';

/**
 * One process on a simulated printer that produces events and ships them (its Filebeat, its
 * Metricbeat, its push agent): a seeded generator, a rate ticker and a shipper.
 */
export interface PrinterProcess {
  readonly source: LedgerSource;
  /** The target in SimTargets it ships to. */
  readonly target: keyof SimTargets;
  /** Which rate in SimRates and which count in SimProduceCounts drive it. */
  readonly rateKey: keyof SimRates;
  readonly produceKey: keyof SimProduceCounts;
  /** Items forceValue accepts. */
  readonly items: readonly string[];
  /** Connects to its target in `targets`; throws SIM_ERR_NO_TARGET when that is missing. */
  start(targets: SimTargets): void;
  stop(): Promise<void>;
  setRate(perSecond: number): void;
  produce(count: number): void;
  /** Forces the value and produces one event carrying it. */
  forceValue(item: string, value: ReadingValue): void;
  releaseValue(item: string): void;
  syncAcks(): void;
  isDrained(): boolean;
  counters(): BeatShipperCounters | PushShipperCounters;
}
