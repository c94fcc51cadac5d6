import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import test from 'ava';
import { DeliveryEngine } from '../../actors/uplink/delivery-engine.js';
import { silentLogger } from '../../config/logging.js';
import type { UplinkNotice } from '../../actors/uplink/messages.js';
import type { Reading } from '../../domain/readings.js';
import { actorAddress } from '../../supervision/index.js';
import { FakeClock } from './fake-clock.js';
import { ScriptedTransport } from './scripted-transport.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ITEMS = ['VatTemperature', 'ChamberTemperature', 'ChamberHumidity', 'LaserPower', 'ResinLevel', 'Layer'];
const THINGS = Array.from({ length: 20 }, (_, i) => `Printer${String(i + 1).padStart(2, '0')}`);
const READINGS = 60_000;
const PER_BATCH = 100;
/** A log line or push message carries several readings under one event id (the profiled mix: about five). */
const TYPICAL_READINGS_PER_EVENT = 5;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Queues READINGS readings during an outage (the session never connects) and returns heap bytes per reading.
 * readingsPerEvent: 0 for readings without event ids (polls).
 */
function measure(readingsPerEvent: number): { measured: number; estimated: number } {
  const engine = new DeliveryEngine({
    transport: new ScriptedTransport(),
    sessionCheckThing: 'Adapter',
    limits: { maxQueuedReadings: READINGS, maxQueuedBytes: 1024 * 1024 * 1024, perThingShare: 1, alertReserve: 0 },
    logger: silentLogger(),
    clock: new FakeClock(),
    onDelivered: () => {},
  });
  const before = heapAfterGc();
  let offset = 0;
  for (let b = 0; b < READINGS / PER_BATCH; b++) {
    const thing = THINGS[b % THINGS.length] ?? 'Printer01';
    const readings: Reading[] = [];
    for (let i = 0; i < PER_BATCH; i++) {
      if (readingsPerEvent === 0 || i % readingsPerEvent === 0) offset += 73;
      const reading: Reading = {
        printer: thing,
        item: ITEMS[i % ITEMS.length] ?? 'Layer',
        value: 20 + Math.random() * 10,
        unit: 'C',
        time: 1_764_238_502_123 + offset + i,
        receivedAt: 1_764_238_502_200 + offset,
        quality: 'GOOD',
        source: 'filebeat',
      };
      if (readingsPerEvent > 0) reading.eventId = `${thing}/filebeat//var/log/printer.log@${offset}`;
      readings.push(reading);
    }
    const result = engine.offer({
      batchId: `b${b}`,
      sender: actorAddress<UplinkNotice>(`collector/${thing}`),
      thing,
      lane: 'event',
      readings,
    });
    if (result.kind !== 'accepted') throw new Error(`batch ${b} not accepted: ${JSON.stringify(result)}`);
  }
  const after = heapAfterGc();
  const status = engine.status();
  if (status.queue.readings !== READINGS) throw new Error('not everything queued');
  return { measured: (after - before) / READINGS, estimated: status.queue.bytes / READINGS };
}

test('heap per queued reading during an outage stays well under 1 KB', (t) => {
  measure(1); // warm up code paths so compilation is not counted
  const perReading = new Map<number, number>();
  for (const readingsPerEvent of [0, TYPICAL_READINGS_PER_EVENT, 1]) {
    const { measured, estimated } = measure(readingsPerEvent);
    perReading.set(readingsPerEvent, measured);
    t.log(
      `${readingsPerEvent === 0 ? 'without eventId' : `${readingsPerEvent} reading(s) per event`}: ` +
        `${Math.round(measured)} B measured, ${Math.round(estimated)} B estimated per queued reading`,
    );
    t.true(measured > 0 && measured < 1024, `${measured} B per reading`);
  }
  // Duplicate bookkeeping is per event: readings sharing an event id share its cost.
  t.true((perReading.get(TYPICAL_READINGS_PER_EVENT) ?? 0) < (perReading.get(1) ?? 0));
});
