/**
 * The zero-loss check every harness makes (demo, chaos, daemon tests, benchmarks): what the
 * simulators' ledger says was acknowledged against what the ThingWorx stand-in recorded.
 */
import type { ReadingValue } from '../../domain/readings.js';
import type { RecordedVtq } from '../thingworx/stand-in.js';
import type { SimulatedFleet } from './fleet.js';
import type { ExpectedReading } from './ledger.js';

/** Lost events named in a report. */
export const DELIVERY_ACCOUNT_DEFAULTS = { examples: 5 } as const;

/**
 * The one change the trip makes to a value on purpose: JSON has no negative zero (JSON.stringify writes -0 as
 * 0, and so does the adapter's body writer), so an event's -0 arrives as 0. Nothing else is normalised.
 */
function asSent(value: ReadingValue): ReadingValue {
  return Object.is(value, -0) ? 0 : value;
}

/**
 * Whether ThingWorx holds exactly the value the printer handed over: the same type (a number is not its text,
 * a boolean is not 0/1), strings and booleans equal, numbers bit for bit. Object.is compares doubles by their
 * IEEE-754 bits except that every NaN is one value: so 0.1 + 0.2 is not 0.3 and 0 is not -0 (only the -0 the
 * wire turns into 0 is taken as 0, see asSent). An expected NaN or Infinity never matches: the adapter refuses
 * non-finite numbers and the stand-in never holds one, so the ledger expecting one is reported, not excused.
 */
export function sameValue(expected: ReadingValue, got: ReadingValue): boolean {
  if (typeof expected === 'number' && !Number.isFinite(expected)) return false;
  return Object.is(asSent(expected), got);
}

/** A value as a report names it: strings quoted, -0 kept visible. */
export function describeValue(value: ReadingValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return Object.is(value, -0) ? '-0' : String(value);
}

const rowKey = (thing: string | undefined, name: string, time: number): string => `${thing}|${name}|${time}`;

export interface DeliveryAccount {
  /** Events the simulators handed to their shippers. */
  sent: number;
  /** Events the adapter acknowledged to the simulators. */
  acked: number;
  /** Acknowledged events whose every expected reading ThingWorx holds. */
  delivered: number;
  /**
   * Acknowledged events with at least one reading ThingWorx holds more than once: the same value at the
   * same Thing, property and time (a re-sent copy). Another reading that happens to share property and
   * millisecond, such as a poll row stamped with the adapter's clock, is a different reading, not a copy;
   * only when it also has the same value (a state item such as BuildState) is it still counted here.
   */
  duplicates: number;
  /**
   * Acknowledged events not in ThingWorx intact: at least one expected reading it does not hold at its Thing,
   * property and time, or holds there only with another value. Must be 0.
   */
  lost: number;
  /** Of the lost events, those whose readings all arrived but at least one with another value (corruption). */
  corrupted: number;
  /** Lost events of either kind, e.g. `p01 push OxygenPpm@1800000000000`, or with ` expected 418 got 1418` and the Thing. */
  lostExamples: string[];
  /** Corrupted events only: `p01 push Printer-p01 OxygenPpm@1800000000000 expected 418 got 1418`. */
  corruptedExamples: string[];
}

/**
 * Zero loss by the ledger: every event a simulator got acknowledged must be in ThingWorx, reading by
 * reading (an event is its printer's Thing at its device time, which is unique per printer), each with
 * the value the simulator handed over (sameValue). A property may hold other rows at the same millisecond
 * (a poll row stamped with the adapter's clock, a re-sent copy): the event's reading is there when one of
 * them has its value. Poll readings are state, not events, and are not in the ledger (test/chaos/README.md).
 */
export function accountDeliveries(fleet: SimulatedFleet, records: readonly RecordedVtq[]): DeliveryAccount {
  // The values ThingWorx holds at each (Thing, property, time).
  const recorded = new Map<string, RecordedVtq['value'][]>();
  for (const row of records) {
    const key = rowKey(row.thing, row.name, row.time);
    const values = recorded.get(key);
    if (values) values.push(row.value);
    else recorded.set(key, [row.value]);
  }
  const events = new Map<string, ExpectedReading[]>();
  for (const reading of fleet.expectedAcked()) {
    const key = `${reading.thing}|${reading.time}`;
    const readings = events.get(key) ?? [];
    readings.push(reading);
    events.set(key, readings);
  }
  let lost = 0;
  let corrupted = 0;
  let duplicates = 0;
  const lostExamples: string[] = [];
  const corruptedExamples: string[] = [];
  const example = (list: string[], text: string) => {
    if (list.length < DELIVERY_ACCOUNT_DEFAULTS.examples) list.push(text);
  };
  for (const readings of events.values()) {
    const held = readings.map((r) => recorded.get(rowKey(r.thing, r.item, r.time)) ?? []);
    const missingAt = held.findIndex((values) => values.length === 0);
    const wrongAt = missingAt >= 0 ? -1 : readings.findIndex((r, i) => !held[i]!.some((value) => sameValue(r.value, value)));
    if (missingAt >= 0) {
      lost += 1;
      const missing = readings[missingAt]!;
      example(lostExamples, `${missing.printer} ${missing.source} ${missing.item}@${missing.time}`);
    } else if (wrongAt >= 0) {
      lost += 1;
      corrupted += 1;
      const wrong = readings[wrongAt]!;
      const text =
        `${wrong.printer} ${wrong.source} ${wrong.thing} ${wrong.item}@${wrong.time} ` +
        `expected ${describeValue(wrong.value)} got ${held[wrongAt]!.map(describeValue).join(' | ')}`;
      example(lostExamples, text);
      example(corruptedExamples, text);
    }
    if (readings.some((r, i) => held[i]!.filter((value) => sameValue(r.value, value)).length > 1)) duplicates += 1;
  }
  const { sent, acked } = eventTotals(fleet);
  return { sent, acked, delivered: acked - lost, duplicates, lost, corrupted, lostExamples, corruptedExamples };
}

/** Events handed over and events acknowledged, all printers and sources together, by the ledger. */
export function eventTotals(fleet: SimulatedFleet): { sent: number; acked: number } {
  const { filebeat, metricbeat, push } = fleet.counters().totals;
  return {
    sent: filebeat.events_sent + metricbeat.events_sent + push.events_sent,
    acked: filebeat.events_acked + metricbeat.events_acked + push.events_acked,
  };
}
