/**
 * The real uplink actor with transport: alwayson, over wss on loopback against the stand-in's AlwaysOn endpoint.
 * The stand-in drops every session twice mid-stream; the uplink must reconnect, re-AUTH, re-BIND and deliver every
 * accepted reading (zero loss), and a re-sent window after that must be acknowledged without reaching ThingWorx again.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import test from 'ava';
import { adapterEnvironment } from '../../../actors/adapter.js';
import { ADAPTER_PATH, UPLINK_PATH } from '../../../actors/paths.js';
import type { UplinkBatch } from '../../../actors/uplink/batch.js';
import { uplinkBehaviour } from '../../../actors/uplink/behaviour.js';
import type { UplinkMessage, UplinkNotice } from '../../../actors/uplink/messages.js';
import type { Reading } from '../../../domain/readings.js';
import { startThingworxStandIn } from '../../../sim/thingworx/stand-in.js';
import { actorAddress, type Behaviour, startTree, supervisorSpec, workerSpec } from '../../../supervision/index.js';
import { quietLogger, testAdapterConfig } from '../../actors/support.js';
import { createTestPki, type TestPki } from '../../support/certs.js';
import { ADAPTER_TREE_DEFAULTS } from '../../../config/defaults.js';
import { until } from '../../support/until.js';

const SENDER_PATH = actorAddress<UplinkNotice>(`${ADAPTER_PATH}/sender`);
const DEVICE_EPOCH = Date.UTC(2026, 10, 27, 10, 0, 0);
const PRINTERS = ['p01', 'p02'] as const;
const READINGS_PER_BATCH = 20;
const BATCHES = 60;
/** Readings of one log line share an event id: the duplicate filter works per event. */
const READINGS_PER_LINE = 4;

let pki: TestPki;
test.before(() => {
  pki = createTestPki();
});
test.after.always(() => pki?.cleanup());

const waitFor = (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> =>
  until(condition, { what, timeoutMs, everyMs: 25 });

function batchOf(printer: string, index: number): UplinkBatch {
  const readings: Reading[] = [];
  for (let i = 0; i < READINGS_PER_BATCH; i++) {
    const seq = index * READINGS_PER_BATCH + i;
    readings.push({
      printer,
      item: ['VatTemperature', 'ResinLevel', 'JobState', 'DoorOpen'][seq % 4] ?? 'VatTemperature',
      value: seq % 4 === 2 ? `job-${seq}` : seq % 4 === 3 ? seq % 2 === 0 : seq + 0.5,
      time: DEVICE_EPOCH + seq,
      receivedAt: Date.now(),
      quality: 'GOOD',
      source: 'filebeat',
      eventId: `${printer}/filebeat//var/log/printer.log@${seq - (seq % READINGS_PER_LINE)}`,
    });
  }
  return { batchId: `b${index}`, sender: SENDER_PATH, thing: `Printer-${printer}`, lane: 'event', readings };
}

test('through the real uplink: two session drops mid-stream, zero loss, re-sent windows suppressed', async (t) => {
  const appKey = `twx-${randomBytes(12).toString('hex')}`;
  const standIn = await startThingworxStandIn({
    appKey,
    things: ['Adapter-test', ...PRINTERS.map((p) => `Printer-${p}`)],
    tls: { cert: pki.serverCert, key: pki.serverKey },
  });
  t.teardown(() => standIn.stop());
  standIn.faults.setLatency(5);
  const appKeyFile = join(pki.dir, 'alwayson-app-key');
  await writeFile(appKeyFile, `${appKey}\n`, { mode: 0o600 });
  const config = testAdapterConfig(
    { thingworxUrl: standIn.url, printers: PRINTERS.map((id, i) => ({ id, family: 'projet-6k', pipPort: 7101 + i })) },
    {
      thingworx: {
        url: standIn.url,
        transport: 'alwayson',
        appKey: { file: appKeyFile },
        tls: { caFile: pki.caCertFile, allowSelfSigned: false, allowInsecureHttp: false },
        alwaysOn: { pingIntervalMs: 1_000, pongTimeoutMs: 2_000, reconnectJitterMs: 100, reconnectMinMs: 100, reconnectMaxMs: 500 },
        requestTimeoutMs: 5_000,
        healthIntervalMs: 60_000,
      },
      uplink: { flushIntervalMs: 20, backoff: { minMs: 50, maxMs: 500 } },
    },
  );
  const delivered = new Map<string, number>();
  const answers = new Map<string, string>();
  const sender: Behaviour<null, UplinkNotice> = {
    init: () => null,
    handle(state, notice) {
      if (notice.type === 'Delivered') delivered.set(notice.batchId, (delivered.get(notice.batchId) ?? 0) + 1);
      if (notice.type === 'OfferAnswered') answers.set(notice.batchId, notice.result.kind);
      return state;
    },
  };
  const tree = await startTree(
    supervisorSpec(ADAPTER_PATH, { strategy: 'one_for_one', intensity: 10, periodMs: 10_000 }, [
      workerSpec('sender', sender),
      workerSpec('uplink', uplinkBehaviour(adapterEnvironment(config)), {
        restart: 'temporary',
        shutdownMs: ADAPTER_TREE_DEFAULTS.uplinkShutdownMs,
      }),
    ]),
    { logger: quietLogger() },
  );
  t.teardown(() => tree.stop());
  const offer = (batch: UplinkBatch): void => {
    const message: UplinkMessage = { type: 'Offer', batch };
    if (!tree.registry.tell(UPLINK_PATH, message)) throw new Error('the uplink is not running');
  };
  const status = () => tree.registry.ask(UPLINK_PATH, { type: 'Describe' }, 5_000);

  await waitFor('the session', async () => (await status()).transportSession?.state === 'open');
  for (let index = 0; index < BATCHES; index++) {
    offer(batchOf(PRINTERS[index % 2] as string, index));
    if (index === 20 || index === 40) standIn.alwaysOn.dropSessions();
    // Pacing, not a wait: spreads the offers so that the dropped sessions cut through a flow of them.
    await delay(10);
  }
  await waitFor('every batch delivered', () => delivered.size === BATCHES);
  t.true([...answers.values()].every((kind) => kind === 'accepted'));

  // Zero loss: every reading offered is at the stand-in.
  const times = new Set(standIn.records.map((r) => `${r.thing}@${r.time}`));
  for (let index = 0; index < BATCHES; index++) {
    for (let i = 0; i < READINGS_PER_BATCH; i++) {
      const key = `Printer-${PRINTERS[index % 2]}@${DEVICE_EPOCH + index * READINGS_PER_BATCH + i}`;
      if (!times.has(key)) t.fail(`lost ${key}`);
    }
  }
  const after = await status();
  t.true(standIn.alwaysOn.counters.dropped >= 2);
  t.true((after.transportSession?.reconnects ?? 0) >= 2, 'reconnected after each drop');
  t.true(standIn.alwaysOn.counters.auths >= 3, 're-AUTHed');
  t.deepEqual(after.transportSession?.boundThings, ['Adapter-test', 'Printer-p01', 'Printer-p02'], 're-BOUND');
  t.is(after.counters.deliveredReadings, BATCHES * READINGS_PER_BATCH);

  // A window re-sent after delivery (a Beat reconnecting) is acknowledged without a call.
  const rowsBefore = standIn.records.length;
  const resent = 10;
  for (let index = 0; index < resent; index++) offer({ ...batchOf(PRINTERS[index % 2] as string, index), batchId: `again-${index}` });
  await waitFor('the re-sent windows acknowledged', () => [...delivered.keys()].filter((id) => id.startsWith('again-')).length === resent);
  t.is(standIn.records.length, rowsBefore, 'nothing was sent twice');
  t.is((await status()).counters.duplicatesSuppressed, resent * READINGS_PER_BATCH, 'counted in readings');
  t.log(`rows at the stand-in ${rowsBefore} for ${BATCHES * READINGS_PER_BATCH} offered (a drop after recording re-sends)`);
});
