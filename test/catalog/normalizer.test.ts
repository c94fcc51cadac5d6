import test from 'ava';
import { DEFAULT_FAMILIES } from '../../config/default-catalog.js';
import { logEventId } from '../../protocols/beats/event-ids.js';
import { addDropCounts, catalogView, emptyDropCounts, normalizeBeatsEvents, normalizeReadings } from '../../domain/catalog/normalizer.js';
import type { Reading } from '../../domain/readings.js';

const mjp = DEFAULT_FAMILIES.mjp;
const sla = DEFAULT_FAMILIES['projet-6k'];
if (!mjp || !sla) throw new Error('the default catalog lacks mjp or projet-6k');

function reading(item: string, value: Reading['value']): Reading {
  return { printer: 'p03', item, value, time: 1, receivedAt: 2, quality: 'GOOD', source: 'push', eventId: 'p03/push/1@1' };
}

test('a batch that keeps every reading keeps them in order and counts no drop', (t) => {
  const readings = [reading('Layer', 3), reading('BuildState', 'building'), reading('WasteLevel', 20.5)];
  const normalized = normalizeReadings(catalogView(mjp), readings);
  t.deepEqual(normalized.readings, readings);
  t.deepEqual({ ...normalized.drops }, emptyDropCounts());
  const total = emptyDropCounts();
  addDropCounts(total, normalized.drops);
  t.deepEqual(total, emptyDropCounts());
});

test('off-catalog and unsendable readings are dropped wherever they are in the batch, and counted', (t) => {
  const readings = [
    reading('Layer', 3),
    reading('SecretFileName', 'bracket.ctl'),
    reading('WasteLevel', 20.5),
    reading('PrintHeadTemperature', Number.NaN),
    reading('BuildState', 'building'),
  ];
  const normalized = normalizeReadings(catalogView(mjp), readings);
  t.deepEqual(
    normalized.readings.map((r) => r.item),
    ['Layer', 'WasteLevel', 'BuildState'],
  );
  t.is(normalized.drops.off_catalog, 1);
  t.is(normalized.drops.not_sendable, 1);
  t.is(readings.length, 5, 'the input is left as it was');
  const total = emptyDropCounts();
  addDropCounts(total, normalized.drops);
  addDropCounts(total, normalized.drops);
  t.is(total.off_catalog, 2);
});

test('a Beats window: readings of matched lines, one per Metricbeat sample, and every drop counted', (t) => {
  const at = '2026-11-27T10:15:02.123Z';
  const origin = { host: { name: 'printer-01' }, fields: { printer_id: 'p01' } };
  const line = (message: string, offset: number) => ({
    '@timestamp': at,
    message,
    log: { file: { path: '/var/log/printer.log' }, offset },
    ...origin,
  });
  const events = [
    line(`${at} THERMAL VatTemp=30.1C Setpoint=30.0C`, 0),
    line(`${at} JOBFILE name=bracket_v7_final.ctl`, 60),
    {
      '@timestamp': at,
      metricset: { name: 'cpu' },
      event: { module: 'system' },
      system: { cpu: { total: { norm: { pct: 0.25 } } } },
      ...origin,
    },
    { not: 'a beats document' },
    line('x'.repeat(100_000), 120),
  ];
  const normalized = normalizeBeatsEvents('p01', catalogView(sla), events, 5);
  t.deepEqual(
    normalized.readings.map((r) => [r.item, r.value, r.source, r.eventId]),
    [
      [
        'VatTemperature',
        30.1,
        'filebeat',
        logEventId('p01', '/var/log/printer.log', undefined, 0, `${at} THERMAL VatTemp=30.1C Setpoint=30.0C`),
      ],
      ['CpuUsage', 0.25, 'metricbeat', `p01/metricbeat/cpu@${Date.parse(at)}`],
    ],
  );
  t.is(normalized.linesMatched, 1);
  t.like(normalized.drops, { unknown_document: 1, log_no_match: 1, log_too_long: 1, off_catalog: 0 });
});

test('each log line of a window carries its own file, offset and line in its event id', (t) => {
  const at = '2026-11-27T10:15:02.123Z';
  const message = (offset: number) => `${at} RESIN level=${offset}%`;
  const line = (path: string, offset: number, inode?: string) => ({
    '@timestamp': at,
    message: message(offset),
    log: { file: inode === undefined ? { path } : { path, inode, device_id: '2049' }, offset },
  });
  const events = [
    line('/var/log/a.log', 0),
    line('/var/log/a.log', 40),
    line('/var/log/b.log', 40),
    line('/var/log/a.log', 80),
    line('/var/log/a.log', 80, '131'),
    line('/var/log/a.log', 80, '132'),
  ];
  const normalized = normalizeBeatsEvents('p01', catalogView(sla), events, 5);
  t.deepEqual(
    normalized.readings.map((r) => r.eventId),
    [
      logEventId('p01', '/var/log/a.log', undefined, 0, message(0)),
      logEventId('p01', '/var/log/a.log', undefined, 40, message(40)),
      logEventId('p01', '/var/log/b.log', undefined, 40, message(40)),
      logEventId('p01', '/var/log/a.log', undefined, 80, message(80)),
      logEventId('p01', '/var/log/a.log', 'inode:2049:131', 80, message(80)),
      logEventId('p01', '/var/log/a.log', 'inode:2049:132', 80, message(80)),
    ],
  );
  t.is(new Set(normalized.readings.map((r) => r.eventId)).size, 6);
});

test('the same file, offset and line get the same id in any window; new content at an old offset does not', (t) => {
  const at = '2026-11-27T10:15:02.123Z';
  const line = (text: string, offset: number) => ({
    '@timestamp': at,
    message: `${at} RESIN level=${text}%`,
    log: { file: { path: '/var/log/printer.log', inode: '131', device_id: '2049' }, offset },
  });
  const ids = (events: object[]) => normalizeBeatsEvents('p01', catalogView(sla), events, 5).readings.map((r) => r.eventId);
  const first = ids([line('10', 0), line('11', 40)]);
  t.deepEqual(ids([line('10', 0), line('11', 40)]), first, 'a re-send');
  const truncated = ids([line('12', 0), line('13', 40)]);
  t.false(
    truncated.some((id) => first.includes(id)),
    'copytruncate: offsets restart with new lines',
  );
});
