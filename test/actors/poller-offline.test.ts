import test from 'ava';
import { adapterEnvironment } from '../../actors/adapter.js';
import { pollerPath } from '../../actors/paths.js';
import { pollerBehaviour } from '../../actors/poller/behaviour.js';
import type { PollerView } from '../../actors/poller/messages.js';
import type { OfferResult, UplinkBatch } from '../../actors/uplink/batch.js';
import type { UplinkMessage, UplinkNotice } from '../../actors/uplink/messages.js';
import { silentLogger } from '../../config/logging.js';
import { createPipServer, type PipServer } from '../../sim/printers/pip-server.js';
import { type Behaviour, startTree, supervisorSpec, type Tree, workerSpec } from '../../supervision/index.js';
import { testAdapterConfig } from './support.js';
import { until as untilCondition } from '../support/until.js';

/**
 * A printer the poller cannot reach writes `offline` once per change, not once per poll (the field
 * saw 13–14 BuildState rows a minute from one unreachable printer). Polls run every 100 ms here.
 */
const PRINTER = 'p01';
const WAIT_MS = 20_000;

interface Uplink {
  offers: UplinkBatch[];
  answer: OfferResult;
}

function scriptedUplink(script: Uplink): Behaviour<undefined, UplinkMessage> {
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

const until = (what: string, check: () => boolean | Promise<boolean>): Promise<void> =>
  untilCondition(check, { what, timeoutMs: WAIT_MS, everyMs: 20 });

interface Rig {
  tree: Tree;
  pip: PipServer;
  uplink: Uplink;
  view(): Promise<PollerView>;
  /** BuildState rows offered, in order, as "value/quality". */
  buildStates(): string[];
}

async function startRig(options: { printerDown?: boolean } = {}): Promise<Rig> {
  const pip = createPipServer({ family: 'projet-6k' });
  const port = await pip.start();
  if (options.printerDown) await pip.down();
  const config = testAdapterConfig({
    thingworxUrl: 'https://127.0.0.1:9',
    printers: [{ id: PRINTER, family: 'projet-6k', pipPort: port }],
  });
  const printer = config.printers[0]!;
  printer.pollIntervalMs = 100;
  const uplink: Uplink = { offers: [], answer: { kind: 'accepted' } };
  const flags = { intensity: 10, periodMs: 10_000, backoff: { minMs: 10, maxMs: 50 } };
  const tree = await startTree(
    supervisorSpec('adapter', flags, [
      workerSpec('uplink', scriptedUplink(uplink)),
      supervisorSpec('fleet', flags, [
        supervisorSpec(PRINTER, flags, [workerSpec('poller', pollerBehaviour(adapterEnvironment(config), printer))]),
      ]),
    ]),
    { logger: silentLogger() },
  );
  return {
    tree,
    pip,
    uplink,
    view: () => tree.registry.ask(pollerPath(PRINTER), { type: 'Describe' }, 5_000),
    buildStates: () =>
      uplink.offers.flatMap((batch) => batch.readings.filter((r) => r.item === 'BuildState').map((r) => `${String(r.value)}/${r.quality}`)),
  };
}

const offlineRows = (rows: string[]) => rows.filter((row) => row.endsWith('/BAD'));

test('an unreachable printer writes its BAD poll readings once, then nothing until it answers again', async (t) => {
  const rig = await startRig();
  t.teardown(async () => {
    await rig.tree.stop();
    await rig.pip.stop();
  });
  await until('polls answered', async () => (await rig.view()).polls >= 3);
  await rig.pip.down();
  const failuresAt = (await rig.view()).failures;
  await until('ten failed polls', async () => (await rig.view()).failures >= failuresAt + 10);
  const firstOutage = offlineRows(rig.buildStates());
  t.is(firstOutage.length, 1, `BAD BuildState rows during one outage: ${firstOutage.join(', ')}`);
  const badBatches = rig.uplink.offers.filter((batch) => batch.readings.some((r) => r.quality === 'BAD'));
  t.is(badBatches.length, 1, 'one batch of BAD readings per outage');

  // It answers again (good rows resume), then goes away again: a second change, a second report.
  await rig.pip.up();
  const goodBefore = rig.buildStates().length;
  await until('polls answered again', () => rig.buildStates().length > goodBefore + 2);
  await rig.pip.down();
  const failuresAgain = (await rig.view()).failures;
  await until('ten more failed polls', async () => (await rig.view()).failures >= failuresAgain + 10);
  t.is(offlineRows(rig.buildStates()).length, 2);
});

test('an outage report the uplink did not take is offered again with the next failed poll, and only until taken', async (t) => {
  const rig = await startRig();
  t.teardown(async () => {
    await rig.tree.stop();
    await rig.pip.stop();
  });
  await until('polls answered', async () => (await rig.view()).polls >= 2);
  rig.uplink.answer = { kind: 'busy', reason: 'queue-readings-full' };
  await rig.pip.down();
  await until('three refused reports', () => offlineRows(rig.buildStates()).length >= 3);
  rig.uplink.answer = { kind: 'accepted' };
  const offeredBefore = offlineRows(rig.buildStates()).length;
  const failuresAt = (await rig.view()).failures;
  await until('ten more failed polls', async () => (await rig.view()).failures >= failuresAt + 10);
  t.is(offlineRows(rig.buildStates()).length, offeredBefore + 1, 'taken once, then nothing more');
});

test('a printer never reached writes BuildState offline once, not on every poll', async (t) => {
  const rig = await startRig({ printerDown: true });
  t.teardown(async () => {
    await rig.tree.stop();
    await rig.pip.stop();
  });
  await until('ten failed polls', async () => (await rig.view()).failures >= 10);
  t.deepEqual(rig.buildStates(), ['offline/BAD']);
});
