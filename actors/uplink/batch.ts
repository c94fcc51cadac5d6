import type { Reading } from '../../domain/readings.js';
import type { ActorAddress } from '../../supervision/index.js';
import type { UplinkNotice } from './messages.js';
import type { BusyReason } from './queue-caps.js';
import type { Lane } from './queued-row.js';

/** Who offers batches and hears the uplink's notices about them: a collector, a poller or a health actor. */
export type SenderAddress = ActorAddress<UplinkNotice>;

/** One sender's batch: readings for one Thing, acknowledged as a whole. */
export interface UplinkBatch {
  batchId: string;
  /** Who to tell (the sender's own address, `ctx.self`). */
  sender: SenderAddress;
  thing: string;
  lane: Lane;
  readings: readonly Reading[];
}

export type RejectReason = 'invalid-batch';

export type OfferResult =
  | { kind: 'accepted' }
  /** Hold the source and offer again after onSpaceAvailable(sender). */
  | { kind: 'busy'; reason: BusyReason }
  /** Will never be accepted as it is; do not offer it again. */
  | { kind: 'rejected'; reason: RejectReason; detail: string };

const LANES: ReadonlySet<string> = new Set<Lane>(['alert', 'event', 'state']);

/** The batch names a Thing and a lane (guards untyped callers; readings are checked one by one). */
export function isWellFormedBatch(batch: UplinkBatch): boolean {
  return typeof batch.thing === 'string' && batch.thing !== '' && LANES.has(batch.lane) && Array.isArray(batch.readings);
}

/** A value ThingWorx can take: NaN or Infinity would be sent as null, which it refuses, failing the whole call. */
export function isSendable(reading: Reading): boolean {
  const { value } = reading;
  const valueOk = typeof value === 'number' ? Number.isFinite(value) : typeof value === 'string' || typeof value === 'boolean';
  return valueOk && typeof reading.item === 'string' && reading.item !== '' && Number.isFinite(reading.time);
}
