import test from 'ava';
import { DEFAULT_FAMILIES } from '../../config/default-catalog.js';
import { addDropCounts, catalogView, emptyDropCounts, normalizeBeatsEvents, normalizeReadings } from '../../protocols/catalog/normalizer.js';
import type { Reading } from '../../protocols/readings.js';

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
  t.deepEqual(normalized.readings.map((r) => r.item), ['Layer', 'WasteLevel', 'BuildState']);
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
  const line = (message: string, offset: number) => ({ '@timestamp': at, message, log: { file: { path: '/var/log/printer.log' }, offset }, ...origin });
  const events = [
    line(`${at} THERMAL VatTemp=30.1C Setpoint=30.0C`, 0),
    line(`${at} JOBFILE name=bracket_v7_final.ctl`, 60),
    { '@timestamp': at, metricset: { name: 'cpu' }, event: { module: 'system' }, system: { cpu: { total: { norm: { pct: 0.25 } } } }, ...origin },
    { not: 'a beats document' },
    line('x'.repeat(100_000), 120),
  ];
  const normalized = normalizeBeatsEvents('p01', catalogView(sla), events, 5);
  t.deepEqual(
    normalized.readings.map((r) => [r.item, r.value, r.source, r.eventId]),
    [
      ['VatTemperature', 30.1, 'filebeat', 'p01/filebeat//var/log/printer.log@0'],
      ['CpuUsage', 0.25, 'metricbeat', `p01/metricbeat/cpu@${Date.parse(at)}`],
    ],
  );
  t.is(normalized.linesMatched, 1);
  t.like(normalized.drops, { unknown_document: 1, log_no_match: 1, log_too_long: 1, off_catalog: 0 });
});

test('each log line of a window carries its own file and offset in its event id', (t) => {
  const at = '2026-11-27T10:15:02.123Z';
  const line = (path: string, offset: number) => ({
    '@timestamp': at,
    message: `${at} RESIN level=${offset}%`,
    log: { file: { path }, offset },
  });
  const events = [line('/var/log/a.log', 0), line('/var/log/a.log', 40), line('/var/log/b.log', 40), line('/var/log/a.log', 80)];
  const normalized = normalizeBeatsEvents('p01', catalogView(sla), events, 5);
  t.deepEqual(
    normalized.readings.map((r) => r.eventId),
    ['p01/filebeat//var/log/a.log@0', 'p01/filebeat//var/log/a.log@40', 'p01/filebeat//var/log/b.log@40', 'p01/filebeat//var/log/a.log@80'],
  );
});
