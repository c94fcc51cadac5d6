import type { UplinkLimits } from './limits.js';
import type { Lane } from './queued-row.js';

export interface QueueUsage {
  readings: number;
  bytes: number;
}

export type BusyReason = 'queue-readings-full' | 'queue-bytes-full' | 'thing-share-full' | 'stopping';

export type RoomVerdict =
  | { kind: 'fits' }
  | { kind: 'busy'; reason: BusyReason }
  /** The batch could never fit, so `busy` would stall its sender forever. */
  | { kind: 'too-large'; detail: string };

/** What a lane may fill, all Things together: routine lanes leave the alert reserve free. */
export function laneCap(limits: UplinkLimits, lane: Lane): QueueUsage {
  const share = lane === 'alert' ? 1 : 1 - limits.alertReserve;
  return {
    readings: Math.max(1, Math.floor(limits.maxQueuedReadings * share)),
    bytes: Math.max(1, Math.floor(limits.maxQueuedBytes * share)),
  };
}

/** What one Thing may hold, so a Thing that cannot be delivered to leaves room for the others. */
export function thingCap(limits: UplinkLimits): QueueUsage {
  return {
    readings: Math.max(1, Math.floor(limits.maxQueuedReadings * limits.perThingShare)),
    bytes: Math.max(1, Math.floor(limits.maxQueuedBytes * limits.perThingShare)),
  };
}

/** All or nothing: does `need` fit beside what is queued in total and for its Thing? Pure. */
export function checkRoom(
  limits: UplinkLimits,
  lane: Lane,
  total: QueueUsage,
  thing: QueueUsage,
  need: QueueUsage,
): RoomVerdict {
  const lanes = laneCap(limits, lane);
  const perThing = thingCap(limits);
  const maxReadings = Math.min(lanes.readings, perThing.readings);
  const maxBytes = Math.min(lanes.bytes, perThing.bytes);
  if (need.readings > maxReadings) {
    return { kind: 'too-large', detail: `${need.readings} readings exceed the ${maxReadings} one Thing may queue` };
  }
  if (need.bytes > maxBytes) {
    return { kind: 'too-large', detail: `~${need.bytes} bytes exceed the ${maxBytes} one Thing may queue` };
  }
  if (total.readings + need.readings > lanes.readings) return { kind: 'busy', reason: 'queue-readings-full' };
  if (total.bytes + need.bytes > lanes.bytes) return { kind: 'busy', reason: 'queue-bytes-full' };
  if (thing.readings + need.readings > perThing.readings || thing.bytes + need.bytes > perThing.bytes) {
    return { kind: 'busy', reason: 'thing-share-full' };
  }
  return { kind: 'fits' };
}
