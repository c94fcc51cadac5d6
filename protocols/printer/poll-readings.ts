import type { Reading } from '../../domain/readings.js';
import type { PipResults } from './results.js';

/** Catalog names of the items a status reply becomes (DATA-ITEMS.md). */
export const STATUS_ITEMS = Object.freeze({
  buildState: 'BuildState',
  jobId: 'JobId',
  layer: 'Layer',
  layerCount: 'LayerCount',
  buildStartedAt: 'BuildStartedAt',
  buildEstimatedEndAt: 'BuildEstimatedEndAt',
});

/** What one poll cycle got back; identify is not here because identity is not a catalogued reading. */
export type PollReplies = Partial<Pick<PipResults, 'status' | 'sensors' | 'consumables'>>;

/**
 * Replies of one poll into readings. PIP/1 replies carry no device time, so `time` is when the reply
 * arrived. Sensor and consumable names pass through as item names; the catalog decides what leaves the adapter.
 */
export function pollReadings(printerId: string, replies: PollReplies, receivedAt: number): Reading[] {
  const readings: Reading[] = [];
  const add = (item: string, value: Reading['value']) =>
    readings.push({ printer: printerId, item, value, time: receivedAt, receivedAt, quality: 'GOOD', source: 'poll' });
  const { status, sensors, consumables } = replies;
  if (status) {
    add(STATUS_ITEMS.buildState, status.state);
    if (status.job) {
      add(STATUS_ITEMS.jobId, status.job.id);
      add(STATUS_ITEMS.layer, status.job.layer);
      add(STATUS_ITEMS.layerCount, status.job.layers);
      add(STATUS_ITEMS.buildStartedAt, status.job.startedAt);
      add(STATUS_ITEMS.buildEstimatedEndAt, status.job.estimatedEndAt);
    }
  }
  for (const [item, value] of Object.entries(sensors ?? {})) add(item, value);
  for (const [item, value] of Object.entries(consumables ?? {})) add(item, value);
  return readings;
}

/**
 * Readings that say "this poll failed": the printer's last good poll readings again, marked BAD at
 * `receivedAt`, so ThingWorx shows them as stale instead of silently current. BuildState is always
 * among them; with no earlier value it is `offline`.
 */
export function badPollReadings(printerId: string, lastGood: readonly Reading[], receivedAt: number): Reading[] {
  const bad: Reading[] = lastGood
    .filter((reading) => reading.printer === printerId && reading.source === 'poll')
    .map((reading) => ({
      printer: printerId,
      item: reading.item,
      value: reading.value,
      ...(reading.unit === undefined ? {} : { unit: reading.unit }),
      time: receivedAt,
      receivedAt,
      quality: 'BAD',
      source: 'poll',
    }));
  if (!bad.some((reading) => reading.item === STATUS_ITEMS.buildState)) {
    bad.push({
      printer: printerId,
      item: STATUS_ITEMS.buildState,
      value: 'offline',
      time: receivedAt,
      receivedAt,
      quality: 'BAD',
      source: 'poll',
    });
  }
  return bad;
}
