/**
 * The zero-loss check every harness makes (demo, chaos, daemon tests, benchmarks): what the
 * simulators' ledger says was acknowledged against what the ThingWorx stand-in recorded.
 */
import type { RecordedVtq } from '../thingworx/stand-in.js';
import type { SimulatedFleet } from './fleet.js';
import type { ExpectedReading } from './ledger.js';

/** Lost events named in a report. */
export const DELIVERY_ACCOUNT_DEFAULTS = { examples: 5 } as const;

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
  /** Acknowledged events with at least one expected reading ThingWorx does not hold. Must be 0. */
  lost: number;
  lostExamples: string[];
}

/**
 * Zero loss by the ledger: every event a simulator got acknowledged must be in ThingWorx, reading by
 * reading (an event is its printer's Thing at its device time, which is unique per printer).
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
  let duplicates = 0;
  const lostExamples: string[] = [];
  for (const readings of events.values()) {
    const held = readings.map((r) => recorded.get(rowKey(r.thing, r.item, r.time)) ?? []);
    const missingAt = held.findIndex((values) => values.length === 0);
    if (missingAt >= 0) {
      lost += 1;
      const missing = readings[missingAt]!;
      if (lostExamples.length < DELIVERY_ACCOUNT_DEFAULTS.examples) {
        lostExamples.push(`${missing.printer} ${missing.source} ${missing.item}@${missing.time}`);
      }
    }
    if (readings.some((r, i) => held[i]!.filter((value) => value === r.value).length > 1)) duplicates += 1;
  }
  const { sent, acked } = eventTotals(fleet);
  return { sent, acked, delivered: acked - lost, duplicates, lost, lostExamples };
}

/** Events handed over and events acknowledged, all printers and sources together, by the ledger. */
export function eventTotals(fleet: SimulatedFleet): { sent: number; acked: number } {
  const { filebeat, metricbeat, push } = fleet.counters().totals;
  return {
    sent: filebeat.events_sent + metricbeat.events_sent + push.events_sent,
    acked: filebeat.events_acked + metricbeat.events_acked + push.events_acked,
  };
}

