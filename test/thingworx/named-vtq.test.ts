import test from 'ava';
import { encodeUpdatePropertyValuesBody, encodeVtqRow, NamedVtqRow, VtqEncodingError } from '../../protocols/thingworx/named-vtq.js';
import type { VtqRow } from '../../protocols/thingworx/types.js';

const T = 1764238502123;

test('the body is a NamedVTQ InfoTable exactly as PROTOCOLS.md §2 shows it', (t) => {
  const body = encodeUpdatePropertyValuesBody([{ name: 'VatTemperature', value: 30.1, time: T, quality: 'GOOD' }]);
  t.is(
    body.toString('utf8'),
    '{"values":{"dataShape":{"fieldDefinitions":{"name":{"name":"name","baseType":"STRING"},"value":{"name":"value","baseType":"VARIANT"},' +
      '"time":{"name":"time","baseType":"DATETIME"},"quality":{"name":"quality","baseType":"STRING"}}},' +
      '"rows":[{"name":"VatTemperature","value":30.1,"time":1764238502123,"quality":"GOOD"}]}}',
  );
});

test('rows keep their order and every base type is normalised for the wire', (t) => {
  const rows: VtqRow[] = [
    { name: 'Layer', value: 152, time: T, quality: 'GOOD', baseType: 'INTEGER' },
    { name: 'JobId', value: 'J-00042', time: T + 1, quality: 'GOOD' },
    { name: 'ErrorCode', value: 1203, time: T + 2, quality: 'BAD', baseType: 'STRING' },
    { name: 'Heating', value: true, time: T + 3, quality: 'UNKNOWN' },
    { name: 'BuildStartedAt', value: '2026-11-27T10:15:02.123Z', time: T + 4.4, quality: 'GOOD', baseType: 'DATETIME' },
    { name: 'BuildEstimatedEndAt', value: 1795781702123.6, time: T, quality: 'GOOD', baseType: 'DATETIME' },
  ];
  const parsed = JSON.parse(encodeUpdatePropertyValuesBody(rows).toString('utf8')) as { values: { rows: unknown[] } };
  t.deepEqual(parsed.values.rows, [
    { name: 'Layer', value: 152, time: T, quality: 'GOOD' },
    { name: 'JobId', value: 'J-00042', time: T + 1, quality: 'GOOD' },
    { name: 'ErrorCode', value: '1203', time: T + 2, quality: 'BAD' },
    { name: 'Heating', value: true, time: T + 3, quality: 'UNKNOWN' },
    { name: 'BuildStartedAt', value: Date.parse('2026-11-27T10:15:02.123Z'), time: T + 4, quality: 'GOOD' },
    { name: 'BuildEstimatedEndAt', value: 1795781702124, time: T, quality: 'GOOD' },
  ]);
});

const refused: Array<[string, VtqRow, RegExp]> = [
  ['NaN would become null', { name: 'A', value: Number.NaN, time: T, quality: 'GOOD' }, /finite number/],
  ['Infinity would become null', { name: 'A', value: Number.POSITIVE_INFINITY, time: T, quality: 'GOOD', baseType: 'NUMBER' }, /finite/],
  ['a fraction is not an INTEGER', { name: 'A', value: 1.5, time: T, quality: 'GOOD', baseType: 'INTEGER' }, /whole number/],
  ['2^31 does not fit INTEGER', { name: 'A', value: 2 ** 31, time: T, quality: 'GOOD', baseType: 'INTEGER' }, /32 bits/],
  ['text is not a NUMBER', { name: 'A', value: '30.1', time: T, quality: 'GOOD', baseType: 'NUMBER' }, /NUMBER/],
  ['a number is not a BOOLEAN', { name: 'A', value: 1, time: T, quality: 'GOOD', baseType: 'BOOLEAN' }, /BOOLEAN/],
  ['an unparsable date', { name: 'A', value: 'yesterday', time: T, quality: 'GOOD', baseType: 'DATETIME' }, /DATETIME/],
  ['a non-finite time', { name: 'A', value: 1, time: Number.NaN, quality: 'GOOD' }, /time/],
  ['an empty name', { name: '', value: 1, time: T, quality: 'GOOD' }, /name/],
  ['an unknown quality', { name: 'A', value: 1, time: T, quality: 'FINE' as 'GOOD' }, /quality/],
  ['null smuggled past the types', { name: 'A', value: null as unknown as number, time: T, quality: 'GOOD' }, /STRING needs text/],
];

for (const [title, row, reason] of refused) {
  test(`refused before sending: ${title}`, (t) => {
    const error = t.throws(() => encodeVtqRow(row, 3), { instanceOf: VtqEncodingError });
    t.is(error?.code, 'TWX_ROW_INVALID');
    t.is(error?.rowIndex, 3);
    t.regex(error?.message ?? '', reason);
  });
}

test('the index of the bad row is reported for a whole batch', (t) => {
  const rows: VtqRow[] = [
    { name: 'A', value: 1, time: T, quality: 'GOOD' },
    { name: 'B', value: Number.NaN, time: T, quality: 'GOOD' },
  ];
  const error = t.throws(() => encodeUpdatePropertyValuesBody(rows), { instanceOf: VtqEncodingError });
  t.is(error?.rowIndex, 1);
  t.is(error?.property, 'B');
});

test('a NamedVtqRow serialises as exactly the wire fields, in wire order', (t) => {
  t.is(JSON.stringify(new NamedVtqRow('Layer', 152, T, 'GOOD')), '{"name":"Layer","value":152,"time":1764238502123,"quality":"GOOD"}');
});

test('a row in any key order, with or without its base type, goes on the wire as exactly name, value, time, quality', (t) => {
  const rows: VtqRow[] = [
    { quality: 'BAD', time: T, value: 7, name: 'Layer', baseType: 'INTEGER' },
    Object.assign(new NamedVtqRow('ErrorCode', 1203, T + 0.6, 'GOOD'), { baseType: 'STRING' as const }),
  ];
  const text = encodeUpdatePropertyValuesBody(rows).toString('utf8');
  t.true(
    text.endsWith(
      '"rows":[{"name":"Layer","value":7,"time":1764238502123,"quality":"BAD"},{"name":"ErrorCode","value":"1203","time":1764238502124,"quality":"GOOD"}]}}',
    ),
    text,
  );
});

// Expected texts written by hand from RFC 8259 and ECMAScript's Number::toString, not produced by our code.
const edges: Array<[string, VtqRow['value'], string]> = [
  ['-0 is written as 0', -0, '0'],
  ['a large integer in full', 1_764_238_502_123, '1764238502123'],
  ['2^53 in full', 2 ** 53, '9007199254740992'],
  ['1e21 in exponent form', 1e21, '1e+21'],
  ['the smallest double', 5e-324, '5e-324'],
  ['a binary fraction', 0.1 + 0.2, '0.30000000000000004'],
  ['a quote and a backslash escaped', 'a"b\\c', '"a\\"b\\\\c"'],
  ['control characters escaped', '\u0000\n\u001f', '"\\u0000\\n\\u001f"'],
  ['DEL as it is', '\u007f', '"\u007f"'],
  ['non-ASCII as UTF-8', 'Grüße 温度', '"Grüße 温度"'],
  ['a lone surrogate escaped, so the body stays valid UTF-8', 'a\ud800b', '"a\\ud800b"'],
  ['</script> as it is', '</script>', '"</script>"'],
];

for (const [title, value, expected] of edges) {
  test(`on the wire: ${title}`, (t) => {
    const body = encodeUpdatePropertyValuesBody([new NamedVtqRow('X', value, T, 'GOOD')]);
    const expectedRow = `{"name":"X","value":${expected},"time":1764238502123,"quality":"GOOD"}`;
    t.true(body.toString('utf8').endsWith(`"rows":[${expectedRow}]}}`), body.toString('utf8'));
    t.true(body.subarray(body.length - Buffer.byteLength(expectedRow) - 3).equals(Buffer.from(`${expectedRow}]}}`, 'utf8')));
    t.notThrows(() => new TextDecoder('utf-8', { fatal: true }).decode(body));
  });
}
