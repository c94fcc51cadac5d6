/**
 * Typed addresses (issue 18): what each actor handles is part of its address, so a message sent to
 * the wrong kind of actor does not compile. Every `@ts-expect-error` below is a check of
 * `npm run typecheck`: should the typing regress, the directive is unused and tsc fails.
 * At run time nothing runs in this registry, so every send simply answers false.
 */
import test from 'ava';
import type { CollectorMessage } from '../../actors/collector/messages.js';
import {
  CONTROL_PATH,
  collectorPath,
  FLEET_PATH,
  healthPath,
  INGRESS_PATH,
  pollerPath,
  printerPath,
  UPLINK_PATH,
} from '../../actors/paths.js';
import type { UplinkBatch } from '../../actors/uplink/batch.js';
import type { UplinkStatus } from '../../actors/uplink/status.js';
import { Registry } from '../../supervision/index.js';

const batch: UplinkBatch = { batchId: 'b1', sender: collectorPath('p01'), thing: 'Printer-p01', lane: 'event', readings: [] };
const window: CollectorMessage = { type: 'Delivered', batchId: 'b1' };

test('each actor kind takes only its own messages at its address', (t) => {
  const registry = new Registry();
  // What each kind handles goes through.
  t.false(registry.tell(UPLINK_PATH, { type: 'Offer', batch }));
  t.false(registry.tell(collectorPath('p01'), window));
  t.false(registry.tell(collectorPath('p01'), { type: 'SpaceAvailable' }));
  t.false(registry.tell(healthPath('p01'), { type: 'EvaluateDue' }));
  t.false(registry.tell(pollerPath('p01'), { type: 'PollDue' }));
  t.false(registry.tell(INGRESS_PATH, { type: 'PrintersChanged' }));
  t.false(registry.tell(CONTROL_PATH, { type: 'Sample' }));

  // @ts-expect-error a collector message is not the uplink's
  t.false(registry.tell(UPLINK_PATH, window));
  // @ts-expect-error a misspelled message type
  t.false(registry.tell(UPLINK_PATH, { type: 'Ofer', batch }));
  // @ts-expect-error the ingress does not take the uplink's notices
  t.false(registry.tell(INGRESS_PATH, { type: 'SpaceAvailable' }));
  // @ts-expect-error a health message is not the poller's
  t.false(registry.tell(pollerPath('p01'), { type: 'EvaluateDue' }));
  // @ts-expect-error the control actor only samples on its own clock
  t.false(registry.tell(CONTROL_PATH, { type: 'Describe' }));
  // @ts-expect-error a supervisor takes no worker message
  t.false(registry.tell(FLEET_PATH, { type: 'Describe' }));
  // @ts-expect-error a bare path says nothing of what lives there: only the visibly unsafe tellUnchecked takes one
  t.false(registry.tell('adapter/uplink', { type: 'Describe' }));
  t.false(registry.tellUnchecked('adapter/uplink', { type: 'not a message of anybody' }));
});

test('an ask answers with the type its address promises', async (t) => {
  const registry = new Registry();
  const askUplink: () => Promise<UplinkStatus> = () => registry.ask(UPLINK_PATH, { type: 'Describe' }, 10);
  // @ts-expect-error the collector answers a CollectorView, not the uplink's status
  const askCollector: () => Promise<UplinkStatus> = () => registry.ask(collectorPath('p01'), { type: 'Describe' }, 10);
  // @ts-expect-error the uplink has no 'Status' ask
  const misspelled = () => registry.ask(UPLINK_PATH, { type: 'Status' }, 10);
  for (const ask of [askUplink, askCollector, misspelled]) await t.throwsAsync(ask(), { code: 'NOT_RUNNING' });
});

test('only an actor that handles the uplink notices may be the sender of a batch', (t) => {
  const fromHealth: UplinkBatch = { ...batch, sender: healthPath('p01') };
  const fromPoller: UplinkBatch = { ...batch, sender: pollerPath('p01') };
  // @ts-expect-error the ingress offers nothing and could not hear the answer
  const fromIngress: UplinkBatch = { ...batch, sender: INGRESS_PATH };
  // At run time an address is its registry path: the typing costs nothing per message.
  t.deepEqual(
    [batch.sender, fromHealth.sender, fromPoller.sender, fromIngress.sender, printerPath('p01')],
    ['adapter/fleet/p01/collector', 'adapter/fleet/p01/health', 'adapter/fleet/p01/poller', 'adapter/ingress', 'adapter/fleet/p01'],
  );
  t.is(collectorPath('p01'), collectorPath('p01'), 'built once per printer');
});
