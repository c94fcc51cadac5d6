/**
 * Value models of the simulated printer families (DATA-ITEMS.md). Deterministic for a seed:
 * every answered query advances the model one step, so a test sees the same sequence every run.
 */
import { seededRandom } from '../seeded-random.js';

export const PRINTER_FAMILIES = Object.freeze(['projet-6k', 'projet-7k', 'mjp', 'dmp'] as const);
export type PrinterFamily = (typeof PRINTER_FAMILIES)[number];

/** The simulators' seeded PRNG (one implementation for the whole project). */
export const createSeededRandom = seededRandom;

/** A value that wanders by up to `noise` a step, plus `trend`, and wraps back to `reset` past its bounds. */
interface DriftingValue {
  item: string;
  start: number;
  noise: number;
  trend?: number;
  min: number;
  max: number;
  /** Where the value jumps when it leaves min..max (a refill, an emptied bin). */
  reset?: number;
  decimals: number;
}

interface FamilyProfile {
  model: string;
  firmware: string;
  sensors: DriftingValue[];
  textSensors: Record<string, string>;
  consumables: DriftingValue[];
  layerRange: [number, number];
  layerSeconds: number;
}

const SLA_SENSORS: DriftingValue[] = [
  { item: 'VatTemperature', start: 30, noise: 0.1, min: 28, max: 32, decimals: 1 },
  { item: 'ChamberTemperature', start: 24.8, noise: 0.1, min: 20, max: 30, decimals: 1 },
  { item: 'ChamberHumidity', start: 38, noise: 0.5, min: 25, max: 60, decimals: 0 },
  { item: 'LaserPower', start: 1.02, noise: 0.01, min: 0.9, max: 1.1, decimals: 2 },
];
const SLA_CONSUMABLES: DriftingValue[] = [
  { item: 'ResinLevel', start: 71.5, noise: 0.05, trend: -0.1, min: 5, max: 100, reset: 100, decimals: 1 },
];

export const FAMILY_PROFILES: Readonly<Record<PrinterFamily, FamilyProfile>> = Object.freeze({
  'projet-6k': {
    model: 'ProJet 6000 HD',
    firmware: '3.4.1',
    sensors: SLA_SENSORS,
    textSensors: { RecoaterState: 'ok' },
    consumables: SLA_CONSUMABLES,
    layerRange: [800, 1600],
    layerSeconds: 12,
  },
  'projet-7k': {
    model: 'ProJet 7000 HD',
    firmware: '3.6.0',
    sensors: SLA_SENSORS,
    textSensors: { RecoaterState: 'ok' },
    consumables: SLA_CONSUMABLES,
    layerRange: [1000, 2400],
    layerSeconds: 14,
  },
  mjp: {
    model: 'ProJet MJP 2500',
    firmware: '2.11.3',
    sensors: [
      { item: 'PrintHeadTemperature', start: 65, noise: 0.2, min: 60, max: 70, decimals: 1 },
      { item: 'UVLampHours', start: 1200, noise: 0, trend: 0.01, min: 0, max: 1e6, decimals: 2 },
    ],
    textSensors: {},
    consumables: [
      { item: 'ModelMaterialLevel', start: 82, noise: 0.05, trend: -0.1, min: 5, max: 100, reset: 100, decimals: 1 },
      { item: 'SupportMaterialLevel', start: 64, noise: 0.05, trend: -0.08, min: 5, max: 100, reset: 100, decimals: 1 },
      { item: 'WasteLevel', start: 20, noise: 0.05, trend: 0.1, min: 0, max: 95, reset: 0, decimals: 1 },
    ],
    layerRange: [1500, 3000],
    layerSeconds: 6,
  },
  dmp: {
    model: 'DMP Flex 350',
    firmware: '1.9.7',
    sensors: [
      { item: 'OxygenPpm', start: 400, noise: 15, min: 50, max: 1000, decimals: 0 },
      { item: 'ChamberPressure', start: 30, noise: 0.3, min: 20, max: 40, decimals: 1 },
      { item: 'LaserPower', start: 480, noise: 3, min: 400, max: 500, decimals: 0 },
      { item: 'FilterDifferentialPressure', start: 4, noise: 0.05, trend: 0.01, min: 1, max: 12, reset: 2, decimals: 2 },
    ],
    textSensors: {},
    consumables: [],
    layerRange: [2000, 5000],
    layerSeconds: 20,
  },
});

/** Polls a finished job stays visible, then idle polls before the next job starts. */
const FINISHED_POLLS = 2;
const IDLE_POLLS = 2;

export interface PrinterModelOptions {
  family: PrinterFamily;
  seed: number;
  serial?: string;
  now: () => number;
  /** Put a job file name into status replies, as a careless printer might; the client must drop it. */
  includeJobFileName?: boolean;
}

type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

interface Job {
  id: string;
  state: 'building' | 'finished';
  layer: number;
  layers: number;
  startedAt: number;
  estimatedEndAt: number;
}

/** One simulated printer's values; each method is one answered query. */
export interface PrinterModel {
  identify(): JsonObject;
  status(): JsonObject;
  sensors(): JsonObject;
  consumables(): JsonObject;
  /**
   * From now on the item answers this value (a sensor, a consumable, or BuildState for the status's
   * state) until released; the model goes on drifting underneath, so the sequence after it is the same.
   */
  force(item: string, value: number | string): void;
  release(item: string): void;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function createPrinterModel(options: PrinterModelOptions): PrinterModel {
  const profile = FAMILY_PROFILES[options.family];
  const random = createSeededRandom(options.seed);
  const serial = options.serial ?? `SIM-${options.family.toUpperCase()}-${String(options.seed % 100000).padStart(5, '0')}`;
  // Unrounded values, sensors then consumables, in a typed array: a Map boxed a number per step.
  const sensorCount = profile.sensors.length;
  const current = Float64Array.from([...profile.sensors, ...profile.consumables], (value) => value.start);
  let jobNumber = 1 + Math.floor(random() * 90000);
  let job: Job | undefined = startJob();
  let pollsInPhase = 0;
  const forced = new Map<string, number | string>();

  function startJob(): Job {
    const [fewest, most] = profile.layerRange;
    const layers = fewest + Math.floor(random() * (most - fewest));
    const startedAt = options.now();
    jobNumber += 1;
    return {
      id: `J-${String(jobNumber).padStart(5, '0')}`,
      state: 'building',
      layer: 0,
      layers,
      startedAt,
      estimatedEndAt: startedAt + layers * profile.layerSeconds * 1000,
    };
  }

  function drift(value: DriftingValue, slot: number): number {
    let next = current[slot]! + (random() * 2 - 1) * value.noise + (value.trend ?? 0);
    if (next < value.min || next > value.max) {
      next = value.reset ?? Math.min(value.max, Math.max(value.min, next));
    }
    current[slot] = next;
    return round(next, value.decimals);
  }

  function advanceJob(): void {
    pollsInPhase += 1;
    if (job?.state === 'building') {
      job.layer = Math.min(job.layers, job.layer + 1 + Math.floor(random() * 3));
      if (job.layer === job.layers) {
        job.state = 'finished';
        pollsInPhase = 0;
      }
    } else if (job?.state === 'finished' && pollsInPhase > FINISHED_POLLS) {
      job = undefined;
      pollsInPhase = 0;
    } else if (!job && pollsInPhase > IDLE_POLLS) {
      job = startJob();
      pollsInPhase = 0;
    }
  }

  return {
    identify: () => ({ model: profile.model, family: options.family, serial, firmware: profile.firmware }),
    status: () => {
      advanceJob();
      const forcedState = forced.get('BuildState');
      if (!job) return { state: forcedState ?? 'idle', job: null };
      const reported: JsonObject = { ...job };
      if (options.includeJobFileName) reported.file = `/jobs/${job.id.toLowerCase()}_bracket_v7_final.ctl`;
      return { state: forcedState ?? job.state, job: reported };
    },
    sensors: () => {
      const result: JsonObject = { ...profile.textSensors };
      profile.sensors.forEach((value, index) => {
        const drifted = drift(value, index);
        result[value.item] = forced.get(value.item) ?? drifted;
      });
      return result;
    },
    consumables: () => {
      const result: JsonObject = {};
      profile.consumables.forEach((value, index) => {
        const drifted = drift(value, sensorCount + index);
        result[value.item] = forced.get(value.item) ?? drifted;
      });
      return result;
    },
    force: (item, value) => {
      forced.set(item, value);
    },
    release: (item) => {
      forced.delete(item);
    },
  };
}
