/**
 * Now and then a simulated printer crosses one of its limits and comes back: a vat running warm,
 * resin (or model material) falling below its limit, a build that fails, a print head or oxygen
 * running high. The value is forced on every source that reports the item (its log lines or push
 * messages, and its PIP answers), so the sources agree and the adapter raises the alert once and
 * clears it once. Excursions are long and far past the limit, so an alert deadband or a minimum
 * duration still lets them raise and clear. The forced values go through the printers' own
 * generators, so the delivery account expects exactly what was sent.
 */
import type { ReadingValue } from '../../domain/readings.js';
import { seededRandom } from '../seeded-random.js';
import type { PrinterFamily } from './families.js';
import type { SimulatedPrinter } from './simulated-printer.js';

export const EXCURSION_DEFAULTS = {
  /** The first excursion of each printer starts within this (spread over the fleet). */
  firstWithinMs: 20_000,
  /** Never sooner than this after the start: the adapter and the printers settle first. */
  firstAfterMs: 3_000,
  /** Between one excursion's end and the next one of the same printer. */
  quietMs: { min: 40_000, max: 150_000 },
  /** How long a value stays past its limit. */
  holdMs: { min: 6_000, max: 10_000 },
} as const;

export interface Excursion {
  /** What an operator would call it. */
  name: string;
  item: string;
  /** Well past the limit (SIM_PRINTER_LIMITS in fleet-config.ts), on the alarming side. */
  value: ReadingValue;
}

/** The excursions each family can make; every item here has a limit in SIM_PRINTER_LIMITS. */
export const FAMILY_EXCURSIONS: Readonly<Record<PrinterFamily, readonly Excursion[]>> = Object.freeze({
  'projet-6k': [
    { name: 'vat running warm', item: 'VatTemperature', value: 39.5 },
    { name: 'resin below its limit', item: 'ResinLevel', value: 2.5 },
    { name: 'build failed', item: 'BuildState', value: 'error' },
  ],
  'projet-7k': [
    { name: 'vat running warm', item: 'VatTemperature', value: 38.8 },
    { name: 'resin below its limit', item: 'ResinLevel', value: 3.1 },
    { name: 'build failed', item: 'BuildState', value: 'error' },
  ],
  mjp: [
    { name: 'print head running hot', item: 'PrintHeadTemperature', value: 79.5 },
    { name: 'model material below its limit', item: 'ModelMaterialLevel', value: 2.0 },
  ],
  dmp: [{ name: 'oxygen high in the chamber', item: 'OxygenPpm', value: 1_650 }],
});

export interface ExcursionOptions {
  seed: number;
  firstWithinMs?: number;
  quietMs?: { min: number; max: number };
  holdMs?: { min: number; max: number };
  /** Told when an excursion starts and ends (the demo's log). */
  onChange?(printer: string, excursion: Excursion, state: 'started' | 'ended'): void;
}

export interface ExcursionCounts {
  started: number;
  ended: number;
}

export interface Excursions {
  counts(): ExcursionCounts;
  /** Cancels what is scheduled and releases every forced value. */
  stop(): void;
}

export function startExcursions(printers: readonly SimulatedPrinter[], options: ExcursionOptions): Excursions {
  const random = seededRandom(options.seed);
  const quiet = options.quietMs ?? EXCURSION_DEFAULTS.quietMs;
  const hold = options.holdMs ?? EXCURSION_DEFAULTS.holdMs;
  const firstWithin = options.firstWithinMs ?? EXCURSION_DEFAULTS.firstWithinMs;
  const between = (range: { min: number; max: number }) => range.min + random() * (range.max - range.min);
  const timers = new Set<NodeJS.Timeout>();
  const active = new Map<SimulatedPrinter, Excursion>();
  const counts: ExcursionCounts = { started: 0, ended: 0 };
  let stopped = false;

  function later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) run();
    }, ms);
    timer.unref();
    timers.add(timer);
  }

  /** Forces the value where the printer reports the item; false once the printer is stopped. */
  function apply(printer: SimulatedPrinter, excursion: Excursion): boolean {
    try {
      if (printer.forceableItems().includes(excursion.item)) printer.forceValue(excursion.item, excursion.value);
      if (typeof excursion.value === 'number' || typeof excursion.value === 'string')
        printer.pip.forceValue(excursion.item, excursion.value);
      return true;
    } catch {
      return false;
    }
  }

  function release(printer: SimulatedPrinter, excursion: Excursion): void {
    try {
      if (printer.forceableItems().includes(excursion.item)) printer.releaseValue(excursion.item);
    } catch {
      // A stopped printer: nothing more to release.
    }
    printer.pip.releaseValue(excursion.item);
  }

  function schedule(printer: SimulatedPrinter, delayMs: number): void {
    const choices = FAMILY_EXCURSIONS[printer.family];
    later(delayMs, () => {
      const excursion = choices[Math.floor(random() * choices.length)];
      if (excursion === undefined || !apply(printer, excursion)) return;
      active.set(printer, excursion);
      counts.started += 1;
      options.onChange?.(printer.id, excursion, 'started');
      later(between(hold), () => {
        release(printer, excursion);
        active.delete(printer);
        counts.ended += 1;
        options.onChange?.(printer.id, excursion, 'ended');
        schedule(printer, between(quiet));
      });
    });
  }

  for (const printer of printers) {
    schedule(printer, EXCURSION_DEFAULTS.firstAfterMs + random() * Math.max(0, firstWithin - EXCURSION_DEFAULTS.firstAfterMs));
  }

  return {
    counts: () => ({ ...counts }),
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const [printer, excursion] of active) release(printer, excursion);
      active.clear();
    },
  };
}
