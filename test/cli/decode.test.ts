import test from 'ava';
import { decodeMetrics, decodePrinters, decodeRestart, decodeStatus, decodeUplink, SnapshotError } from '../../cli/views/decode.js';
import { metricsResult } from '../../protocols/control/metric-family.js';
import { PRINTERS, STATUS, UPLINK } from './snapshots.js';

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

test('snapshots survive JSON and decode to what was sent', (t) => {
  t.deepEqual(
    decodeStatus(viaJson(STATUS)).actors.map((actor) => actor.path),
    STATUS.actors.map((actor) => actor.path),
  );
  t.deepEqual(decodePrinters(viaJson(PRINTERS)), PRINTERS);
  t.deepEqual(decodeUplink(viaJson(UPLINK)), UPLINK);
  const p02 = decodeStatus(viaJson(STATUS)).actors[0];
  t.deepEqual(p02?.lastError, STATUS.actors[0]?.lastError);
  t.is(p02?.startedAt, null);
});

test('a bad field is named in the error', (t) => {
  const broken = viaJson(STATUS) as { actors: Array<Record<string, unknown>> };
  broken.actors[2]!.status = 'sleeping';
  const error = t.throws(() => decodeStatus(broken), { instanceOf: SnapshotError });
  t.is(error?.field, 'actors[2].status');
  t.is(
    t.throws(() => decodeUplink({ ...UPLINK, queue: { ...UPLINK.queue, bytes: -1 } }), { instanceOf: SnapshotError })?.field,
    'queue.bytes',
  );
  t.is(t.throws(() => decodePrinters(null), { instanceOf: SnapshotError })?.field, '');
  const badHold = viaJson(UPLINK) as { things: Array<{ hold: Record<string, unknown> | null }> };
  badHold.things[1]!.hold!.retryInMs = -5;
  t.is(t.throws(() => decodeUplink(badHold), { instanceOf: SnapshotError })?.field, 'things[1].hold.retryInMs');
  t.is(t.throws(() => decodeRestart({ path: 'x' }), { instanceOf: SnapshotError })?.field, 'accepted');
});

test('metric families travel through JSON with their non-finite values intact', (t) => {
  const families = [
    {
      name: 'g',
      help: 'h',
      type: 'gauge' as const,
      samples: [{ labels: { k: 'v' }, value: Number.NaN }, { value: Number.POSITIVE_INFINITY }],
    },
    { name: 'c', help: 'h', type: 'counter' as const, unit: undefined, samples: [{ value: 3 }] },
  ];
  const decoded = decodeMetrics(viaJson(metricsResult(families)));
  t.true(Number.isNaN(decoded[0]?.samples[0]?.value));
  t.is(decoded[0]?.samples[1]?.value, Number.POSITIVE_INFINITY);
  t.deepEqual(decoded[0]?.samples[0]?.labels, { k: 'v' });
  t.is(decoded[1]?.samples[0]?.value, 3);
  t.is(
    t.throws(() => decodeMetrics({ families: [{ ...families[1], type: 'histogram' }] }), { instanceOf: SnapshotError })?.field,
    'families[0].type',
  );
});

test('printers: drop counts and refusals are checked; a daemon without them reads as nothing counted', (t) => {
  const refused = [{ reason: 'unknown_printer', peer: 'CN=stranger', count: 3 }];
  t.deepEqual(decodePrinters(viaJson({ ...PRINTERS, refused })).refused, refused);
  const old = viaJson(PRINTERS) as { refused?: unknown; printers: Array<Record<string, unknown>> };
  delete old.refused;
  delete old.printers[0]!.dropped;
  const decoded = decodePrinters(old);
  t.deepEqual(decoded.refused, []);
  t.deepEqual(decoded.printers[0]?.dropped, { total: 0, byReason: {} });
  const negative = viaJson(PRINTERS) as { printers: Array<{ dropped: { byReason: Record<string, number> } }> };
  negative.printers[0]!.dropped.byReason.log_no_match = -1;
  t.is(t.throws(() => decodePrinters(negative), { instanceOf: SnapshotError })?.field, 'printers[0].dropped.byReason.log_no_match');
  t.is(
    t.throws(() => decodePrinters({ ...PRINTERS, refused: [{ reason: 'unknown_printer', peer: 7, count: 1 }] }), {
      instanceOf: SnapshotError,
    })?.field,
    'refused[0].peer',
  );
});
