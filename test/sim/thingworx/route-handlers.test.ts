import test from 'ava';
import { encodeUpdatePropertyValuesBody, NamedVtqRow } from '../../../protocols/thingworx/named-vtq.js';
import type { VtqRow } from '../../../protocols/thingworx/types.js';
import { ProvisionedModel } from '../../../sim/thingworx/provisioned-model.js';
import { handleRoute, type Reply } from '../../../sim/thingworx/route-handlers.js';
import type { Route } from '../../../sim/thingworx/routes.js';
import { ThingStore } from '../../../sim/thingworx/thing-store.js';

/**
 * The strict ThingWorx checker at the handler: what the stand-in accepts of an UpdatePropertyValues body, what it
 * records, and the 500 it answers for anything ThingWorx would refuse. Bodies are written here by hand (or by the
 * adapter's encoder, to check the round trip), never by the stand-in.
 */

const T = 1764238502123;
const UPDATE: Route = { kind: 'service', thing: 'p01', service: 'UpdatePropertyValues' };
const REFUSED = 'Unable to Invoke Service UpdatePropertyValues on p01 : ';
const FIELDS =
  '{"name":{"name":"name","baseType":"STRING"},"value":{"name":"value","baseType":"VARIANT"},' +
  '"time":{"name":"time","baseType":"DATETIME"},"quality":{"name":"quality","baseType":"STRING"}}';
const GOOD = `{"values":{"dataShape":{"fieldDefinitions":${FIELDS}},"rows":[{"name":"VatTemperature","value":30.1,"time":${T},"quality":"GOOD"}]}}`;

function post(body: string | Buffer, store = new ThingStore(10_000)): { reply: Reply; store: ThingStore } {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { reply: handleRoute(UPDATE, 'POST', bytes, store, new ProvisionedModel(), 5000), store };
}

test('the adapter’s bodies are recorded value for value, whatever the number', (t) => {
  const values: (number | string | boolean)[] = [
    0,
    -0,
    1,
    -1,
    30.1,
    -17.25,
    0.30000000000000004,
    1e-7,
    1e21,
    123456789012345,
    1234567890123456800,
    2 ** 53 + 2,
    5e-324,
    0.1,
    99.999,
    1234.5678901234,
    0.000123,
    100,
    'building',
    '',
    'Temp °C',
    'drop 💧',
    'quote " back \\ tab \t',
    true,
    false,
  ];
  const qualities = ['GOOD', 'BAD', 'UNKNOWN'] as const;
  const rows: VtqRow[] = values.map((value, index) => new NamedVtqRow(`Prop${index}`, value, T + index, qualities[index % 3] ?? 'GOOD'));
  const { reply, store } = post(encodeUpdatePropertyValuesBody(rows));
  t.is(reply.status, 200);
  t.deepEqual(
    store.records.map(({ name, value, time, quality }) => ({ name, value, time, quality })),
    // -0 travels as 0 (JSON has no negative zero on the adapter's side).
    values.map((value, index) => ({
      name: `Prop${index}`,
      value: Object.is(value, -0) ? 0 : value,
      time: T + index,
      quality: qualities[index % 3],
    })),
  );
});

test('any JSON form of the table is accepted, as ThingWorx parses JSON: whitespace, key order, escapes, typed values', (t) => {
  const forms: Record<string, string> = {
    whitespace: GOOD.replace('"rows":[', '"rows": [\n  ').replace(/\}\}$/, '} }\n'),
    'keys reordered': GOOD.replace(`"value":30.1,"time":${T}`, `"time":${T},"value":30.1`),
    'escaped name': GOOD.replace('"VatTemperature"', '"Vat\\u0054emperature"'),
    'typed value': GOOD.replace('"value":30.1', '"value":{"value":30.1,"baseType":"NUMBER"}'),
    'ISO time': GOOD.replace(`"time":${T}`, `"time":"${new Date(T).toISOString()}"`),
  };
  for (const [what, body] of Object.entries(forms)) {
    const { reply, store } = post(body);
    t.is(reply.status, 200, what);
    t.like(store.records[0], { name: 'VatTemperature', value: 30.1, baseType: 'NUMBER', time: T, quality: 'GOOD' }, what);
  }
});

test('a -0 written by hand stays -0', (t) => {
  const { store } = post(GOOD.replace('"value":30.1', '"value":-0.0'));
  t.true(Object.is(store.records[0]?.value, -0));
});

test('what ThingWorx would refuse answers 500 with the reason, and nothing of the request is recorded', (t) => {
  const refused: Record<string, [string, string]> = {
    'null value': [GOOD.replace('"value":30.1', '"value":null'), 'row 0 (VatTemperature): null value'],
    'a number beyond double range': [GOOD.replace('"value":30.1', '"value":1e400'), 'row 0 (VatTemperature): not a finite number'],
    'negative time': [GOOD.replace(`"time":${T}`, `"time":-${T}`), 'row 0: time needs ms since epoch'],
    'a time beyond double range': [GOOD.replace(`"time":${T}`, '"time":1e400'), 'row 0: time needs ms since epoch'],
    'a quality ThingWorx does not know': [
      GOOD.replace('"quality":"GOOD"', '"quality":"GOODISH"'),
      'row 0: quality must be GOOD, BAD or UNKNOWN',
    ],
    'a lower-case quality': [GOOD.replace('"quality":"GOOD"', '"quality":"good"'), 'row 0: quality must be GOOD, BAD or UNKNOWN'],
    'empty name': [GOOD.replace('"name":"VatTemperature"', '"name":""'), 'row 0: name must be a non-empty string'],
    'extra row key': [GOOD.replace('"quality":"GOOD"}', '"quality":"GOOD","x":1}'), 'row 0: a row has exactly name, value, time, quality'],
    'missing row key': [GOOD.replace(',"quality":"GOOD"', ''), 'row 0: a row has exactly name, value, time, quality'],
    'another field type': [
      GOOD.replace('"baseType":"VARIANT"', '"baseType":"NUMBER"'),
      'values is not a NamedVTQ table: field value must be VARIANT',
    ],
    'leading zero': [GOOD.replace('"value":30.1', '"value":030.1'), 'the parameters are not valid JSON'],
    'bare dot': [GOOD.replace('"value":30.1', '"value":30.'), 'the parameters are not valid JSON'],
    'trailing comma': [GOOD.replace('}]}}', '},]}}'), 'the parameters are not valid JSON'],
    'trailing text': [`${GOOD}x`, 'the parameters are not valid JSON'],
    'cut short': [GOOD.slice(0, -2), 'the parameters are not valid JSON'],
    'a raw control character in a string': [GOOD.replace('VatTemperature', 'Vat\u0001Temperature'), 'the parameters are not valid JSON'],
    'no body': ['', 'the parameters are not valid JSON'],
  };
  for (const [what, [body, reason]] of Object.entries(refused)) {
    // The first row of the request is good: a refusal is all or nothing.
    const { reply, store } = post(body.replace('"rows":[', `"rows":[{"name":"Layer","value":1,"time":${T},"quality":"GOOD"},`));
    t.deepEqual(reply, { status: 500, body: REFUSED + reason.replace(/^row 0/, 'row 1'), contentType: 'text/plain;charset=UTF-8' }, what);
    t.is(store.records.length, 0, what);
  }
});

test('a refused request after an accepted one leaves only the accepted rows', (t) => {
  const store = new ThingStore(10_000);
  t.is(post(GOOD, store).reply.status, 200);
  t.is(post('{"values":{}}', store).reply.status, 500);
  t.is(store.records.length, 1);
});
