import test from 'ava';
import { adapterHealthRows } from '../../protocols/thingworx/adapter-health.js';
import { encodeUpdatePropertyValuesBody } from '../../protocols/thingworx/named-vtq.js';

test('health becomes a fixed set of typed rows that encode', (t) => {
  const rows = adapterHealthRows(
    {
      uptimeMs: 3_723_900,
      printersConnected: 17,
      printersConfigured: 20,
      queueReadings: 1200,
      queueBytes: 250_000,
      delivered: 5_000_000_000,
      droppedByReason: { 'unknown-item': 4, conflated: 30 },
    },
    1000,
  );
  t.deepEqual(
    rows.map((row) => [row.name, row.value, row.baseType]),
    [
      ['UptimeSeconds', 3723, 'NUMBER'],
      ['PrintersConnected', 17, 'INTEGER'],
      ['PrintersConfigured', 20, 'INTEGER'],
      ['QueueReadings', 1200, 'NUMBER'],
      ['QueueBytes', 250_000, 'NUMBER'],
      ['Delivered', 5_000_000_000, 'NUMBER'],
      ['DroppedTotal', 34, 'NUMBER'],
      ['DroppedByReason', '{"conflated":30,"unknown-item":4}', 'STRING'],
    ],
  );
  t.true(rows.every((row) => row.time === 1000 && row.quality === 'GOOD'));
  t.notThrows(() => encodeUpdatePropertyValuesBody(rows));
});
