import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import test from 'ava';
import { DeliveryEngine } from '../../actors/uplink/delivery-engine.js';
import { silentLogger } from '../../config/logging.js';
import type { Reading } from '../../protocols/readings.js';
import { FakeClock } from './fake-clock.js';
import { ScriptedTransport } from './scripted-transport.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ITEMS = ['VatTemperature', 'ChamberTemperature', 'ChamberHumidity', 'LaserPower', 'ResinLevel', 'Layer'];
const THINGS = Array.from({ length: 20 }, (_, i) => `Printer${String(i + 1).padStart(2, '0')}`);
const READINGS = 60_000;
const PER_BATCH = 100;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Queues READINGS readings during an outage (the session never connects) and returns heap bytes per reading. */
function measure(withEventIds: boolean): { measured: number; estimated: number } {
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
      offset += 73;
      const reading: Reading = {
        printer: thing,
        item: ITEMS[i % ITEMS.length] ?? 'Layer',
        value: 20 + Math.random() * 10,
        unit: 'C',
        time: 1_764_238_502_123 + offset,
        receivedAt: 1_764_238_502_200 + offset,
        quality: 'GOOD',
        source: 'filebeat',
      };
      if (withEventIds) reading.eventId = `${thing}/filebeat//var/log/printer.log@${offset}`;
      readings.push(reading);
    }
    const result = engine.offer({ batchId: `b${b}`, sender: `collector/${thing}`, thing, lane: 'event', readings });
    if (result.kind !== 'accepted') throw new Error(`batch ${b} not accepted: ${JSON.stringify(result)}`);
  }
  const after = heapAfterGc();
  const status = engine.status();
  if (status.queue.readings !== READINGS) throw new Error('not everything queued');
  return { measured: (after - before) / READINGS, estimated: status.queue.bytes / READINGS };
}

test('heap per queued reading during an outage stays well under 1 KB', (t) => {
  measure(false); // warm up code paths so compilation is not counted
  for (const withEventIds of [false, true]) {
    const { measured, estimated } = measure(withEventIds);
    t.log(
      `${withEventIds ? 'with eventId (dedupe index)' : 'without eventId'}: ` +
        `${Math.round(measured)} B measured, ${Math.round(estimated)} B estimated per queued reading`,
    );
    t.true(measured > 0 && measured < 1024, `${measured} B per reading`);
  }
});
