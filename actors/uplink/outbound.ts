import type { ActorContext } from '../../supervision/index.js';
import { UPLINK_PATH } from '../paths.js';
import type { OfferResult, UplinkBatch } from './batch.js';
import { resolveUplinkLimits, type UplinkLimitOverrides } from './limits.js';
import { laneCap, thingCap } from './queue-caps.js';
import type { Lane } from './queued-row.js';
import { RowQueue } from './row-queue.js';
import type { Reading } from '../../domain/readings.js';
import { OUTBOUND_DEFAULTS } from '../../config/defaults.js';

export interface OutboundLimits {
  maxCoalescedReadings: number;
}

/** released: delivered, or handed back; it leaves the queue once every entry before it has too. */
type EntryState = 'queued' | 'offered' | 'accepted' | 'released';

interface Entry<S> {
  batch: UplinkBatch;
  source: S;
  state: EntryState;
  /** Offered on its own from now on: an offer that coalesced it was refused for good. */
  alone: boolean;
}

/**
 * What went to the uplink under one batch id: one entry, or several queued ones coalesced. The offered batch itself
 * is not kept: until Delivered the entries hold the readings, and a coalesced copy would only add to what survives.
 */
interface Offer<S> {
  entries: Entry<S>[];
}

export interface RefusedBatch<S> {
  batch: UplinkBatch;
  source: S;
  detail: string;
}

export interface OutboundPorts {
  /** Hands a batch to the uplink; false when no uplink runs now. */
  offer(batch: UplinkBatch): boolean;
  /** Asks to be called back (retry()) after delayMs. */
  retryAfter(delayMs: number): void;
}

/**
 * The coalescing limit for a sender's lane: never more readings than the uplink could ever queue for
 * one Thing, so coalescing never makes an offer that must wait for its Thing to empty (see checkRoom).
 */
export function coalescingLimitFor(uplink: UplinkLimitOverrides, lane: Lane): number {
  const limits = resolveUplinkLimits(uplink);
  return Math.min(OUTBOUND_DEFAULTS.maxCoalescedReadings, laneCap(limits, lane).readings, thingCap(limits).readings);
}

/**
 * A sender's side of the delivery protocol (ARCHITECTURE.md §3), the same for every actor that
 * offers batches: one offer is out at a time, in arrival order (so order per Thing holds through
 * Busy); batches kept until Delivered, and offered again when a new uplink starts empty. Batches
 * that queue up behind an offer go next as one, when they share Thing and lane (bounded by
 * maxCoalescedReadings), so a burst costs one offer and one Delivered instead of one per batch.
 * `S` is whatever the caller must release on delivery (a Beats window, a push message).
 */
export class OutboundBatches<S> {
  /**
   * Held entries in arrival order (a ring: one push per batch, no map entry to add and delete). Mostly released in
   * order; one released out of order is marked and leaves once the entries before it have.
   */
  readonly #entries = new RowQueue<Entry<S>>();
  /** Entries not yet released. */
  #held = 0;
  /** No entry before this index (from the front) is queued: where the search for the next group starts. */
  #scanFrom = 0;
  /** Offers the uplink has not reported Delivered for, by the id they were offered under. */
  readonly #offers = new Map<string, Offer<S>>();
  readonly #ports: OutboundPorts;
  readonly #limits: OutboundLimits;
  /** The offer awaiting its answer; nothing else is offered meanwhile. */
  #outstanding: Offer<S> | undefined;
  #busy = false;
  #retryPending = false;

  constructor(ports: OutboundPorts, limits: OutboundLimits = OUTBOUND_DEFAULTS) {
    this.#ports = ports;
    this.#limits = limits;
  }

  get size(): number {
    return this.#held;
  }

  /** True while the uplink said Busy and has not said SpaceAvailable: the sender should hold its sources. */
  get busy(): boolean {
    return this.#busy;
  }

  add(batch: UplinkBatch, source: S): void {
    this.#entries.push({ batch, source, state: 'queued', alone: false });
    this.#held += 1;
    this.pump();
  }

  /**
   * The answer to an offer. Returns the entry when the uplink refused it for good. A coalesced offer
   * refused for good is split: its batches are offered again one by one, each refused (or not) alone.
   */
  answered(batchId: string, result: OfferResult): RefusedBatch<S> | undefined {
    const offer = this.#offers.get(batchId);
    if (offer === undefined || offer !== this.#outstanding) return undefined;
    this.#outstanding = undefined;
    switch (result.kind) {
      case 'accepted':
        // An entry may have been released meanwhile by a late Delivered under its own id.
        for (const entry of offer.entries) if (entry.state === 'offered') entry.state = 'accepted';
        this.pump();
        return undefined;
      case 'busy':
        this.#offers.delete(batchId);
        this.#requeue(offer.entries, false);
        this.#busy = true;
        this.#retryAfter(OUTBOUND_DEFAULTS.busyRecheckMs);
        return undefined;
      case 'rejected': {
        this.#offers.delete(batchId);
        const [only] = offer.entries;
        if (offer.entries.length === 1 && only !== undefined) {
          const removed = this.#release(only);
          this.pump();
          return removed ? { batch: only.batch, source: only.source, detail: `${result.reason}: ${result.detail}` } : undefined;
        }
        this.#requeue(offer.entries, true);
        this.pump();
        return undefined;
      }
    }
  }

  /** Every reading of the batch is in ThingWorx: returns what to release, in arrival order. */
  delivered(batchId: string): S[] {
    const offer = this.#offers.get(batchId);
    const released: S[] = [];
    if (offer !== undefined) {
      this.#offers.delete(batchId);
      if (this.#outstanding === offer) this.#outstanding = undefined;
      for (const entry of offer.entries) {
        if (this.#release(entry)) released.push(entry.source);
      }
    } else {
      // A batch offered alone before the uplink restarted, delivered late: it is in ThingWorx all the same.
      const entry = this.#heldEntry(batchId);
      if (entry !== undefined && this.#release(entry)) released.push(entry.source);
    }
    this.pump();
    return released;
  }

  spaceAvailable(): void {
    this.#busy = false;
    this.pump();
  }

  /** A new uplink has an empty queue: everything not yet delivered is offered again, in order. */
  uplinkRestarted(): void {
    for (const entry of this.#entries) if (entry.state !== 'released') entry.state = 'queued';
    this.#scanFrom = 0;
    this.#offers.clear();
    this.#outstanding = undefined;
    this.#busy = false;
    this.pump();
  }

  /** The callback asked for with retryAfter. */
  retry(): void {
    this.#retryPending = false;
    this.#busy = false;
    this.pump();
  }

  /** Everything still held (for a sender that stops: it must give its sources back unacknowledged). */
  takeAll(): S[] {
    const sources: S[] = [];
    for (const entry of this.#entries) if (entry.state !== 'released') sources.push(entry.source);
    this.#entries.discardFront(this.#entries.length);
    this.#held = 0;
    this.#scanFrom = 0;
    this.#offers.clear();
    this.#outstanding = undefined;
    return sources;
  }

  // One pending retry at a time, however often the uplink is found missing or busy.
  #retryAfter(delayMs: number): void {
    if (this.#retryPending) return;
    this.#retryPending = true;
    this.#ports.retryAfter(delayMs);
  }

  /** The entries of an offer that was not taken are queued again (and searched from the front). */
  #requeue(entries: readonly Entry<S>[], alone: boolean): void {
    for (const entry of entries) {
      if (entry.state === 'released') continue;
      entry.state = 'queued';
      if (alone) entry.alone = true;
    }
    this.#scanFrom = 0;
  }

  /** The held entry offered under this id on its own; a linear search, for the rare late Delivered. */
  #heldEntry(batchId: string): Entry<S> | undefined {
    for (const entry of this.#entries) {
      if (entry.state !== 'released' && entry.batch.batchId === batchId) return entry;
    }
    return undefined;
  }

  /** False when the entry was already released (a late Delivered under another id). */
  #release(entry: Entry<S>): boolean {
    if (entry.state === 'released') return false;
    entry.state = 'released';
    this.#held -= 1;
    let front = 0;
    while (this.#entries.at(front)?.state === 'released') front += 1;
    if (front > 0) {
      this.#entries.discardFront(front);
      this.#scanFrom = Math.max(0, this.#scanFrom - front);
    }
    return true;
  }

  private pump(): void {
    if (this.#busy || this.#outstanding !== undefined) return;
    const group = this.#nextGroup();
    if (group === undefined) return;
    const batch = coalesce(group);
    if (!this.#ports.offer(batch)) {
      this.#retryAfter(OUTBOUND_DEFAULTS.uplinkDownRetryMs);
      return;
    }
    for (const entry of group) entry.state = 'offered';
    const offer: Offer<S> = { entries: group };
    this.#offers.set(batch.batchId, offer);
    this.#outstanding = offer;
  }

  /**
   * The oldest queued entry, and the queued ones right behind it that may share its offer. An event
   * already in the group ends it: the uplink takes a repeated event in another batch as a re-sent
   * copy (suppressed), but within one batch as more of the same event's readings (sent twice).
   */
  #nextGroup(): Entry<S>[] | undefined {
    const entries = this.#entries;
    let index = this.#scanFrom;
    while (index < entries.length && entries.at(index)?.state !== 'queued') index += 1;
    this.#scanFrom = index;
    const first = entries.at(index);
    if (first === undefined) return undefined;
    const group: Entry<S>[] = [first];
    if (first.alone) return group;
    let readings = first.batch.readings.length;
    let events: Set<string> | undefined;
    for (index += 1; index < entries.length; index++) {
      const entry = entries.at(index) as Entry<S>;
      if (entry.state === 'released') continue;
      const fits =
        entry.state === 'queued' &&
        !entry.alone &&
        entry.batch.thing === first.batch.thing &&
        entry.batch.lane === first.batch.lane &&
        readings + entry.batch.readings.length <= this.#limits.maxCoalescedReadings;
      if (!fits) break;
      if (events === undefined) {
        events = new Set();
        addEventIds(first.batch, events);
      }
      if (sharesAnEvent(entry.batch, events)) break;
      addEventIds(entry.batch, events);
      group.push(entry);
      readings += entry.batch.readings.length;
    }
    return group;
  }
}

/** Adds the batch's event ids to `events` (an event's readings come together, see the engine's #admit). */
function addEventIds(batch: UplinkBatch, events: Set<string>): void {
  let previous: string | undefined;
  for (const { eventId } of batch.readings) {
    if (eventId === undefined || eventId === previous) continue;
    previous = eventId;
    events.add(eventId);
  }
}

function sharesAnEvent(batch: UplinkBatch, events: ReadonlySet<string>): boolean {
  let previous: string | undefined;
  for (const { eventId } of batch.readings) {
    if (eventId === undefined || eventId === previous) continue;
    previous = eventId;
    if (events.has(eventId)) return true;
  }
  return false;
}

/**
 * One batch for a group of entries. A coalesced batch is named after its first and last entry: the
 * name is unique to that range, and the range only loses entries over time, so a Delivered for an
 * earlier offer under the same name releases nothing ThingWorx does not have.
 */
function coalesce<S>(group: readonly Entry<S>[]): UplinkBatch {
  const first = group[0]?.batch;
  const last = group[group.length - 1]?.batch;
  if (first === undefined || last === undefined) throw new Error('coalesce needs at least one batch');
  if (group.length === 1) return first;
  let count = 0;
  for (const entry of group) count += entry.batch.readings.length;
  // Sized once rather than grown by push: a group can hold hundreds of readings.
  const readings = new Array<Reading>(count);
  let at = 0;
  for (const entry of group) {
    for (const reading of entry.batch.readings) readings[at++] = reading;
  }
  return { batchId: `${first.batchId}..${last.batchId}`, sender: first.sender, thing: first.thing, lane: first.lane, readings };
}

/** An actor's outbound batches, offered to the uplink by path; retries come back as `retryMessage`. */
export function outboundFor<S, M>(ctx: ActorContext<M>, retryMessage: M, limits: OutboundLimits = OUTBOUND_DEFAULTS): OutboundBatches<S> {
  return new OutboundBatches<S>(
    {
      offer: (batch) => ctx.registry.tell(UPLINK_PATH, { type: 'Offer', batch }),
      retryAfter: (delayMs) => {
        ctx.schedule(retryMessage, delayMs);
      },
    },
    limits,
  );
}
