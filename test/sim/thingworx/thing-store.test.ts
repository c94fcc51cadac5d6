import test from 'ava';
import { DecodedRows } from '../../../sim/thingworx/infotable-decoder.js';
import { ThingStore } from '../../../sim/thingworx/thing-store.js';

const T = 1764238502123;

function rowsOf(...rows: [string, number | string | boolean, ('NUMBER' | 'INTEGER' | 'STRING' | 'BOOLEAN' | 'DATETIME')?][]): DecodedRows {
  const decoded = new DecodedRows();
  rows.forEach(([name, value, baseType], index) => {
    decoded.push(
      name,
      value,
      baseType ?? (typeof value === 'number' ? 'NUMBER' : typeof value === 'boolean' ? 'BOOLEAN' : 'STRING'),
      T + index,
      index === 1 ? 'BAD' : 'GOOD',
    );
  });
  return decoded;
}

test('records come back as they were added, every base type and quality', (t) => {
  const store = new ThingStore(100);
  store.add(
    'p01',
    5000,
    'UpdatePropertyValues',
    rowsOf(['Vat', 30.1], ['Layer', 152, 'INTEGER'], ['State', 'building'], ['Door', true], ['Since', T, 'DATETIME']),
  );
  store.add('p02', 6000, 'PUT', rowsOf(['Door', false]));
  t.deepEqual(store.records, [
    { name: 'Vat', value: 30.1, baseType: 'NUMBER', time: T, quality: 'GOOD', thing: 'p01', arrivedAt: 5000, via: 'UpdatePropertyValues' },
    {
      name: 'Layer',
      value: 152,
      baseType: 'INTEGER',
      time: T + 1,
      quality: 'BAD',
      thing: 'p01',
      arrivedAt: 5000,
      via: 'UpdatePropertyValues',
    },
    {
      name: 'State',
      value: 'building',
      baseType: 'STRING',
      time: T + 2,
      quality: 'GOOD',
      thing: 'p01',
      arrivedAt: 5000,
      via: 'UpdatePropertyValues',
    },
    {
      name: 'Door',
      value: true,
      baseType: 'BOOLEAN',
      time: T + 3,
      quality: 'GOOD',
      thing: 'p01',
      arrivedAt: 5000,
      via: 'UpdatePropertyValues',
    },
    {
      name: 'Since',
      value: T,
      baseType: 'DATETIME',
      time: T + 4,
      quality: 'GOOD',
      thing: 'p01',
      arrivedAt: 5000,
      via: 'UpdatePropertyValues',
    },
    { name: 'Door', value: false, baseType: 'BOOLEAN', time: T, quality: 'GOOD', thing: 'p02', arrivedAt: 6000, via: 'PUT' },
  ]);
  t.is(store.latestValue('p01', 'Door')?.value, true);
  t.is(store.latestValue('p02', 'Door')?.value, false);
  t.is(store.latestValue('p02', 'Vat'), undefined);
  t.is(store.latestValue('p03', 'Vat'), undefined);
  const columns = store.columns();
  t.deepEqual(
    Array.from(columns.thingIndex, (thing, index) => [
      columns.things[thing],
      columns.names[columns.nameIndex[index] as number],
      columns.time[index],
      columns.arrivedAt[index],
    ]),
    store.records.map((record) => [record.thing, record.name, record.time, record.arrivedAt]),
  );
});

test('records is one array, kept up to date when read again, and emptied by clear', (t) => {
  const store = new ThingStore(100);
  const records = store.records;
  store.add('p01', 1, 'UpdatePropertyValues', rowsOf(['A', 1], ['B', 2]));
  t.is(store.records, records);
  t.is(records.length, 2);
  store.clear();
  t.is(store.records.length, 0);
  t.is(records.length, 0);
  t.is(store.latestValue('p01', 'A'), undefined);
  store.add('p01', 2, 'UpdatePropertyValues', rowsOf(['C', 3]));
  t.deepEqual(
    store.records.map((record) => record.name),
    ['C'],
  );
});

test('past the cap the oldest tenth goes, growth keeps every row, and a latest value outlives its evicted row', (t) => {
  const store = new ThingStore(10_000);
  const batch = new DecodedRows();
  for (let index = 0; index < 6_000; index++) {
    if (index % 5 === 0) batch.push('State', `s${index}`, 'STRING', T + index, 'GOOD');
    else batch.push(`P${index % 7}`, index, 'NUMBER', T + index, 'GOOD');
  }
  store.add('p01', 1, 'UpdatePropertyValues', rowsOf(['Early', 'only once']));
  store.add('p01', 2, 'UpdatePropertyValues', batch);
  t.is(store.length, 6_001);
  t.is(store.records[6_000]?.value, 5_999);
  store.add('p02', 3, 'UpdatePropertyValues', batch);
  // 12,001 rows: 2,001 over the cap, and a tenth of the cap more.
  t.is(store.evicted, 3_001);
  t.is(store.length, 9_000);
  t.is(store.records.length, 9_000);
  t.like(store.records[0], { thing: 'p01', name: 'State', value: 's3000', time: T + 3_000 });
  t.like(store.records[1], { thing: 'p01', value: 3_001 });
  t.like(store.records[8_999], { thing: 'p02', value: 5_999 });
  t.like(store.records[8_995], { thing: 'p02', value: 's5995', baseType: 'STRING' });
  t.like(store.latestValue('p01', 'Early'), { value: 'only once', arrivedAt: 1 });
  t.like(store.latestValue('p01', 'State'), { value: 's5995', arrivedAt: 2 });
});
