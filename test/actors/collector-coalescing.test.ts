import test, { type ExecutionContext } from 'ava';
import { adapterEnvironment } from '../../actors/adapter.js';
import { collectorBehaviour } from '../../actors/collector/behaviour.js';
import type { CollectorMessage } from '../../actors/collector/messages.js';
import { collectorPath } from '../../actors/paths.js';
import type { UplinkBatch } from '../../actors/uplink/batch.js';
import type { UplinkMessage, UplinkNotice } from '../../actors/uplink/messages.js';
import { silentLogger } from '../../config/logging.js';
import type { PushDelivery } from '../../protocols/push/connection.js';
import { type Behaviour, startTree, supervisorSpec, type Tree, workerSpec } from '../../supervision/index.js';
import { testAdapterConfig } from './support.js';
import { until as untilCondition } from '../support/until.js';

/** The collector's side of coalescing, with an uplink that records offers and answers only when the test says. */
const PRINTER = 'p01';
const WAIT_MS = 10_000;

function recordingUplink(offers: UplinkBatch[]): Behaviour<undefined, UplinkMessage> {
  return {
    init: () => undefined,
    handle(state, msg) {
      if (msg.type === 'Offer') offers.push(msg.batch);
      return state;
    },
  };
}

const until = (what: string, check: () => boolean): Promise<void> => untilCondition(check, { what, timeoutMs: WAIT_MS });

function pushMessage(seq: number, acked: number[]): PushDelivery {
  return {
    printerId: PRINTER,
    connectionId: 'push-1',
    seq,
    time: 1_764_238_502_000 + seq,
    readings: [
      { item: 'PrintHeadTemperature', value: 60 + seq, unit: '°C' },
      { item: 'WasteLevel', value: seq, unit: '%' },
    ],
    handle: {
      connectionId: 'push-1',
      ack: () => {
        acked.push(seq);
      },
    },
  };
}

async function startCollector(offers: UplinkBatch[]): Promise<Tree> {
  const config = testAdapterConfig({
    thingworxUrl: 'https://127.0.0.1:9',
    printers: [{ id: PRINTER, family: 'mjp', pipPort: 9, pushTokenEnv: 'TEST_PUSH_TOKEN_P01' }],
  });
  const env = adapterEnvironment(config);
  const printer = config.printers[0]!;
  const flags = { intensity: 10, periodMs: 10_000, backoff: { minMs: 10, maxMs: 50 } };
  return startTree(
    supervisorSpec('adapter', flags, [
      workerSpec('uplink', recordingUplink(offers)),
      supervisorSpec('fleet', flags, [supervisorSpec(PRINTER, flags, [workerSpec('collector', collectorBehaviour(env, printer))])]),
    ]),
    { logger: silentLogger() },
  );
}

/** A collector under test: the offers its uplink saw, the push acks it sent, and a checked tell. */
async function collectorRig(t: ExecutionContext) {
  const offers: UplinkBatch[] = [];
  const tree = await startCollector(offers);
  t.teardown(() => tree.stop());
  const { registry } = tree;
  const path = collectorPath(PRINTER);
  const acked: number[] = [];
  const tell = (msg: CollectorMessage) => t.true(registry.tell(path, msg));
  return { offers, registry, path, acked, tell };
}

test('push messages that queue behind an offer go as one batch, and its Delivered acks each of them in arrival order', async (t) => {
  const { offers, registry, path, acked, tell } = await collectorRig(t);

  tell({ type: 'PushReceived', delivery: pushMessage(1, acked) });
  await until('the first offer', () => offers.length === 1);
  for (const seq of [2, 3, 4]) tell({ type: 'PushReceived', delivery: pushMessage(seq, acked) });
  const view = await registry.ask(path, { type: 'Describe' }, WAIT_MS);
  t.is(view.pendingBatches, 4);
  t.is(offers.length, 1, 'one offer out at a time');

  const first = offers[0]!;
  tell({ type: 'OfferAnswered', batchId: first.batchId, result: { kind: 'accepted' } } satisfies UplinkNotice);
  await until('the coalesced offer', () => offers.length === 2);
  const coalesced = offers[1]!;
  t.deepEqual(
    coalesced.readings.map((reading) => [reading.item, reading.value]),
    [2, 3, 4].flatMap((seq) => [
      ['PrintHeadTemperature', 60 + seq],
      ['WasteLevel', seq],
    ]),
  );
  t.not(coalesced.batchId, first.batchId);
  tell({ type: 'OfferAnswered', batchId: coalesced.batchId, result: { kind: 'accepted' } } satisfies UplinkNotice);

  tell({ type: 'Delivered', batchId: coalesced.batchId } satisfies UplinkNotice);
  await until('three acks', () => acked.length === 3);
  t.deepEqual(acked, [2, 3, 4]);
  tell({ type: 'Delivered', batchId: first.batchId } satisfies UplinkNotice);
  await until('the fourth ack', () => acked.length === 4);
  t.deepEqual(acked, [2, 3, 4, 1]);
  const after = await registry.ask(path, { type: 'Describe' }, WAIT_MS);
  t.is(after.pendingBatches, 0);
  t.is(after.dropped.not_sendable, 0);
});

test('a coalesced batch the uplink refuses for good is split, so only the batch that cannot fit is dropped', async (t) => {
  const { offers, registry, path, acked, tell } = await collectorRig(t);

  tell({ type: 'PushReceived', delivery: pushMessage(1, acked) });
  await until('the first offer', () => offers.length === 1);
  tell({ type: 'PushReceived', delivery: pushMessage(2, acked) });
  tell({ type: 'PushReceived', delivery: pushMessage(3, acked) });
  tell({ type: 'OfferAnswered', batchId: offers[0]!.batchId, result: { kind: 'accepted' } } satisfies UplinkNotice);
  await until('the coalesced offer', () => offers.length === 2);
  const refusal = { kind: 'rejected', reason: 'invalid-batch', detail: 'too big' } as const;
  tell({ type: 'OfferAnswered', batchId: offers[1]!.batchId, result: refusal } satisfies UplinkNotice);
  await until('message 2 offered alone', () => offers.length === 3);
  t.is(offers[2]!.readings.length, 2);
  tell({ type: 'OfferAnswered', batchId: offers[2]!.batchId, result: refusal } satisfies UplinkNotice);
  await until('message 3 offered alone', () => offers.length === 4);
  t.is(offers[3]!.readings.length, 2);
  await until('message 2 released as handled', () => acked.length === 1);
  t.deepEqual(acked, [2]);
  const view = await registry.ask(path, { type: 'Describe' }, WAIT_MS);
  t.is(view.dropped.not_sendable, 2, 'only the readings of the refused message are counted as dropped');
  t.is(view.pendingBatches, 2);
});
