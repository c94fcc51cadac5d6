import type { UplinkLimits } from './limits.js';
import type { Lane } from './queued-row.js';

export interface QueueUsage {
  readings: number;
  bytes: number;
}

export type BusyReason = 'queue-readings-full' | 'queue-bytes-full' | 'thing-share-full' | 'stopping';

export type RoomVerdict = { kind: 'fits' } | { kind: 'busy'; reason: BusyReason };

/** A fraction of a limit, at least one. */
function shareOf(limit: number, share: number): number {
  return Math.max(1, Math.floor(limit * share));
}

/** What a lane may fill, all Things together: routine lanes leave the alert reserve free. */
export function laneCap(limits: UplinkLimits, lane: Lane): QueueUsage {
  const share = laneShare(limits, lane);
  return { readings: shareOf(limits.maxQueuedReadings, share), bytes: shareOf(limits.maxQueuedBytes, share) };
}

/** What one Thing may hold, so a Thing that cannot be delivered to leaves room for the others. */
export function thingCap(limits: UplinkLimits): QueueUsage {
  return {
    readings: shareOf(limits.maxQueuedReadings, limits.perThingShare),
    bytes: shareOf(limits.maxQueuedBytes, limits.perThingShare),
  };
}

function laneShare(limits: UplinkLimits, lane: Lane): number {
  return lane === 'alert' ? 1 : 1 - limits.alertReserve;
}

// Checked on every offer: the common verdicts are shared, not built each time.
const FITS: RoomVerdict = Object.freeze({ kind: 'fits' });
const BUSY: Readonly<Record<Exclude<BusyReason, 'stopping'>, RoomVerdict>> = Object.freeze({
  'queue-readings-full': Object.freeze({ kind: 'busy', reason: 'queue-readings-full' }),
  'queue-bytes-full': Object.freeze({ kind: 'busy', reason: 'queue-bytes-full' }),
  'thing-share-full': Object.freeze({ kind: 'busy', reason: 'thing-share-full' }),
});

/** More than one Thing may queue in its lane: such a batch is only admitted alone (see checkRoom). */
export function isOversized(limits: UplinkLimits, lane: Lane, need: QueueUsage): boolean {
  const lanes = laneCap(limits, lane);
  const thing = thingCap(limits);
  return need.readings > Math.min(lanes.readings, thing.readings) || need.bytes > Math.min(lanes.bytes, thing.bytes);
}

/**
 * All or nothing: does `need` fit beside what is queued in total and for its Thing? Pure.
 *
 * A batch larger than a Thing's share (a large Beats window: up to maxWindowEvents lines, each
 * several readings) is admitted alone, once its Thing holds nothing and its lane has room. Refusing
 * it for good would leave the collector two bad choices: acknowledge events ThingWorx never got, or
 * have the Beat re-send a window that can never fit. Its overshoot is bounded by what one window may
 * decode to, which the listeners' byte budget already holds in memory.
 */
export function checkRoom(limits: UplinkLimits, lane: Lane, total: QueueUsage, thing: QueueUsage, need: QueueUsage): RoomVerdict {
  const share = laneShare(limits, lane);
  const laneReadings = shareOf(limits.maxQueuedReadings, share);
  const laneBytes = shareOf(limits.maxQueuedBytes, share);
  const thingReadings = shareOf(limits.maxQueuedReadings, limits.perThingShare);
  const thingBytes = shareOf(limits.maxQueuedBytes, limits.perThingShare);
  if (isOversized(limits, lane, need)) {
    if (thing.readings > 0 || thing.bytes > 0) return BUSY['thing-share-full'];
    if (total.readings >= laneReadings) return BUSY['queue-readings-full'];
    if (total.bytes >= laneBytes) return BUSY['queue-bytes-full'];
    return FITS;
  }
  if (total.readings + need.readings > laneReadings) return BUSY['queue-readings-full'];
  if (total.bytes + need.bytes > laneBytes) return BUSY['queue-bytes-full'];
  if (thing.readings + need.readings > thingReadings || thing.bytes + need.bytes > thingBytes) {
    return BUSY['thing-share-full'];
  }
  return FITS;
}
