import type { ActorContext } from '../../supervision/index.js';
import { UPLINK_PATH } from '../paths.js';
import type { OfferResult, UplinkBatch } from './batch.js';

/** When a sender tries again without being told: the uplink is down, or a SpaceAvailable was lost with it. */
export const OUTBOUND_DEFAULTS = { uplinkDownRetryMs: 500, busyRecheckMs: 5_000 } as const;

type EntryState = 'queued' | 'offered' | 'accepted';

interface Entry<S> {
  batch: UplinkBatch;
  source: S;
  state: EntryState;
}

export interface OutboundPorts {
  /** Hands a batch to the uplink; false when no uplink runs now. */
  offer(batch: UplinkBatch): boolean;
  /** Asks to be called back (retry()) after delayMs. */
  retryAfter(delayMs: number): void;
}

/**
 * A sender's side of the delivery protocol (ARCHITECTURE.md §3), the same for every actor that
 * offers batches: batches go to the uplink one at a time in arrival order (so order per Thing holds
 * through Busy), are kept until Delivered, and are offered again when a new uplink starts empty.
 * `S` is whatever the caller must release on delivery (a Beats window, a push message).
 */
export class OutboundBatches<S> {
  readonly #entries = new Map<string, Entry<S>>();
  readonly #ports: OutboundPorts;
  #busy = false;
  #retryPending = false;

  constructor(ports: OutboundPorts) {
    this.#ports = ports;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** True while the uplink said Busy and has not said SpaceAvailable: the sender should hold its sources. */
  get busy(): boolean {
    return this.#busy;
  }

  add(batch: UplinkBatch, source: S): void {
    this.#entries.set(batch.batchId, { batch, source, state: 'queued' });
    this.pump();
  }

  /** The answer to an offer. Returns the entry when the uplink refused it for good. */
  answered(batchId: string, result: OfferResult): { batch: UplinkBatch; source: S; detail: string } | undefined {
    const entry = this.#entries.get(batchId);
    if (entry?.state !== 'offered') return undefined;
    switch (result.kind) {
      case 'accepted':
        entry.state = 'accepted';
        this.pump();
        return undefined;
      case 'busy':
        entry.state = 'queued';
        this.#busy = true;
        this.#retryAfter(OUTBOUND_DEFAULTS.busyRecheckMs);
        return undefined;
      case 'rejected':
        this.#entries.delete(batchId);
        this.pump();
        return { batch: entry.batch, source: entry.source, detail: `${result.reason}: ${result.detail}` };
    }
  }

  /** Every reading of the batch is in ThingWorx: returns what to release. */
  delivered(batchId: string): S | undefined {
    const entry = this.#entries.get(batchId);
    if (!entry) return undefined;
    this.#entries.delete(batchId);
    this.pump();
    return entry.source;
  }

  spaceAvailable(): void {
    this.#busy = false;
    this.pump();
  }

  /** A new uplink has an empty queue: everything not yet delivered is offered again, in order. */
  uplinkRestarted(): void {
    for (const entry of this.#entries.values()) entry.state = 'queued';
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
    const sources = [...this.#entries.values()].map((entry) => entry.source);
    this.#entries.clear();
    return sources;
  }

  // One pending retry at a time, however often the uplink is found missing or busy.
  #retryAfter(delayMs: number): void {
    if (this.#retryPending) return;
    this.#retryPending = true;
    this.#ports.retryAfter(delayMs);
  }

  private pump(): void {
    if (this.#busy) return;
    for (const entry of this.#entries.values()) {
      if (entry.state === 'offered') return;
      if (entry.state !== 'queued') continue;
      if (this.#ports.offer(entry.batch)) {
        entry.state = 'offered';
      } else {
        this.#retryAfter(OUTBOUND_DEFAULTS.uplinkDownRetryMs);
      }
      return;
    }
  }
}

/** An actor's outbound batches, offered to the uplink by path; retries come back as `retryMessage`. */
export function outboundFor<S, M>(ctx: ActorContext<M>, retryMessage: M): OutboundBatches<S> {
  return new OutboundBatches<S>({
    offer: (batch) => ctx.registry.tell(UPLINK_PATH, { type: 'Offer', batch }),
    retryAfter: (delayMs) => {
      ctx.schedule(retryMessage, delayMs);
    },
  });
}
