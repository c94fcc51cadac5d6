import { baseTypeOfCode, type DecodedRows, qualityOfCode, type RecordedVtq, type VtqValue } from './infotable-decoder.js';

export type { RecordedVtq } from './infotable-decoder.js';

type Via = RecordedVtq['via'];

/** One accepted row, as it is stored: its Thing, property, value (a string, a number, a boolean) and time. */
export type RowListener = (thing: string, name: string, value: VtqValue, time: number) => void;

/** Held rows' Thing, property, time and arrival, column by column: what a benchmark checks, without a record per row. */
export interface RecordColumns {
  things: string[];
  names: string[];
  thingIndex: Uint32Array;
  nameIndex: Uint32Array;
  time: Float64Array;
  arrivedAt: Float64Array;
}

const VIA_SHIFT = 5;
const STRING_CODE = 2;
const BOOLEAN_CODE = 3;
const INITIAL_CAPACITY = 4096;
/** In a Thing's latest-row list: no row of that property yet / its row was evicted (see `retained`). */
const NO_ROW = -2;
const EVICTED_ROW = -1;

function recordOf(name: string, value: VtqValue, code: number, time: number, thing: string, arrivedAt: number): RecordedVtq {
  const via: Via = code >> VIA_SHIFT === 0 ? 'UpdatePropertyValues' : 'PUT';
  return { name, value, baseType: baseTypeOfCode(code), time, quality: qualityOfCode(code), thing, arrivedAt, via };
}

/** Strings stored once, by number. */
class StringTable {
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  idOf(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.strings.push(text) - 1;
      this.ids.set(text, id);
    }
    return id;
  }

  find(text: string): number | undefined {
    return this.ids.get(text);
  }

  clear(): void {
    this.strings.length = 0;
    this.ids.clear();
  }
}

/**
 * Everything the stand-in accepted, in arrival order, and each property's latest value. Rows are held
 * column by column in typed arrays, not as an object each: a benchmark holds hundreds of thousands of
 * them, and as objects the garbage collector copied and marked every one (a third of the stand-in's
 * CPU). `records` makes the objects when someone reads them. The record list is capped so a long demo
 * run stays bounded: past the cap the oldest tenth is evicted and counted.
 */
export class ThingStore {
  /** Rows evicted since the last clear. */
  evicted = 0;
  private size = 0;
  private thingIds = new Uint32Array(INITIAL_CAPACITY);
  private nameIds = new Uint32Array(INITIAL_CAPACITY);
  /** Numbers, booleans as 0/1; for a STRING row, the absolute number of its value in `strings`. */
  private numbers = new Float64Array(INITIAL_CAPACITY);
  private times = new Float64Array(INITIAL_CAPACITY);
  private arrivals = new Float64Array(INITIAL_CAPACITY);
  /** Base type, quality and how it came in: see rowCode. */
  private codes = new Uint8Array(INITIAL_CAPACITY);
  /** The values of STRING rows only, in row order: most rows hold none, and a slot per row grew and copied a large array. */
  private readonly strings: string[] = [];
  /** STRING values evicted since the last clear: the absolute number of `strings[0]`. */
  private stringsEvicted = 0;
  private readonly things = new StringTable();
  private readonly names = new StringTable();
  /** Per Thing, by name id: the absolute number (evicted + index) of the property's latest row. */
  private readonly latest = new Map<string, number[]>();
  /** Latest rows that were evicted, kept as records. */
  private readonly retained = new Map<string, Map<string, RecordedVtq>>();
  /** The records read so far, extended when read again: the same array throughout, as a live list was. */
  private readonly view: RecordedVtq[] = [];

  constructor(
    private readonly maxRecords: number,
    private readonly onRow?: RowListener,
  ) {}

  /** Rows held. */
  get length(): number {
    return this.size;
  }

  /** Every held row as a record, in arrival order. */
  get records(): readonly RecordedVtq[] {
    for (let index = this.view.length; index < this.size; index++) this.view.push(this.recordAt(index));
    return this.view;
  }

  /** Copies of the columns a benchmark reads, for every held row in arrival order. */
  columns(): RecordColumns {
    return {
      things: [...this.things.strings],
      names: [...this.names.strings],
      thingIndex: this.thingIds.slice(0, this.size),
      nameIndex: this.nameIds.slice(0, this.size),
      time: this.times.slice(0, this.size),
      arrivedAt: this.arrivals.slice(0, this.size),
    };
  }

  /** Keeps the rows of one request, all for one Thing. */
  add(thing: string, arrivedAt: number, via: Via, rows: DecodedRows): void {
    const thingId = this.things.idOf(thing);
    let latest = this.latest.get(thing);
    if (!latest) {
      latest = [];
      this.latest.set(thing, latest);
    }
    const count = rows.count;
    this.reserve(this.size + count);
    const viaBits = (via === 'PUT' ? 1 : 0) << VIA_SHIFT;
    const start = this.size;
    for (let row = 0; row < count; row++) {
      const at = start + row;
      const nameId = this.names.idOf(rows.names[row] as string);
      this.thingIds[at] = thingId;
      this.nameIds[at] = nameId;
      const code = rows.codes[row] as number;
      if ((code & 7) === STRING_CODE) {
        this.numbers[at] = this.stringsEvicted + this.strings.length;
        this.strings.push(rows.texts[row] as string);
      } else {
        this.numbers[at] = rows.numbers[row] as number;
      }
      this.times[at] = rows.times[row] as number;
      this.arrivals[at] = arrivedAt;
      this.codes[at] = code | viaBits;
      while (latest.length <= nameId) latest.push(NO_ROW);
      latest[nameId] = this.evicted + at;
      if (this.onRow) {
        const base = code & 7;
        const value =
          base === STRING_CODE
            ? (rows.texts[row] as string)
            : base === BOOLEAN_CODE
              ? rows.numbers[row] !== 0
              : (rows.numbers[row] as number);
        this.onRow(thing, rows.names[row] as string, value, rows.times[row] as number);
      }
    }
    this.size += count;
    if (this.size > this.maxRecords) this.evict(this.size - this.maxRecords + Math.ceil(this.maxRecords / 10));
  }

  latestValue(thing: string, property: string): RecordedVtq | undefined {
    const nameId = this.names.find(property);
    const row = nameId === undefined ? undefined : this.latest.get(thing)?.[nameId];
    if (row === undefined || row === NO_ROW) return undefined;
    if (row === EVICTED_ROW) return this.retained.get(thing)?.get(property);
    return this.recordAt(row - this.evicted);
  }

  clear(): void {
    this.size = 0;
    this.evicted = 0;
    this.strings.length = 0;
    this.stringsEvicted = 0;
    this.view.length = 0;
    this.things.clear();
    this.names.clear();
    this.latest.clear();
    this.retained.clear();
  }

  private recordAt(index: number): RecordedVtq {
    const code = this.codes[index] as number;
    const baseType = code & 7;
    const number = this.numbers[index] as number;
    const value =
      baseType === STRING_CODE ? (this.strings[number - this.stringsEvicted] as string) : baseType === BOOLEAN_CODE ? number !== 0 : number;
    const thing = this.things.strings[this.thingIds[index] as number] as string;
    const name = this.names.strings[this.nameIds[index] as number] as string;
    return recordOf(name, value, code, this.times[index] as number, thing, this.arrivals[index] as number);
  }

  private reserve(rows: number): void {
    if (rows <= this.codes.length) return;
    let capacity = this.codes.length * 2;
    while (capacity < rows) capacity *= 2;
    const grown = <T extends Float64Array | Uint32Array | Uint8Array>(column: T, make: (size: number) => T): T => {
      const next = make(capacity);
      next.set(column.subarray(0, this.size));
      return next;
    };
    this.thingIds = grown(this.thingIds, (size) => new Uint32Array(size));
    this.nameIds = grown(this.nameIds, (size) => new Uint32Array(size));
    this.numbers = grown(this.numbers, (size) => new Float64Array(size));
    this.times = grown(this.times, (size) => new Float64Array(size));
    this.arrivals = grown(this.arrivals, (size) => new Float64Array(size));
    this.codes = grown(this.codes, (size) => new Uint8Array(size));
  }

  /** Drops the oldest `count` rows; a property whose latest row goes keeps it as a record. */
  private evict(count: number): void {
    const firstKept = this.evicted + count;
    for (const [thing, latest] of this.latest) {
      for (let nameId = 0; nameId < latest.length; nameId++) {
        const row = latest[nameId] as number;
        if (row < 0 || row >= firstKept) continue;
        let retained = this.retained.get(thing);
        if (!retained) {
          retained = new Map();
          this.retained.set(thing, retained);
        }
        retained.set(this.names.strings[nameId] as string, this.recordAt(row - this.evicted));
        latest[nameId] = EVICTED_ROW;
      }
    }
    let evictedStrings = 0;
    for (let index = 0; index < count; index++) if (((this.codes[index] as number) & 7) === STRING_CODE) evictedStrings++;
    for (const column of [this.thingIds, this.nameIds, this.numbers, this.times, this.arrivals, this.codes])
      column.copyWithin(0, count, this.size);
    this.strings.splice(0, evictedStrings);
    this.stringsEvicted += evictedStrings;
    this.view.splice(0, Math.min(count, this.view.length));
    this.size -= count;
    this.evicted += count;
  }
}
