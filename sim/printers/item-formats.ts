import type { ReadingValue } from '../../domain/readings.js';
import { SimPrinterError } from './errors.js';

/**
 * How a simulator writes an item's value, so a forced value can be checked before it is written:
 * a value that would not survive the trip (a line no rule matches, a push message the client refuses)
 * would make the ledger expect a reading that can never arrive.
 */
export type ItemFormat =
  | { kind: 'decimal'; decimals: number }
  | { kind: 'integer' }
  | { kind: 'text'; pattern: RegExp }
  | { kind: 'choice'; choices: readonly string[] };

/** What log rules capture as a decimal: digits, optionally a point and more digits. */
const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;
/** Layer numbers in BUILD lines have at most 9 digits. */
const MAX_WRITTEN_INTEGER = 999_999_999;

export const BUILD_STATES = Object.freeze(['idle', 'building', 'paused', 'finished', 'aborted', 'error', 'offline'] as const);

/** A value as the simulator writes it: fixed decimals normally, a forced number exactly as given. */
export function formatValue(value: ReadingValue, format: ItemFormat, forced: boolean): string {
  if (typeof value !== 'number') return String(value);
  if (format.kind === 'decimal' && !forced) return value.toFixed(format.decimals);
  return String(value);
}

/** Checks a forced value against the item's format; throws SIM_ERR_BAD_VALUE. */
export function checkForcedValue(item: string, value: ReadingValue, format: ItemFormat, printer: string): ReadingValue {
  const refuse = (why: string): never => {
    throw new SimPrinterError('SIM_ERR_BAD_VALUE', `cannot force ${item}: ${why}`, { printer, item });
  };
  switch (format.kind) {
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value) || !PLAIN_DECIMAL.test(String(value))) {
        return refuse('needs a finite number written without an exponent');
      }
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_WRITTEN_INTEGER) {
        return refuse(`needs an integer from 0 to ${MAX_WRITTEN_INTEGER}`);
      }
      return value;
    case 'text':
      if (typeof value !== 'string' || !format.pattern.test(value)) return refuse(`needs a string matching ${format.pattern.source}`);
      return value;
    case 'choice':
      if (typeof value !== 'string' || !format.choices.includes(value)) return refuse(`needs one of ${format.choices.join(', ')}`);
      return value;
  }
}
