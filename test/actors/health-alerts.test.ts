import test from 'ava';
import { adapterEnvironment } from '../../actors/adapter.js';
import { type HealthView, healthBehaviour } from '../../actors/health/behaviour.js';
import type { HealthMessage } from '../../actors/health/messages.js';
import { healthPath } from '../../actors/paths.js';
import type { UplinkBatch } from '../../actors/uplink/batch.js';
import type { UplinkMessage, UplinkNotice } from '../../actors/uplink/messages.js';
import { silentLogger } from '../../config/logging.js';
import { compileAlertRule } from '../../domain/health/rules.js';
import type { Reading } from '../../domain/readings.js';
import { type Behaviour, startTree, supervisorSpec, type Tree, workerSpec } from '../../supervision/index.js';
import { testAdapterConfig } from './support.js';
import { until as untilCondition } from '../support/until.js';

/** The batches one printer's health actor hands to the uplink, with an uplink that accepts everything. */
const PRINTER = 'p01';
const WAIT_MS = 10_000;
const T0 = 1_764_238_500_000;

function acceptingUplink(offers: UplinkBatch[]): Behaviour<undefined, UplinkMessage> {
  return {
    init: () => undefined,
    handle(state, msg, ctx) {
      if (msg.type === 'Offer') {
        offers.push(msg.batch);
        ctx.registry.tell(msg.batch.sender, {
          type: 'OfferAnswered',
          batchId: msg.batch.batchId,
          result: { kind: 'accepted' },
        } satisfies UplinkNotice);
        ctx.registry.tell(msg.batch.sender, { type: 'Delivered', batchId: msg.batch.batchId } satisfies UplinkNotice);
      }
      return state;
    },
  };
}

const until = (what: string, check: () => boolean): Promise<void> => untilCondition(check, { what, timeoutMs: WAIT_MS, everyMs: 20 });

interface Rig {
  tree: Tree;
  offers: UplinkBatch[];
  clock: { now: number };
  tell(msg: HealthMessage): void;
  alertRows(): { item: string; value: Reading['value']; time: number }[][];
  /**
   * Resolves once the health actor has handled every message told before, and the uplink has answered
   * every batch it offered: whatever those messages were going to offer is in `offers` by then. A
   * barrier on the actors themselves, not a guess at how long their turns take.
   */
  settled(): Promise<HealthView>;
}

async function startHealth(rule: Record<string, unknown>): Promise<Rig> {
  const config = testAdapterConfig({ thingworxUrl: 'https://127.0.0.1:9', printers: [{ id: PRINTER, family: 'projet-6k', pipPort: 9 }] });
  const printer = config.printers[0]!;
  printer.limits = [compileAlertRule(rule)];
  const clock = { now: T0 };
  const env = adapterEnvironment(config, { now: () => clock.now });
  const offers: UplinkBatch[] = [];
  const flags = { intensity: 10, periodMs: 10_000, backoff: { minMs: 10, maxMs: 50 } };
  const tree = await startTree(
    supervisorSpec('adapter', flags, [
      workerSpec('uplink', acceptingUplink(offers)),
      supervisorSpec('fleet', flags, [supervisorSpec(PRINTER, flags, [workerSpec('health', healthBehaviour(env, printer))])]),
    ]),
    { logger: silentLogger() },
  );
  return {
    tree,
    offers,
    clock,
    tell: (msg) => tree.registry.tell(healthPath(PRINTER), msg),
    settled: async () => {
      let view: HealthView | undefined;
      await untilCondition(
        async () => {
          view = await tree.registry.ask(healthPath(PRINTER), { type: 'Describe' }, WAIT_MS);
          return view.pendingBatches === 0;
        },
        { what: 'every offer answered', timeoutMs: WAIT_MS, everyMs: 20 },
      );
      return view!;
    },
    alertRows: () =>
      offers
        .filter((batch) => batch.lane === 'alert')
        .map((batch) => batch.readings.map(({ item, value, time }) => ({ item, value, time }))),
  };
}

function vat(value: number, time: number): Reading {
  return { printer: PRINTER, item: 'VatTemperature', value, unit: 'C', time, receivedAt: time, quality: 'GOOD', source: 'filebeat' };
}

test('a value hovering at its limit with hysteresis: one alert batch, carrying severity and value before the alert', async (t) => {
  const rig = await startHealth({
    item: 'VatTemperature',
    type: 'Above',
    limit: 32,
    hysteresis: 0.5,
    alert: 'VatTooHot',
    severity: 'critical',
  });
  t.teardown(() => rig.tree.stop());
  // 100 samples alternating 32.1 / 31.9, in ten Beats windows
  for (let window = 0; window < 10; window++) {
    const readings = Array.from({ length: 10 }, (_, i) => {
      const index = window * 10 + i;
      return vat(index % 2 === 0 ? 32.1 : 31.9, T0 + index * 600);
    });
    rig.tell({ type: 'Observed', source: 'filebeat', readings, at: T0 + window * 6_000 });
  }
  rig.tell({ type: 'Observed', source: 'filebeat', readings: [vat(31, T0 + 61_000)], at: T0 + 61_000 });
  await until('the raise and the clear offered', () => rig.alertRows().flat().length === 6);
  // That no further row follows is what is under test: every message handled and every offer answered.
  t.like(await rig.settled(), { alertsRaised: 1, alertsCleared: 1 });
  // Queued batches may be coalesced into one offer; a transition's three rows never straddle two.
  for (const batch of rig.alertRows()) {
    t.is(batch.length % 3, 0);
    batch.forEach((row, index) => {
      if (index % 3 === 2) t.deepEqual([batch[index - 2]?.item, batch[index - 1]?.item], [`${row.item}_Severity`, `${row.item}_Value`]);
    });
  }
  t.deepEqual(rig.alertRows().flat(), [
    { item: 'VatTooHot_Severity', value: 'critical', time: T0 },
    { item: 'VatTooHot_Value', value: 32.1, time: T0 },
    { item: 'VatTooHot', value: true, time: T0 },
    { item: 'VatTooHot_Severity', value: 'critical', time: T0 + 61_000 },
    { item: 'VatTooHot_Value', value: 31, time: T0 + 61_000 },
    { item: 'VatTooHot', value: false, time: T0 + 61_000 },
  ]);
  t.true(
    rig.offers.filter((batch) => batch.lane === 'alert').every((batch) => batch.thing === 'Printer-p01'),
    'alert rows go to the printer’s Thing',
  );
});

test('raiseAfterMs with an injected clock: a short spike sends nothing, a held excursion is raised once by the periodic check', async (t) => {
  const rig = await startHealth({ item: 'VatTemperature', type: 'Above', limit: 32, raiseAfterMs: 10_000, alert: 'VatTooHot' });
  t.teardown(() => rig.tree.stop());
  // a 3 s spike
  rig.tell({ type: 'Observed', source: 'filebeat', readings: [vat(35, T0), vat(35, T0 + 3_000), vat(30, T0 + 4_000)], at: T0 + 4_000 });
  rig.clock.now = T0 + 60_000;
  rig.tell({ type: 'EvaluateDue' });
  // then 33 °C from T0 + 100 s on, and no reading after it
  rig.clock.now = T0 + 100_000;
  rig.tell({ type: 'Observed', source: 'filebeat', readings: [vat(33, T0 + 100_000)], at: T0 + 100_000 });
  rig.clock.now = T0 + 105_000;
  rig.tell({ type: 'EvaluateDue' });
  // That nothing is offered is what is under test: health, then the uplink, have had their turn once settled.
  t.like(await rig.settled(), { alertsRaised: 0 });
  t.deepEqual(rig.alertRows(), [], 'nothing before the excursion has held 10 s');
  rig.clock.now = T0 + 110_000;
  rig.tell({ type: 'EvaluateDue' });
  rig.clock.now = T0 + 130_000;
  rig.tell({ type: 'EvaluateDue' });
  await until('the raise offered', () => rig.alertRows().length === 1);
  // That it is raised only once is what is under test: every message handled and every offer answered.
  t.like(await rig.settled(), { alertsRaised: 1 });
  t.deepEqual(rig.alertRows(), [
    [
      { item: 'VatTooHot_Severity', value: 'warning', time: T0 + 110_000 },
      { item: 'VatTooHot_Value', value: 33, time: T0 + 110_000 },
      { item: 'VatTooHot', value: true, time: T0 + 110_000 },
    ],
  ]);
});
