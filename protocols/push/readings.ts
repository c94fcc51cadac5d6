import type { Reading } from '../readings.js';
import type { PushDelivery } from './connection.js';

/**
 * The readings of one push message in the internal representation. The event id carries seq and
 * time, which a re-sent message repeats, so the uplink can drop the duplicate after a reconnect.
 */
export function pushReadings(delivery: Omit<PushDelivery, 'ack' | 'connectionId'>, receivedAt: number): Reading[] {
  return delivery.readings.map((reading) => ({
    printer: delivery.printerId,
    item: reading.item,
    value: reading.value,
    ...(reading.unit === undefined ? {} : { unit: reading.unit }),
    time: delivery.time,
    receivedAt,
    quality: 'GOOD',
    source: 'push',
    eventId: `${delivery.printerId}/push/${delivery.seq}@${delivery.time}#${reading.item}`,
  }));
}
