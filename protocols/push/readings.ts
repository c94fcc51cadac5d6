import type { Reading } from '../../domain/readings.js';
import type { PushDelivery } from './connection.js';

/**
 * The readings of one push message in the internal representation. They share one event id (the message is one
 * event); it carries seq and time, which a re-sent message repeats, so the uplink can drop the duplicate after a
 * reconnect. With `itemNames` (the catalog's), a known item name is that shared string rather than the parsed one.
 */
export function pushReadings(
  delivery: Omit<PushDelivery, 'handle' | 'connectionId'>,
  receivedAt: number,
  itemNames?: ReadonlyMap<string, string>,
): Reading[] {
  const eventId = `${delivery.printerId}/push/${delivery.seq}@${delivery.time}`;
  const readings: Reading[] = [];
  for (const reading of delivery.readings) {
    // One literal with `unit` always present (undefined when the printer sent none): every push reading then has
    // one hidden class, which keeps the property reads downstream monomorphic.
    readings.push({
      printer: delivery.printerId,
      item: itemNames?.get(reading.item) ?? reading.item,
      value: reading.value,
      unit: reading.unit,
      time: delivery.time,
      receivedAt,
      quality: 'GOOD',
      source: 'push',
      eventId,
    });
  }
  return readings;
}
