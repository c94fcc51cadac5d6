import test from 'ava';
import { loadConfigFile } from '../../config/load.js';
import type { AdapterConfig } from '../../config/types.js';
import { adapterHealthRows } from '../../protocols/thingworx/adapter-health.js';
import { baseTypeOf } from '../../protocols/thingworx/named-vtq.js';
import { type DesiredModel, desiredModel } from '../../protocols/thingworx/provisioning/desired-model.js';
import { observe, type ReadEntity } from '../../protocols/thingworx/provisioning/observed.js';
import { NOTHING_OBSERVED, planProvisioning } from '../../protocols/thingworx/provisioning/planner.js';
import type { ProvisionCall } from '../../protocols/thingworx/provisioning/services.js';
import { ProvisionedModel } from '../../sim/thingworx/provisioned-model.js';

/**
 * The planner against the stand-in's model of ThingWorx, in memory: calls are applied to it and its answers read back
 * through the same decoders the client uses, so "a second plan is empty" is checked against what a server reports.
 */

async function exampleConfig(): Promise<AdapterConfig> {
  const loaded = await loadConfigFile('config/examples/adapter.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.config;
}

function apply(model: ProvisionedModel, calls: readonly ProvisionCall[]): void {
  for (const call of calls) {
    const resource = /^\/Thingworx\/Resources\/([^/]+)\/Services\/([^/]+)$/.exec(call.path);
    const thing = /^\/Thingworx\/Things\/([^/]+)\/Services\/([^/]+)$/.exec(call.path);
    const reply = resource
      ? model.resourceService(resource[1] as string, resource[2] as string, call.body)
      : thing
        ? model.thingService(decodeURIComponent(thing[1] as string), thing[2] as string, call.body)
        : undefined;
    if (reply?.status !== 200) throw new Error(`${call.service} ${call.entity}: ${reply?.status} ${reply?.body}`);
  }
}

function readerOf(model: ProvisionedModel): ReadEntity {
  return async (read) => {
    const thing = /^\/Thingworx\/Things\/([^/]+)(?:\/Services\/([^/]+))?$/.exec(read.path);
    if (!thing) throw new Error(`unexpected read ${read.path}`);
    const name = decodeURIComponent(thing[1] as string);
    if (thing[2] === undefined) return model.entity(name);
    const reply = model.thingService(name, thing[2], read.body);
    return reply === undefined ? undefined : JSON.parse(reply.body);
  };
}

function provisioned(desired: DesiredModel): ProvisionedModel {
  const model = new ProvisionedModel();
  apply(model, planProvisioning(desired, NOTHING_OBSERVED).calls);
  return model;
}

test('desired entities: a property per catalog item, PrinterState, each alert with its companions, typed as sent', async (t) => {
  const config = await exampleConfig();
  const desired = desiredModel(config);
  const p01 = desired.things.find((thing) => thing.name === 'Printer-p01');
  if (!p01) return t.fail('Printer-p01 missing');
  const types = Object.fromEntries(p01.properties.map((property) => [property.name, property.baseType]));
  for (const [item, spec] of Object.entries(config.catalog.families['projet-6k']?.items ?? {})) t.is(types[item], spec.type, item);
  t.like(types, {
    VatTemperature: 'NUMBER',
    Layer: 'INTEGER',
    BuildStartedAt: 'DATETIME',
    PrinterState: 'STRING',
    VatTemperatureOutOfRange: 'BOOLEAN',
    VatTemperatureOutOfRange_Severity: 'STRING',
    VatTemperatureOutOfRange_Value: 'NUMBER',
    ResinLow: 'BOOLEAN',
    // The value companion takes the watched item's type: BuildFailed watches BuildState, a STRING.
    BuildFailed_Value: 'STRING',
  });
  t.true(p01.properties.every((property) => property.logged));
  t.deepEqual(
    p01.alerts.map((alert) => [alert.name, alert.property, alert.alertType, alert.value, alert.priority]),
    [
      ['VatTemperatureOutOfRange', 'VatTemperatureOutOfRange', 'EqualTo', true, 1],
      ['ResinLow', 'ResinLow', 'EqualTo', true, 2],
      ['BuildFailed', 'BuildFailed', 'EqualTo', true, 1],
    ],
  );
  const p04 = desired.things.find((thing) => thing.name === 'Printer-p04');
  t.deepEqual(
    p04?.alerts.map((alert) => alert.priority),
    [1, 3],
    'critical 1, info 3',
  );
  t.is(desired.things.length, config.printers.length + 1);
  t.is(desired.valueStream.name, '3DConnect-nuc-hall-3-History');
});

test("the adapter's Thing gets every health property with the base type adapterHealthRows sends", async (t) => {
  const config = await exampleConfig();
  const adapter = desiredModel(config).things.find((thing) => thing.name === config.adapter.thing);
  const rows = adapterHealthRows(
    { uptimeMs: 1, printersConnected: 1, printersConfigured: 1, queueReadings: 0, queueBytes: 0, delivered: 0, droppedByReason: {} },
    0,
  );
  t.deepEqual(
    adapter?.properties.map((property) => [property.name, property.baseType]),
    rows.map((row) => [row.name, baseTypeOf(row)]),
  );
});

test('against an empty ThingWorx: value stream, then per Thing create, properties, value stream, alerts, enable, restart', async (t) => {
  const desired = desiredModel(await exampleConfig());
  const { calls, conflicts } = planProvisioning(desired, NOTHING_OBSERVED);
  t.deepEqual(conflicts, []);
  t.deepEqual(
    calls.slice(0, 3).map((call) => [call.service, call.entity, call.body.thingTemplateName]),
    [
      ['CreateThing', '3DConnect-nuc-hall-3-History', 'ValueStream'],
      ['EnableThing', '3DConnect-nuc-hall-3-History', undefined],
      ['RestartThing', '3DConnect-nuc-hall-3-History', undefined],
    ],
  );
  const p01 = calls.filter((call) => call.entity === 'Printer-p01' || call.entity.startsWith('Printer-p01.'));
  const thing = desired.things.find((candidate) => candidate.name === 'Printer-p01');
  t.is(p01.filter((call) => call.service === 'AddPropertyDefinition').length, thing?.properties.length ?? -1);
  t.deepEqual(
    [...new Set(p01.map((call) => call.service))],
    ['CreateThing', 'AddPropertyDefinition', 'SetValueStream', 'AddOrUpdateAlert', 'EnableThing', 'RestartThing'],
  );
  const alert = p01.find((call) => call.service === 'AddOrUpdateAlert');
  t.like(alert?.body, {
    alertName: 'VatTemperatureOutOfRange',
    alertType: 'EqualTo',
    property: 'VatTemperatureOutOfRange',
    priority: 1,
    enabled: true,
  });
  t.deepEqual(alert?.body.attributes, {
    dataShape: { fieldDefinitions: { value: { name: 'value', baseType: 'BOOLEAN' } } },
    rows: [{ value: true }],
  });
  t.like(p01.find((call) => call.entity === 'Printer-p01.VatTemperature')?.body, {
    name: 'VatTemperature',
    type: 'NUMBER',
    logged: true,
    persistent: true,
    dataChangeType: 'VALUE',
  });
  t.like(p01.find((call) => call.entity === 'Printer-p01.ErrorCode')?.body, { type: 'STRING', dataChangeType: 'ALWAYS' });
});

test('a second plan against the provisioned state is empty', async (t) => {
  const desired = desiredModel(await exampleConfig());
  const model = provisioned(desired);
  const again = planProvisioning(desired, await observe(desired, readerOf(model)));
  t.deepEqual(again.calls, []);
  t.deepEqual(again.conflicts, []);
  const entities = 1 + desired.things.reduce((sum, thing) => sum + 1 + thing.properties.length + thing.alerts.length, 0);
  t.is(again.unchanged, entities);
});

test('a missing property and a changed alert are added and updated, then the Thing restarts', async (t) => {
  const config = await exampleConfig();
  const model = provisioned(desiredModel(config));
  const withMore = structuredClone(config);
  const p01 = withMore.printers.find((printer) => printer.id === 'p01');
  if (!p01) return t.fail();
  p01.limits = p01.limits.map((limit) => (limit.alert === 'ResinLow' ? { ...limit, severity: 'critical' } : limit));
  p01.limits.push({
    item: 'LaserPower',
    type: 'Below',
    limit: 1,
    limitInclusive: true,
    alert: 'LaserWeak',
    severity: 'info',
    raiseAfterMs: 0,
    hysteresis: 0,
  });
  const desired = desiredModel(withMore);
  const plan = planProvisioning(desired, await observe(desired, readerOf(model)));
  t.deepEqual(
    plan.calls.map((call) => [call.service, call.entity]),
    [
      ['AddPropertyDefinition', 'Printer-p01.LaserWeak'],
      ['AddPropertyDefinition', 'Printer-p01.LaserWeak_Severity'],
      ['AddPropertyDefinition', 'Printer-p01.LaserWeak_Value'],
      ['AddOrUpdateAlert', 'Printer-p01.ResinLow'],
      ['AddOrUpdateAlert', 'Printer-p01.LaserWeak'],
      ['RestartThing', 'Printer-p01'],
    ],
  );
  apply(model, plan.calls);
  t.deepEqual(planProvisioning(desired, await observe(desired, readerOf(model))).calls, []);
});

test('a property of the wrong base type is reported, or replaced when asked', async (t) => {
  const desired = desiredModel(await exampleConfig());
  const model = provisioned(desired);
  // As if someone had created VatTemperature by hand as a STRING.
  apply(model, [
    {
      service: 'RemovePropertyDefinition',
      method: 'POST',
      path: '/Thingworx/Things/Printer-p01/Services/RemovePropertyDefinition',
      body: { name: 'VatTemperature' },
      action: '',
      entity: '',
    },
    {
      service: 'AddPropertyDefinition',
      method: 'POST',
      path: '/Thingworx/Things/Printer-p01/Services/AddPropertyDefinition',
      body: { name: 'VatTemperature', type: 'STRING', logged: true },
      action: '',
      entity: '',
    },
  ]);
  const observed = await observe(desired, readerOf(model));
  const reported = planProvisioning(desired, observed);
  t.deepEqual(reported.calls, []);
  t.deepEqual(reported.conflicts, [{ entity: 'Printer-p01.VatTemperature', reason: 'is STRING, the adapter sends NUMBER' }]);

  const replaced = planProvisioning(desired, observed, { replaceMismatched: true });
  t.deepEqual(
    replaced.calls.map((call) => [call.service, call.entity]),
    [
      ['RemovePropertyDefinition', 'Printer-p01.VatTemperature'],
      ['AddPropertyDefinition', 'Printer-p01.VatTemperature'],
      ['RestartThing', 'Printer-p01'],
    ],
  );
  apply(model, replaced.calls);
  const after = planProvisioning(desired, await observe(desired, readerOf(model)));
  t.deepEqual([after.calls, after.conflicts], [[], []]);
});

test('a Thing on another template is noted, not changed or failed', async (t) => {
  const desired = desiredModel(await exampleConfig());
  const model = provisioned(desired);
  const p03 = model.things.get('Printer-p03');
  if (!p03) return t.fail();
  p03.template = 'RemoteThing';
  const plan = planProvisioning(desired, await observe(desired, readerOf(model)));
  t.deepEqual([plan.calls, plan.conflicts], [[], []]);
  t.deepEqual(plan.notes, [{ entity: 'Printer-p03', reason: 'is based on RemoteThing, not GenericThing' }]);
});

test('a disabled Thing is enabled, and a Thing logging elsewhere gets our value stream', async (t) => {
  const desired = desiredModel(await exampleConfig());
  const model = provisioned(desired);
  const p02 = model.things.get('Printer-p02');
  if (!p02) return t.fail();
  p02.enabled = false;
  apply(model, [
    {
      service: 'CreateThing',
      method: 'POST',
      path: '/Thingworx/Resources/EntityServices/Services/CreateThing',
      body: { name: 'Other', thingTemplateName: 'ValueStream' },
      action: '',
      entity: '',
    },
  ]);
  p02.valueStream = 'Other';
  const plan = planProvisioning(desired, await observe(desired, readerOf(model)));
  t.deepEqual(
    plan.calls.map((call) => [call.service, call.entity, call.body.name]),
    [
      ['SetValueStream', 'Printer-p02', desired.valueStream.name],
      ['EnableThing', 'Printer-p02', undefined],
      ['RestartThing', 'Printer-p02', undefined],
    ],
  );
});
