import type { PushReading } from '../../protocols/push/message.js';
import type { ReadingValue } from '../../domain/readings.js';
import { SimPrinterError } from './errors.js';
import { createPrinterModel, type JsonObject } from './families.js';
import { BUILD_STATES, checkForcedValue, type ItemFormat } from './item-formats.js';
import type { ExpectedItem } from './ledger.js';

/**
 * The messages of a printer that pushes its own data (mjp, dmp; DATA-ITEMS.md), seeded and pure:
 * each message carries every sensor and consumable plus the job state, from the family's value model.
 */
export type PushFamily = 'mjp' | 'dmp';

interface PushItemSpec {
  unit?: string;
  format: ItemFormat;
}

const JOB_ITEMS: Readonly<Record<string, PushItemSpec>> = {
  BuildState: { format: { kind: 'choice', choices: BUILD_STATES } },
  JobId: { format: { kind: 'text', pattern: /^[A-Za-z0-9-]{1,32}$/ } },
  Layer: { format: { kind: 'integer' } },
  LayerCount: { format: { kind: 'integer' } },
};

const decimal = (decimals: number, unit: string): PushItemSpec => ({ unit, format: { kind: 'decimal', decimals } });

export const PUSH_ITEMS: Readonly<Record<PushFamily, Readonly<Record<string, PushItemSpec>>>> = Object.freeze({
  mjp: {
    PrintHeadTemperature: decimal(1, '°C'),
    UVLampHours: decimal(2, 'h'),
    ModelMaterialLevel: decimal(1, '%'),
    SupportMaterialLevel: decimal(1, '%'),
    WasteLevel: decimal(1, '%'),
    ...JOB_ITEMS,
  },
  dmp: {
    OxygenPpm: decimal(0, 'ppm'),
    ChamberPressure: decimal(1, 'mbar'),
    LaserPower: decimal(0, 'W'),
    FilterDifferentialPressure: decimal(2, 'mbar'),
    ...JOB_ITEMS,
  },
});

export interface GeneratedPushMessage {
  readings: PushReading[];
  /** What the adapter must make of it: every reading, at the message's time (the readings themselves). */
  items: readonly ExpectedItem[];
}

export interface PushMessageGenerator {
  next(): GeneratedPushMessage;
  /** Every following message carries this value for the item (and the item, even when it would not). */
  forceValue(item: string, value: ReadingValue): void;
  releaseValue(item: string): void;
  readonly items: readonly string[];
}

function jobOf(status: JsonObject): JsonObject | undefined {
  const job = status.job;
  return typeof job === 'object' && job !== null && !Array.isArray(job) ? job : undefined;
}

export function createPushMessageGenerator(options: {
  family: PushFamily;
  seed: number;
  printer?: string;
  now?: () => number;
}): PushMessageGenerator {
  const printer = options.printer ?? 'sim';
  const specs = PUSH_ITEMS[options.family];
  const model = createPrinterModel({ family: options.family, seed: options.seed, now: options.now ?? Date.now });
  const forced = new Map<string, ReadingValue>();

  function reading(item: string, value: ReadingValue): PushReading {
    const unit = specs[item]?.unit;
    return unit === undefined ? { item, value } : { item, value, unit };
  }

  /** The model's values, sensors then consumables then the job, each item once (built without a Map per message). */
  function observed(): PushReading[] {
    const readings: PushReading[] = [];
    for (const group of [model.sensors(), model.consumables()]) {
      for (const item in group) {
        const value = group[item];
        if (specs[item] && typeof value === 'number' && Number.isFinite(value)) readings.push(reading(item, value));
      }
    }
    const status = model.status();
    const job = jobOf(status);
    readings.push(reading('BuildState', typeof status.state === 'string' ? status.state : 'idle'));
    if (job) {
      if (typeof job.id === 'string') readings.push(reading('JobId', job.id));
      if (typeof job.layer === 'number') readings.push(reading('Layer', job.layer));
      if (typeof job.layers === 'number') readings.push(reading('LayerCount', job.layers));
    }
    return readings;
  }

  /** A forced value takes the item's place, or comes last when the model did not report the item. */
  function applyForced(readings: PushReading[]): void {
    for (const [item, value] of forced) {
      const index = readings.findIndex((candidate) => candidate.item === item);
      if (index < 0) readings.push(reading(item, value));
      else readings[index] = reading(item, value);
    }
  }

  return {
    items: Object.freeze(Object.keys(specs)),
    next: () => {
      const readings = observed();
      if (forced.size > 0) applyForced(readings);
      // A reading is an expected item (item and value; the unit is not part of what the ledger checks).
      return { readings, items: readings };
    },
    forceValue: (item, value) => {
      const spec = specs[item];
      if (!spec) {
        throw new SimPrinterError('SIM_ERR_UNKNOWN_ITEM', `${item} is not pushed by ${options.family} printers`, {
          printer,
          family: options.family,
          item,
        });
      }
      forced.set(item, checkForcedValue(item, value, spec.format, printer));
    },
    releaseValue: (item) => {
      forced.delete(item);
    },
  };
}
