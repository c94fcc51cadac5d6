import type { RecordedVtq } from './infotable-decoder.js';

export type { RecordedVtq } from './infotable-decoder.js';

/**
 * Everything the stand-in accepted, in arrival order, and each property's latest value. The record
 * list is capped so a long demo run stays bounded: past the cap the oldest tenth is evicted and counted.
 */
export class ThingStore {
  readonly records: RecordedVtq[] = [];
  evicted = 0;
  private readonly latest = new Map<string, Map<string, RecordedVtq>>();

  constructor(private readonly maxRecords: number) {}

  /** Keeps the records themselves (no copy): they were decoded for this store, all for one Thing. */
  add(thing: string, records: readonly RecordedVtq[]): void {
    let properties = this.latest.get(thing);
    if (!properties) {
      properties = new Map();
      this.latest.set(thing, properties);
    }
    for (const record of records) {
      // A kept record shares its name with the property's previous one: the copy parsed from this
      // request dies young instead of being kept once per record (a benchmark keeps hundreds of thousands).
      const previous = properties.get(record.name);
      if (previous !== undefined) record.name = previous.name;
      this.records.push(record);
      properties.set(record.name, record);
    }
    if (this.records.length > this.maxRecords) {
      const excess = this.records.length - this.maxRecords + Math.ceil(this.maxRecords / 10);
      this.records.splice(0, excess);
      this.evicted += excess;
    }
  }

  latestValue(thing: string, property: string): RecordedVtq | undefined {
    return this.latest.get(thing)?.get(property);
  }

  clear(): void {
    this.records.length = 0;
    this.evicted = 0;
    this.latest.clear();
  }
}
