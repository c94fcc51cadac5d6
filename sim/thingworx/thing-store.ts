import type { DecodedVtq } from './infotable-decoder.js';

/** One VTQ the stand-in accepted, with where and when it arrived. */
export interface RecordedVtq extends DecodedVtq {
  thing: string;
  /** Stand-in clock (ms since epoch) when the request arrived. */
  arrivedAt: number;
  via: 'UpdatePropertyValues' | 'PUT';
}

/**
 * Everything the stand-in accepted, in arrival order, and each property's latest value. The record
 * list is capped so a long demo run stays bounded: past the cap the oldest tenth is evicted and counted.
 */
export class ThingStore {
  readonly records: RecordedVtq[] = [];
  evicted = 0;
  private readonly latest = new Map<string, Map<string, RecordedVtq>>();

  constructor(private readonly maxRecords: number) {}

  add(thing: string, rows: readonly DecodedVtq[], arrivedAt: number, via: RecordedVtq['via']): void {
    let properties = this.latest.get(thing);
    if (!properties) {
      properties = new Map();
      this.latest.set(thing, properties);
    }
    for (const row of rows) {
      const record: RecordedVtq = { ...row, thing, arrivedAt, via };
      this.records.push(record);
      properties.set(row.name, record);
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
