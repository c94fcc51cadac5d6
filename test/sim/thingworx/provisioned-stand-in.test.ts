import test from 'ava';
import { startThingworxStandIn, type ThingworxStandIn } from '../../../sim/thingworx/stand-in.js';
import { probe, statusOf } from './stand-in-client.js';

const KEY = 'admin-key-1';
const HEADERS = { appKey: KEY, 'Content-Type': 'application/json', Accept: 'application/json' };
const FIELDS = {
  name: { name: 'name', baseType: 'STRING' },
  value: { name: 'value', baseType: 'VARIANT' },
  time: { name: 'time', baseType: 'DATETIME' },
  quality: { name: 'quality', baseType: 'STRING' },
};

function rows(...names: string[]): string {
  return JSON.stringify({
    values: { dataShape: { fieldDefinitions: FIELDS }, rows: names.map((name) => ({ name, value: 1, time: 1, quality: 'GOOD' })) },
  });
}

async function post(standIn: ThingworxStandIn, path: string, body: unknown): Promise<{ status: number | string; body: string }> {
  const result = await probe(standIn.url, {
    method: 'POST',
    path,
    headers: HEADERS,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: statusOf(result), body: result.ok ? result.body : '' };
}

test('a Thing created through CreateThing is strict; a pre-registered one accepts any property as before', async (t) => {
  const standIn = await startThingworxStandIn({ appKey: KEY, things: ['Legacy'] });
  t.teardown(() => standIn.stop());
  const create = '/Thingworx/Resources/EntityServices/Services/CreateThing';
  t.is((await post(standIn, '/Thingworx/Things/Printer-x/Services/UpdatePropertyValues', rows('Temp'))).status, 404, 'not created yet');
  t.is((await post(standIn, create, { name: 'Printer-x', thingTemplateName: 'GenericThing' })).status, 200);
  const again = await post(standIn, create, { name: 'Printer-x', thingTemplateName: 'GenericThing' });
  t.is(again.status, 500);
  t.regex(again.body, /already exists/);
  t.is((await post(standIn, create, { name: 'Other', thingTemplateName: 'NoSuchTemplate' })).status, 500);

  const things = '/Thingworx/Things/Printer-x/Services';
  t.is(
    (await post(standIn, `${things}/AddPropertyDefinition`, { name: 'Temp', type: 'NUMBER', logged: true, dataChangeType: 'VALUE' }))
      .status,
    200,
  );
  t.is((await post(standIn, `${things}/AddPropertyDefinition`, { name: 'Hot', type: 'BOOLEAN' })).status, 200);
  t.is((await post(standIn, `${things}/AddPropertyDefinition`, { name: 'Bad', type: 'NOPE' })).status, 500);
  const alert = {
    alertName: 'Hot',
    alertType: 'EqualTo',
    property: 'Hot',
    priority: 1,
    enabled: true,
    attributes: { rows: [{ value: true }] },
  };
  t.is((await post(standIn, `${things}/AddOrUpdateAlert`, { ...alert, property: 'Missing' })).status, 500);
  t.is((await post(standIn, `${things}/AddOrUpdateAlert`, { ...alert, attributes: { rows: [{ value: 'yes' }] } })).status, 500);
  t.is((await post(standIn, `${things}/AddOrUpdateAlert`, alert)).status, 200);
  t.is((await post(standIn, `${things}/RestartThing`, {})).status, 500, 'not enabled yet');
  t.is((await post(standIn, `${things}/EnableThing`, {})).status, 200);
  t.is((await post(standIn, `${things}/RestartThing`, {})).status, 200);

  const definitions = JSON.parse((await post(standIn, `${things}/GetPropertyDefinitions`, {})).body) as {
    rows: { name: string; baseType: string; isLogged: boolean }[];
  };
  t.deepEqual(
    definitions.rows.map((row) => [row.name, row.baseType, row.isLogged]),
    [
      ['Temp', 'NUMBER', true],
      ['Hot', 'BOOLEAN', false],
    ],
  );
  const entity = await probe(standIn.url, { path: '/Thingworx/Things/Printer-x', headers: HEADERS });
  t.like(JSON.parse(entity.ok ? entity.body : '{}'), { name: 'Printer-x', thingTemplate: 'GenericThing', isEnabled: true });

  t.is((await post(standIn, `${things}/UpdatePropertyValues`, rows('Temp', 'Hot'))).status, 200);
  const refused = await post(standIn, `${things}/UpdatePropertyValues`, rows('Temp', 'Undefined'));
  t.is(refused.status, 404);
  t.is(refused.body, 'Property [Undefined] not found on [Printer-x]');
  const put = await probe(standIn.url, {
    method: 'PUT',
    path: '/Thingworx/Things/Printer-x/Properties/Undefined',
    headers: HEADERS,
    body: '{"Undefined":1}',
  });
  t.is(statusOf(put), 404);
  t.is(standIn.records.filter((record) => record.thing === 'Printer-x').length, 2, 'nothing of a refused call is stored');

  t.is((await post(standIn, '/Thingworx/Things/Legacy/Services/UpdatePropertyValues', rows('Anything'))).status, 200);
  t.is((await post(standIn, '/Thingworx/Things/Legacy/Services/AddPropertyDefinition', { name: 'X', type: 'NUMBER' })).status, 404);
  t.is(standIn.provisioned.writes.get('AddPropertyDefinition'), 3);
});
