import test from 'ava';
import { encodeUpdatePropertyValuesBody, NamedVtqRow } from '../../../protocols/thingworx/named-vtq.js';
import type { VtqRow } from '../../../protocols/thingworx/types.js';
import { DecodedRows, decodeUpdatePropertyValues } from '../../../sim/thingworx/infotable-decoder.js';
import { scanUpdatePropertyValues } from '../../../sim/thingworx/update-body-scanner.js';

const T = 1764238502123;

/** The decoded rows as plain data, to compare the two paths. */
function rowsOf(rows: DecodedRows): unknown[] {
  return Array.from({ length: rows.count }, (_, index) => ({
    name: rows.names[index],
    number: rows.numbers[index],
    text: rows.texts[index],
    time: rows.times[index],
    code: rows.codes[index],
  }));
}

function generalPath(body: Buffer): unknown[] | string {
  const rows = new DecodedRows();
  const decoded = decodeUpdatePropertyValues(JSON.parse(body.toString('utf8')), rows);
  return decoded.ok ? rowsOf(rows) : decoded.reason;
}

function fastPath(body: Buffer): unknown[] | undefined {
  const rows = new DecodedRows();
  return scanUpdatePropertyValues(body, rows) ? rowsOf(rows) : undefined;
}

/** The adapter's body as text (copied: the encoder may reuse its buffer). */
const encoded = (rows: readonly VtqRow[]): string => Buffer.from(encodeUpdatePropertyValuesBody(rows)).toString('utf8');

const row = (name: string, value: number | string | boolean, time = T, quality: 'GOOD' | 'BAD' | 'UNKNOWN' = 'GOOD'): VtqRow =>
  new NamedVtqRow(name, value, time, quality);

test('the adapter’s bodies are read exactly as the general path reads them', (t) => {
  const values: (number | string | boolean)[] = [
    0, -0, 1, -1, 30.1, -17.25, 0.30000000000000004, 1e-7, 1e21, 123456789012345, 1234567890123456800, 2 ** 53 + 2, 5e-324,
    0.1, 99.999, 1234.5678901234, 0.000123, 100, 'building', '', 'Temp °C', 'drop 💧', 'job-42', true, false,
  ];
  const rows = values.map((value, index) => row(`Prop${index}`, value, T + index, (['GOOD', 'BAD', 'UNKNOWN'] as const)[index % 3]));
  const body = Buffer.from(encoded(rows), 'utf8');
  const fast = fastPath(body);
  t.truthy(fast, 'the adapter’s form takes the fast path');
  t.deepEqual(fast, generalPath(body));
  // JSON.stringify writes -0 as 0; by hand, -0 stays -0 on both paths.
  const negativeZero = Buffer.from(encoded([row('Offset', 5)]).replace('"value":5', '"value":-0.0'), 'utf8');
  const [scanned] = fastPath(negativeZero) as { number: number }[];
  const [parsed] = generalPath(negativeZero) as { number: number }[];
  t.true(Object.is(scanned?.number, -0) && Object.is(parsed?.number, -0));
});

test('many rows, repeated names and values, and an empty table', (t) => {
  const rows = Array.from({ length: 600 }, (_, index) => row(index % 3 === 0 ? 'BuildState' : 'VatTemperature', index % 3 === 0 ? 'printing' : index / 7, T + index));
  const body = Buffer.from(encoded(rows), 'utf8');
  t.deepEqual(fastPath(body), generalPath(body));
  const empty = Buffer.from(encoded([]), 'utf8');
  t.deepEqual(fastPath(empty), []);
});

test('anything but the adapter’s exact form is left to the general path', (t) => {
  const good = encoded([row('VatTemperature', 30.1)]);
  const variants: Record<string, string> = {
    whitespace: good.replace('"rows":[', '"rows": ['),
    'escaped name': encoded([row('Vat"Temp', 1)]),
    'escaped value': encoded([row('Note', 'a\\b')]),
    'typed value': good.replace('"value":30.1', '"value":{"value":30.1,"baseType":"NUMBER"}'),
    'null value': good.replace('"value":30.1', '"value":null'),
    'string time': good.replace(`"time":${T}`, '"time":"2026-11-27T10:15:02.123Z"'),
    'negative time': good.replace(`"time":${T}`, `"time":-${T}`),
    'fractional time with exponent': good.replace(`"time":${T}`, '"time":1e400'),
    'huge number': good.replace('"value":30.1', '"value":1e400'),
    'leading zero': good.replace('"value":30.1', '"value":030.1'),
    'bare dot': good.replace('"value":30.1', '"value":30.'),
    'bad quality': good.replace('"quality":"GOOD"', '"quality":"GOODISH"'),
    'lower-case quality': good.replace('"quality":"GOOD"', '"quality":"good"'),
    'empty name': good.replace('"name":"VatTemperature"', '"name":""'),
    'extra key': good.replace('"quality":"GOOD"}', '"quality":"GOOD","x":1}'),
    'missing key': good.replace(',"quality":"GOOD"', ''),
    'keys reordered': good.replace(`"value":30.1,"time":${T}`, `"time":${T},"value":30.1`),
    'trailing text': `${good} `,
    'trailing comma': good.replace('}]}}', '},]}}'),
    'cut short': good.slice(0, -2),
    'other field type': good.replace('"baseType":"VARIANT"', '"baseType":"NUMBER"'),
    'control character': encoded([row('Note', 'a\u0001b')]),
  };
  for (const [what, body] of Object.entries(variants)) {
    t.is(fastPath(Buffer.from(body, 'utf8')), undefined, what);
  }
});

test('a refusal leaves the rows of an earlier request behind it cleared', (t) => {
  const rows = new DecodedRows();
  t.true(scanUpdatePropertyValues(Buffer.from(encoded([row('A', 1), row('B', 2)]), 'utf8'), rows));
  t.is(rows.count, 2);
  t.false(scanUpdatePropertyValues(Buffer.from('{"values":{}}', 'utf8'), rows));
  t.is(rows.count, 0);
});
