import test from 'ava';
import { adapterEnvironment } from '../../actors/adapter.js';
import { collectorBehaviour } from '../../actors/collector/behaviour.js';
import type { CollectorMessage } from '../../actors/collector/messages.js';
import { healthBehaviour } from '../../actors/health/behaviour.js';
import { collectorPath, healthPath } from '../../actors/paths.js';
import type { OfferResult, UplinkBatch } from '../../actors/uplink/batch.js';
import type { UplinkMessage, UplinkNotice } from '../../actors/uplink/messages.js';
import { silentLogger } from '../../config/logging.js';
import type { BeatsBatch } from '../../protocols/lumberjack/batch.js';
import { type Behaviour, startTree, supervisorSpec, type Tree, workerSpec } from '../../supervision/index.js';
import { testAdapterConfig } from '../actors/support.js';
import { until as untilCondition } from '../support/until.js';

/**
 * Regression for a loss the chaos run found (seed 1247915587 on Node 24): batch ids restarted at #1
 * with every incarnation of a collector (or health actor), so when the uplink delivered a batch of
 * an earlier incarnation, its Delivered released the new incarnation's batch of the same number,
 * still waiting for room in the uplink. The printer got its ACK; ThingWorx never got the event.
 * Here a scripted uplink makes the sequence exact.
 */
const PRINTER = 'p01';
const WAIT_MS = 10_000;

interface ScriptedUplink {
  offers: UplinkBatch[];
  answer: OfferResult;
}

function scriptedUplink(script: ScriptedUplink): Behaviour<undefined, UplinkMessage> {
  return {
    init: () => undefined,
    handle(state, msg, ctx) {
      if (msg.type === 'Offer') {
        script.offers.push(msg.batch);
        ctx.registry.tell(msg.batch.sender, {
          type: 'OfferAnswered',
          batchId: msg.batch.batchId,
          result: script.answer,
        } satisfies UplinkNotice);
      }
      return state;
    },
  };
}

interface FakeWindow extends BeatsBatch {
  acked: number;
  rejected: number;
}

let offset = 0;
function window(): FakeWindow {
  offset += 100;
  const event = {
    '@timestamp': new Date().toISOString(),
    '@metadata': { beat: 'filebeat', type: '_doc', version: '8.14.4' },
    message: `2026-11-27T10:15:02.${String(offset % 1000).padStart(3, '0')}Z THERMAL VatTemp=30.1C Setpoint=30.0C`,
    log: { file: { path: '/var/log/printer.log' }, offset },
    host: { name: PRINTER },
    input: { type: 'log' },
  };
  const fake: FakeWindow = {
    connectionId: 'beats-1',
    peer: { remoteAddress: '127.0.0.1', remotePort: 40_000 },
    events: [event],
    windowSize: 1,
    protocolVersion: 2,
    receivedAt: Date.now(),
    acked: 0,
    rejected: 0,
    handle: {
      ack: () => {
        fake.acked += 1;
      },
      reject: () => {
        fake.rejected += 1;
      },
      pause: () => undefined,
      resume: () => undefined,
    },
  };
  return fake;
}

const until = (what: string, check: () => boolean | Promise<boolean>): Promise<void> =>
  untilCondition(check, { what, timeoutMs: WAIT_MS, everyMs: 20 });

async function startPrinter(script: ScriptedUplink): Promise<Tree> {
  const config = testAdapterConfig({ thingworxUrl: 'https://127.0.0.1:9', printers: [{ id: PRINTER, family: 'projet-6k', pipPort: 9 }] });
  const env = adapterEnvironment(config);
  const printer = config.printers[0]!;
  const flags = { intensity: 100, periodMs: 10_000, backoff: { minMs: 10, maxMs: 50 } };
  return startTree(
    supervisorSpec('adapter', flags, [
      workerSpec('uplink', scriptedUplink(script)),
      supervisorSpec('fleet', flags, [
        supervisorSpec(PRINTER, flags, [
          workerSpec('collector', collectorBehaviour(env, printer)),
          workerSpec('health', healthBehaviour(env, printer)),
        ]),
      ]),
    ]),
    { logger: silentLogger() },
  );
}

test('a late Delivered for an earlier collector incarnation does not release the new incarnation’s window', async (t) => {
  const script: ScriptedUplink = { offers: [], answer: { kind: 'accepted' } };
  const tree = await startPrinter(script);
  t.teardown(() => tree.stop());
  const { registry } = tree;
  const path = collectorPath(PRINTER);
  const fromCollector = () => script.offers.filter((offer) => offer.sender === path);

  // Incarnation A: its window's batch is accepted by the uplink, not yet delivered.
  const first = window();
  registry.tell(path, { type: 'WindowReceived', batch: first } satisfies CollectorMessage);
  await until('A offered its batch', () => fromCollector().length === 1);
  const fromA = fromCollector()[0]!;
  const restartsBefore = registry.get(path)!.restarts.total;
  t.true(registry.killByPath(path));
  await until('incarnation B running', () => {
    const row = registry.get(path);
    return row !== undefined && row.restarts.total > restartsBefore && row.status === 'running';
  });
  t.is(first.rejected, 1, 'A gave its window back unacknowledged when it died');

  // Incarnation B: the uplink is full, so B's batch waits, queued in B.
  script.answer = { kind: 'busy', reason: 'queue-readings-full' };
  const second = window();
  registry.tell(path, { type: 'WindowReceived', batch: second } satisfies CollectorMessage);
  await until('B offered its batch', () => fromCollector().length === 2);
  const fromB = fromCollector()[1]!;
  t.not(fromB.batchId, fromA.batchId, 'batch ids repeat across incarnations');

  // Now the uplink delivers A's batch and says so to the collector's path, where B lives.
  registry.tell(path, { type: 'Delivered', batchId: fromA.batchId } satisfies CollectorMessage);
  const view = await registry.ask(path, { type: 'Describe' }, WAIT_MS);
  t.is(second.acked, 0, 'B acknowledged a window ThingWorx does not have');
  t.is(view.pendingBatches, 1, 'B still holds its window');
});

test('a late Delivered for an earlier health incarnation does not drop the new incarnation’s state change', async (t) => {
  const script: ScriptedUplink = { offers: [], answer: { kind: 'accepted' } };
  const tree = await startPrinter(script);
  t.teardown(() => tree.stop());
  const { registry } = tree;
  const path = healthPath(PRINTER);
  const fromHealth = () => script.offers.filter((offer) => offer.sender === path);

  // A reports the printer's first state (no source seen yet) within a second of starting.
  await until('A offered the printer state', () => fromHealth().length === 1);
  const fromA = fromHealth()[0]!;
  script.answer = { kind: 'busy', reason: 'queue-readings-full' };
  t.true(registry.killByPath(path));
  await until('B offered the printer state again', () => fromHealth().length === 2);
  const fromB = fromHealth()[1]!;
  t.not(fromB.batchId, fromA.batchId, 'batch ids repeat across incarnations');

  registry.tell(path, { type: 'Delivered', batchId: fromA.batchId } satisfies UplinkNotice);
  const view = await registry.ask(path, { type: 'Describe' }, WAIT_MS);
  t.is(view.pendingBatches, 1, 'B dropped its state change on a Delivered that was not its own');
});
