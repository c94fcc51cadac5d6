import test from 'ava';
import {
  encodeUpdatePropertyValuesBody,
  encodeVtqRow,
  NAMED_VTQ_FIELD_DEFINITIONS,
  NamedVtqRow,
  VtqEncodingError,
} from '../../protocols/thingworx/named-vtq.js';
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

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('rows held in wire form are encoded byte for byte as their normalised copies are', (t) => {
  const random = seededRandom(20261127);
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)] as T;
  const texts = ['', 'J-00042', 'quote " and backslash \\', 'line\nbreak\ttab', 'Grüße 温度 🖨️', '\u0001\u001f', 'x'.repeat(300)];
  const value = (): VtqRow['value'] =>
    pick([
      () => random() * 200 - 100,
      () => Math.floor(random() * 2 ** 40) - 2 ** 39,
      () => -0,
      () => 1e21 * random(),
      () => random() < 0.5,
      () => pick(texts),
    ])();
  const time = (): number => (random() < 0.98 ? T + Math.floor(random() * 1e6) : T + random() * 1e6);
  for (let round = 0; round < 300; round++) {
    const rows: VtqRow[] = [];
    const count = 1 + Math.floor(random() * 40);
    // Most rounds hold NamedVtqRows only (serialised as they are unless one needs normalising); others mix in plain rows.
    const plainShare = random() < 0.7 ? 0 : 0.3;
    for (let i = 0; i < count; i++) {
      const quality = pick(['GOOD', 'BAD', 'UNKNOWN'] as const);
      const name = pick(['VatTemperature', 'JobName', 'Layer', 'Ünicode-Näme']);
      const row: VtqRow =
        random() >= plainShare ? new NamedVtqRow(name, value(), time(), quality) : { quality, time: time(), value: value(), name };
      if (random() < 0.01) row.baseType = 'STRING';
      rows.push(row);
    }
    const reference = JSON.stringify({ values: { dataShape: { fieldDefinitions: NAMED_VTQ_FIELD_DEFINITIONS }, rows: rows.map(encodeVtqRow) } });
    const body = encodeUpdatePropertyValuesBody(rows);
    t.is(body.toString('utf8'), reference, `round ${round}`);
    t.true(body.equals(Buffer.from(reference, 'utf8')), `round ${round}: the same bytes`);
  }
});

test('a NamedVtqRow serialises as exactly the wire fields, in wire order', (t) => {
  t.is(JSON.stringify(new NamedVtqRow('Layer', 152, T, 'GOOD')), '{"name":"Layer","value":152,"time":1764238502123,"quality":"GOOD"}');
});

test('numbers and texts at the edges of the byte writer come out as JSON.stringify writes them', (t) => {
  const numbers = [
    0, -0, 7, -7, 9, 10, 99_999_999, 100_000_000, 100_000_001, -100_000_000, 2 ** 31 - 1, 2 ** 31, -(2 ** 31),
    1_764_238_502_123, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53, 1e21, -1e21, 1.5, -0.25, 0.1 + 0.2,
    5e-324, 1.7976931348623157e308, 123_456_789.125,
  ];
  const texts = ['', 'plain', '"', '\\', '\u0000', '\u001f', '\u007f', 'é', '温度', '🖨️', '\ud800', 'a\udc00b', '</script>', '~ ~'];
  const rows: VtqRow[] = [
    ...numbers.map((value, i) => new NamedVtqRow(`N${i}`, value, T + i, 'GOOD')),
    ...numbers.map((time, i) => new NamedVtqRow('Time', i, time, 'BAD')),
    ...texts.map((value, i) => new NamedVtqRow(texts[(i + 1) % texts.length] || 'name', value, T, 'UNKNOWN')),
    new NamedVtqRow('Flag', true, T, 'GOOD'),
    new NamedVtqRow('Flag', false, T, 'GOOD'),
  ];
  const reference = JSON.stringify({ values: { dataShape: { fieldDefinitions: NAMED_VTQ_FIELD_DEFINITIONS }, rows: rows.map(encodeVtqRow) } });
  t.true(encodeUpdatePropertyValuesBody(rows).equals(Buffer.from(reference, 'utf8')));
  // A body far larger than the writer's first buffer, then a small one: neither carries bytes of the other.
  const large = Array.from({ length: 3_000 }, (_, i) => new NamedVtqRow('LongText', 'x'.repeat(100 + (i % 7)), T + i, 'GOOD'));
  const largeReference = JSON.stringify({ values: { dataShape: { fieldDefinitions: NAMED_VTQ_FIELD_DEFINITIONS }, rows: large } });
  t.true(encodeUpdatePropertyValuesBody(large).equals(Buffer.from(largeReference, 'utf8')));
  t.is(encodeUpdatePropertyValuesBody(rows.slice(0, 1)).toString('utf8'), JSON.stringify({ values: { dataShape: { fieldDefinitions: NAMED_VTQ_FIELD_DEFINITIONS }, rows: rows.slice(0, 1) } }));
});
