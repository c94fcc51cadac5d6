import type { ReadingValue } from '../../domain/readings.js';
import { isoTime } from './device-clock.js';
import { SimPrinterError } from './errors.js';
import { createPrinterModel, createSeededRandom, type JsonObject } from './families.js';
import { BUILD_STATES, checkForcedValue, formatValue, type ItemFormat } from './item-formats.js';
import type { ExpectedItem } from './ledger.js';

/**
 * The log lines of an SLA printer (DATA-ITEMS.md), seeded and pure: a time in, a line and the
 * readings it must become out. Lines come in cycles (thermal, build, laser, resin, sometimes an
 * error, a JOBFILE line when a job starts); values come from the family's value model.
 */
export type SlaFamily = 'projet-6k' | 'projet-7k';
export type SlaLineKind = 'thermal-vat' | 'thermal-chamber' | 'build' | 'laser' | 'resin' | 'error' | 'jobfile';

export const SLA_LOG_DEFAULTS = Object.freeze({
  vatSetpointC: 30,
  /** Chance per cycle of an ERROR line. */
  errorChance: 0.04,
  /** Chance per cycle of a JOBFILE line besides the one at each job start (a printer re-logging its file). */
  jobFileChance: 0.03,
});

export interface GeneratedLine {
  kind: SlaLineKind;
  /** Device time of the line, ms since epoch. */
  time: number;
  /** The whole line as written to the log, timestamp first, without the newline. */
  line: string;
  /** Readings the adapter must make of it (none for JOBFILE). */
  items: ExpectedItem[];
  /** Parts of the line that must never leave the adapter (job file name, an error's free text). */
  secrets: readonly string[];
}

export interface SlaLineGenerator {
  next(time: number): GeneratedLine;
  /** From now on this item carries this value; the next line is one that carries it. */
  forceValue(item: string, value: ReadingValue): void;
  releaseValue(item: string): void;
  readonly items: readonly string[];
}

interface ItemSpec {
  line: SlaLineKind;
  format: ItemFormat;
}

const SLA_ITEMS: Readonly<Record<string, ItemSpec>> = Object.freeze({
  VatTemperature: { line: 'thermal-vat', format: { kind: 'decimal', decimals: 1 } },
  ChamberTemperature: { line: 'thermal-chamber', format: { kind: 'decimal', decimals: 1 } },
  ChamberHumidity: { line: 'thermal-chamber', format: { kind: 'decimal', decimals: 0 } },
  LaserPower: { line: 'laser', format: { kind: 'decimal', decimals: 2 } },
  ResinLevel: { line: 'resin', format: { kind: 'decimal', decimals: 1 } },
  JobId: { line: 'build', format: { kind: 'text', pattern: /^[A-Za-z0-9-]{1,32}$/ } },
  Layer: { line: 'build', format: { kind: 'integer' } },
  LayerCount: { line: 'build', format: { kind: 'integer' } },
  BuildState: { line: 'build', format: { kind: 'choice', choices: BUILD_STATES } },
  ErrorCode: { line: 'error', format: { kind: 'text', pattern: /^[A-Z]{1,4}\d{1,6}$/ } },
});

/** The items SLA log lines carry. */
export const SLA_LOG_ITEMS: readonly string[] = Object.freeze(Object.keys(SLA_ITEMS));

const CYCLE: readonly SlaLineKind[] = ['thermal-vat', 'thermal-chamber', 'build', 'laser', 'resin'];

const FAULTS: readonly (readonly [code: string, text: string])[] = [
  ['E1203', 'Recoater stall detected'],
  ['E2107', 'Vat temperature deviation beyond tolerance'],
  ['E3302', 'Laser power drift during exposure'],
  ['W0415', 'Resin cartridge almost empty'],
  ['E4410', 'Platform sensor timeout'],
];
const FORCED_FAULT_TEXT = 'Fault injected by the simulator';
/** Most lines hide nothing; they share one empty list. */
const NO_SECRETS: readonly string[] = Object.freeze([]);
const PART_NAMES = ['bracket', 'manifold', 'housing', 'impeller', 'dental_arch', 'turbine_blade', 'hinge', 'nozzle'];

function numberIn(values: JsonObject, key: string, fallback: number): number {
  const value = values[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function textIn(values: JsonObject | null | undefined, key: string): string | undefined {
  const value = values?.[key];
  return typeof value === 'string' ? value : undefined;
}

interface BuildSnapshot {
  jobId: string;
  layer: number;
  layers: number;
  state: string;
}

export function createSlaLineGenerator(options: {
  family: SlaFamily;
  seed: number;
  printer?: string;
  now?: () => number;
}): SlaLineGenerator {
  const printer = options.printer ?? 'sim';
  const model = createPrinterModel({ family: options.family, seed: options.seed, now: options.now ?? Date.now });
  const random = createSeededRandom(options.seed ^ 0x51a7e);
  const values = new Map<string, ReadingValue>();
  const forced = new Map<string, ReadingValue>();
  const pending: SlaLineKind[] = [];
  let build: BuildSnapshot = { jobId: 'J-00000', layer: 0, layers: 0, state: 'idle' };
  let fault: readonly [string, string] = FAULTS[0]!;

  function refill(): void {
    const sensors = model.sensors();
    const consumables = model.consumables();
    const status = model.status();
    for (const item of ['VatTemperature', 'ChamberTemperature', 'ChamberHumidity', 'LaserPower']) {
      values.set(item, numberIn(sensors, item, 0));
    }
    values.set('ResinLevel', numberIn(consumables, 'ResinLevel', 0));
    const job = status.job;
    const reported = typeof job === 'object' && job !== null && !Array.isArray(job) ? job : undefined;
    const previousJob = build.jobId;
    if (reported) {
      build = {
        jobId: textIn(reported, 'id') ?? build.jobId,
        layer: numberIn(reported, 'layer', 0),
        layers: numberIn(reported, 'layers', 0),
        state: textIn(reported, 'state') ?? 'building',
      };
    } else {
      build = { ...build, layer: build.layers, state: 'idle' };
    }
    if (build.jobId !== previousJob || random() < SLA_LOG_DEFAULTS.jobFileChance) pending.push('jobfile');
    pending.push(...CYCLE);
    if (random() < SLA_LOG_DEFAULTS.errorChance) {
      fault = FAULTS[Math.floor(random() * FAULTS.length)] ?? fault;
      pending.push('error');
    }
  }

  function value(item: string): { text: string; value: ReadingValue } {
    const spec = SLA_ITEMS[item]!;
    const isForced = forced.has(item);
    const current = forced.get(item) ?? values.get(item) ?? 0;
    const text = formatValue(current, spec.format, isForced);
    // The reading is what the written text says, exactly as a reader of the line would take it.
    return { text, value: typeof current === 'number' ? Number(text) : text };
  }

  function buildValue(item: 'JobId' | 'Layer' | 'LayerCount' | 'BuildState'): { text: string; value: ReadingValue } {
    const own: ReadingValue =
      item === 'JobId' ? build.jobId : item === 'Layer' ? build.layer : item === 'LayerCount' ? build.layers : build.state;
    const current = forced.get(item) ?? own;
    return { text: String(current), value: current };
  }

  function render(kind: SlaLineKind): { body: string; items: ExpectedItem[]; secrets: readonly string[] } {
    switch (kind) {
      case 'thermal-vat': {
        const vat = value('VatTemperature');
        return {
          body: `THERMAL VatTemp=${vat.text}C Setpoint=${SLA_LOG_DEFAULTS.vatSetpointC.toFixed(1)}C`,
          items: [{ item: 'VatTemperature', value: vat.value }],
          secrets: NO_SECRETS,
        };
      }
      case 'thermal-chamber': {
        const chamber = value('ChamberTemperature');
        const humidity = value('ChamberHumidity');
        return {
          body: `THERMAL Chamber=${chamber.text}C Humidity=${humidity.text}%`,
          items: [
            { item: 'ChamberTemperature', value: chamber.value },
            { item: 'ChamberHumidity', value: humidity.value },
          ],
          secrets: NO_SECRETS,
        };
      }
      case 'build': {
        const job = buildValue('JobId');
        const layer = buildValue('Layer');
        const layers = buildValue('LayerCount');
        const state = buildValue('BuildState');
        return {
          body: `BUILD job=${job.text} layer=${layer.text}/${layers.text} state=${state.text}`,
          items: [
            { item: 'JobId', value: job.value },
            { item: 'Layer', value: layer.value },
            { item: 'LayerCount', value: layers.value },
            { item: 'BuildState', value: state.value },
          ],
          secrets: NO_SECRETS,
        };
      }
      case 'laser': {
        const power = value('LaserPower');
        return { body: `LASER power=${power.text}W`, items: [{ item: 'LaserPower', value: power.value }], secrets: NO_SECRETS };
      }
      case 'resin': {
        const level = value('ResinLevel');
        return { body: `RESIN level=${level.text}%`, items: [{ item: 'ResinLevel', value: level.value }], secrets: NO_SECRETS };
      }
      case 'error': {
        const forcedCode = forced.get('ErrorCode');
        const [code, text] = forcedCode === undefined ? fault : [String(forcedCode), FORCED_FAULT_TEXT];
        return { body: `ERROR code=${code} ${text}`, items: [{ item: 'ErrorCode', value: code }], secrets: [text] };
      }
      case 'jobfile': {
        const part = PART_NAMES[Math.floor(random() * PART_NAMES.length)] ?? 'part';
        const name = `${part}_v${1 + Math.floor(random() * 12)}_final_${String(Math.floor(random() * 10000)).padStart(4, '0')}.ctl`;
        return { body: `JOBFILE name=${name}`, items: [], secrets: [name] };
      }
    }
  }

  return {
    items: SLA_LOG_ITEMS,
    next: (time) => {
      if (pending.length === 0) refill();
      const kind = pending.shift()!;
      const { body, items, secrets } = render(kind);
      return { kind, time, line: `${isoTime(time)} ${body}`, items, secrets };
    },
    forceValue: (item, forcedValue) => {
      const spec = SLA_ITEMS[item];
      if (!spec) {
        throw new SimPrinterError('SIM_ERR_UNKNOWN_ITEM', `${item} is not written in ${options.family} log lines`, {
          printer,
          family: options.family,
          item,
        });
      }
      forced.set(item, checkForcedValue(item, forcedValue, spec.format, printer));
      // Model values are read at the start of a cycle; make sure one exists before jumping the queue.
      if (values.size === 0) refill();
      pending.unshift(spec.line);
    },
    releaseValue: (item) => {
      forced.delete(item);
    },
  };
}
