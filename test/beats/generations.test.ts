import { readdirSync, readFileSync } from 'node:fs';
import test from 'ava';
import { BEATS_DOCUMENT_FIELDS, type BeatsDocument, decodeBeatsEvent } from '../../protocols/beats/documents.js';
import { identifyPrinter } from '../../protocols/beats/identify-printer.js';
import { metricbeatReadings } from '../../protocols/beats/metricbeat-readings.js';
import { selectFields } from '../../protocols/lumberjack/field-selection.js';
import { identifyWindow } from '../../domain/catalog/normalizer.js';

/** Filebeat and Metricbeat documents of 6.x, 7.x and 8.x, written from the public field references (see the README). */
const GENERATIONS = new URL('../fixtures/beats/generations/', import.meta.url);

function fixtureText(name: string): string {
  return readFileSync(new URL(name, GENERATIONS), 'utf8');
}

function fixture(name: string): unknown {
  return JSON.parse(fixtureText(name)) as unknown;
}

const PRINTERS = [
  { id: 'p01', identity: { hostName: 'projet-01' } },
  { id: 'p02', identity: { hostName: 'projet-02', fieldsPrinterId: 'p02' } },
];
const PEER = { remoteAddress: '10.0.0.50' };
const RECEIVED_AT = 1_800_000_000_000;

/** What each fixture must decode to: the line or the one reading, and its time. */
const EXPECTED: Record<
  string,
  { time: string } & ({ line: string; file: string; offset: number; fileId?: string } | { item: string; value: number })
> = {
  'filebeat-6.x.json': {
    time: '2026-11-27T10:15:02.500Z',
    line: '2026-11-27T10:15:02.123Z THERMAL VatTemp=30.1C Setpoint=30.0C',
    file: '/var/log/printer.log',
    offset: 4096,
  },
  'filebeat-7.17.json': {
    time: '2026-11-27T10:15:03.500Z',
    line: '2026-11-27T10:15:03.010Z RESIN level=71.5%',
    file: '/var/log/printer.log',
    offset: 4160,
  },
  'filebeat-8.15-filestream.json': {
    time: '2026-11-27T10:15:04.500Z',
    line: '2026-11-27T10:15:04.000Z LASER power=0.98W',
    file: '/var/log/printer.log',
    offset: 4224,
    fileId: 'inode:2049:498513',
  },
  'filebeat-8.15-fingerprint.json': {
    time: '2026-11-27T10:15:05.500Z',
    line: '2026-11-27T10:15:05.000Z THERMAL VatTemp=30.4C Setpoint=30.0C',
    file: '/var/log/printer.log',
    offset: 4288,
    fileId: 'fingerprint:7f97b9669907bae0d4a668e0b7b684bcbd11491ccc3eb7cb433151f51b614028',
  },
  // 6.x sends cpu percentages only (0..cores): 2.3169 over 4 cores.
  'metricbeat-6.x-cpu.json': { time: '2026-11-27T10:15:10.000Z', item: 'CpuUsage', value: 2.3169 / 4 },
  'metricbeat-6.x-memory.json': { time: '2026-11-27T10:15:10.000Z', item: 'MemoryUsage', value: 0.6832 },
  'metricbeat-6.x-filesystem.json': { time: '2026-11-27T10:15:10.000Z', item: 'FilesystemUsage_root', value: 0.2053 },
  'metricbeat-7.17-cpu.json': { time: '2026-11-27T10:15:20.000Z', item: 'CpuUsage', value: 0.0457 },
  'metricbeat-7.17-memory.json': { time: '2026-11-27T10:15:20.000Z', item: 'MemoryUsage', value: 0.3108 },
  'metricbeat-7.17-filesystem.json': { time: '2026-11-27T10:15:20.000Z', item: 'FilesystemUsage_data', value: 0.5691 },
  'metricbeat-8.15-cpu.json': { time: '2026-11-27T10:15:30.000Z', item: 'CpuUsage', value: 0.123 },
  'metricbeat-8.15-memory.json': { time: '2026-11-27T10:15:30.000Z', item: 'MemoryUsage', value: 0.9066 },
  'metricbeat-8.15-filesystem.json': { time: '2026-11-27T10:15:30.000Z', item: 'FilesystemUsage_root', value: 0.4946 },
};

test('there is a fixture of Filebeat and of Metricbeat cpu, memory and filesystem for each generation, and each is checked', (t) => {
  const files = readdirSync(GENERATIONS).filter((name) => name.endsWith('.json'));
  t.deepEqual(files.sort(), Object.keys(EXPECTED).sort());
  for (const generation of ['6.x', '7.17', '8.15']) {
    t.true(
      files.some((name) => name.startsWith(`filebeat-${generation}`)),
      `filebeat ${generation}`,
    );
    for (const metricset of ['cpu', 'memory', 'filesystem']) t.true(files.includes(`metricbeat-${generation}-${metricset}.json`));
  }
});

for (const [name, expected] of Object.entries(EXPECTED)) {
  test(`${name} decodes to its ${'line' in expected ? 'line' : 'reading'} and identifies the printer by hostName`, (t) => {
    const decoded = decodeBeatsEvent(fixture(name));
    const time = Date.parse(expected.time);
    if ('line' in expected) {
      t.like(decoded, { kind: 'log', time, line: expected.line, file: expected.file, offset: expected.offset });
      t.is((decoded as Extract<BeatsDocument, { kind: 'log' }>).fileId, expected.fileId);
    } else {
      t.is(decoded.kind, 'metrics');
      const [reading, ...rest] = metricbeatReadings('p01', decoded, RECEIVED_AT);
      t.is(rest.length, 0);
      t.like(reading, { item: expected.item, time, source: 'metricbeat', quality: 'GOOD' });
      t.true(Math.abs((reading?.value as number) - expected.value) < 1e-12, `${String(reading?.value)} ≈ ${expected.value}`);
    }
    t.is(identifyPrinter(PEER, decoded, PRINTERS), 'p01');
    t.deepEqual(identifyWindow(PEER, [fixture(name)], PRINTERS), { printer: 'p01' });
    // As the adapter's listener builds it (only the selected fields), it decodes the same.
    t.deepEqual(decodeBeatsEvent(selectFields(JSON.parse(fixtureText(name)), BEATS_DOCUMENT_FIELDS)), decoded);
  });
}

test('a configured hostName matches host.name, agent.hostname or beat.hostname, and only that printer', (t) => {
  const base = { '@timestamp': '2026-11-27T10:15:00.000Z', message: 'm', log: { file: { path: '/l' }, offset: 0 } };
  for (const origin of [{ host: { name: 'projet-01' } }, { agent: { hostname: 'projet-01' } }, { beat: { hostname: 'projet-01' } }]) {
    t.is(identifyPrinter(PEER, decodeBeatsEvent({ ...base, ...origin }), PRINTERS), 'p01', JSON.stringify(origin));
  }
  // host.name is read first; a different host in another field does not steal the window.
  t.is(identifyPrinter(PEER, decodeBeatsEvent({ ...base, host: { name: 'projet-02' }, beat: { hostname: 'projet-01' } }), PRINTERS), 'p02');
  // beat.name and agent.name are the Beat's name (configurable), not the host: they identify nothing.
  t.is(
    identifyPrinter(PEER, decodeBeatsEvent({ ...base, beat: { name: 'projet-01' }, agent: { name: 'projet-01' } }), PRINTERS),
    undefined,
  );
  // fields.printer_id still outranks any host name.
  t.is(
    identifyPrinter(PEER, decodeBeatsEvent({ ...base, fields: { printer_id: 'p02' }, beat: { hostname: 'projet-01' } }), PRINTERS),
    'p02',
  );
});

test('a 6.x cpu sample without cores cannot be normalized and is refused with a reason', (t) => {
  const doc = fixture('metricbeat-6.x-cpu.json') as { system: { cpu: Record<string, unknown> } };
  delete doc.system.cpu.cores;
  t.like(decodeBeatsEvent(doc), {
    kind: 'unknown',
    reason: 'cpu sample without system.cpu.total.norm.pct (or total.pct and cores)',
    beatHostName: 'projet-01',
  });
});

test('7.x and 8.x names win where a document has both generations', (t) => {
  const doc = {
    '@timestamp': '2026-11-27T10:15:00.000Z',
    message: 'new',
    log: { file: { path: '/new.log' }, offset: 9 },
    source: '/old.log',
    offset: 1,
  };
  t.like(decodeBeatsEvent(doc), { kind: 'log', file: '/new.log', offset: 9 });
  const metric = { '@timestamp': '2026-11-27T10:15:00.000Z', metricset: { name: 'memory', module: 'docker' }, event: { module: 'system' } };
  t.like(decodeBeatsEvent({ ...metric, system: { memory: { actual: { used: { pct: 0.5 } } } } }), {
    kind: 'metrics',
    memoryActualUsedPct: 0.5,
  });
});
