/**
 * The adapter's internal representation of one observed value (ARCHITECTURE.md §4).
 * Every source (Beats, push, polls) turns its input into these; the uplink turns them into NamedVTQ rows.
 */
export type Quality = 'GOOD' | 'BAD' | 'UNKNOWN';
export type ReadingSource = 'filebeat' | 'metricbeat' | 'poll' | 'push' | 'health';
export type ReadingValue = number | string | boolean;

/** ThingWorx base types the adapter sends (PROTOCOLS.md §2). */
export type ValueType = 'NUMBER' | 'INTEGER' | 'STRING' | 'BOOLEAN' | 'DATETIME';

export interface Reading {
  /** Configured printer id, e.g. "p01". */
  printer: string;
  /** Catalogued item name, e.g. "VatTemperature"; becomes the ThingWorx property name. */
  item: string;
  value: ReadingValue;
  unit?: string;
  /** Device time, ms since epoch. */
  time: number;
  /** When the adapter received it, ms since epoch. */
  receivedAt: number;
  quality: Quality;
  source: ReadingSource;
  /**
   * Stable id of the originating event (e.g. "p01/filebeat//var/log/printer.log@1234") for duplicate suppression.
   * Every reading of one event (a log line, a push message, a Metricbeat sample) carries the same id, and they travel
   * in one batch: the uplink delivers, suppresses or waits for an event as a whole, so a batch holding an id it has
   * seen is taken as a re-sent copy of that whole event.
   */
  eventId?: string;
}
