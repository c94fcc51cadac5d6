import { readFileSync } from 'node:fs';
import test from 'ava';
import { filesystemUsageItem as catalogFilesystemItem } from '../../config/default-catalog.js';
import { BEATS_DOCUMENT_FIELDS, decodeBeatsEvent } from '../../protocols/beats/documents.js';
import { logEventId } from '../../protocols/beats/event-ids.js';
import { identifyPrinter } from '../../protocols/beats/identify-printer.js';
import { filesystemUsageItem, metricbeatReadings } from '../../protocols/beats/metricbeat-readings.js';
import { LumberjackDecoder, drainWindows } from '../../protocols/lumberjack/decoder.js';
import { selectFields } from '../../protocols/lumberjack/field-selection.js';
import { seededRandom } from '../../sim/seeded-random.js';
import { DEFAULT_LUMBERJACK_LIMITS } from '../../config/defaults.js';

const FIXTURES = new URL('../fixtures/beats/', import.meta.url);
const [filebeat, metricbeatCpu, metricbeatMemory] = readFileSync(new URL('events.ndjson', FIXTURES), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as unknown);

const filesystemSample = (mountPoint: string, pct: number) => ({
  '@timestamp': '2025-12-28T04:56:20.000Z',
  '@metadata': { beat: 'metricbeat', type: '_doc', version: '9.2.3' },
  metricset: { name: 'filesystem', period: 60000 },
  event: { dataset: 'system.filesystem', module: 'system' },
  system: { filesystem: { mount_point: mountPoint, used: { pct, bytes: 2 ** 60 }, total: 2 ** 62, free: 1 } },
  host: { name: 'printer-01' },
  fields: { printer_id: 'p07' },
});

test('a Filebeat document becomes a log line with its file, offset, time and origin', (t) => {
  t.deepEqual(decodeBeatsEvent(filebeat), {
    kind: 'log',
    time: Date.parse('2024-09-07T08:02:54.662Z'),
    line: 'hello world',
    file: '/home/zwf/workspace/experiment/beats/filebeat/x.log',
    offset: 0,
    hostName: 'zwf',
  });
});

test('a Filebeat line carries exactly the origin fields its document says', (t) => {
  const line = (origin: object) => ({
    '@timestamp': '2026-11-27T10:15:00.000Z',
    message: 'x',
    log: { file: { path: '/p' }, offset: 7 },
    ...origin,
  });
  const decoded = { kind: 'log', time: Date.parse('2026-11-27T10:15:00.000Z'), line: 'x', file: '/p', offset: 7 };
  t.deepEqual(decodeBeatsEvent(line({ host: { name: 'h1' }, fields: { printer_id: 'p03' } })), {
    ...decoded,
    hostName: 'h1',
    fieldsPrinterId: 'p03',
  });
  t.deepEqual(decodeBeatsEvent(line({ fields: { printer_id: 'p03' } })), { ...decoded, fieldsPrinterId: 'p03' });
  t.deepEqual(decodeBeatsEvent(line({ host: { name: 7 } })), decoded);
});

test('the go-lumber captures decode as Filebeat lines', (t) => {
  const decoder = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS);
  decoder.push(readFileSync(new URL('golumber-sync-plain-w5.bin', FIXTURES)));
  const lines = drainWindows(decoder).flatMap((w) => w.events.map(decodeBeatsEvent));
  t.is(lines.length, 12);
  t.like(lines[3], { kind: 'log', line: 'line 3', file: '/var/log/printer.log', hostName: 'printer-01' });
  // Built only to the fields the decoder reads (as the adapter's listener does), they decode the same.
  const selecting = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS, BEATS_DOCUMENT_FIELDS);
  selecting.push(readFileSync(new URL('golumber-sync-plain-w5.bin', FIXTURES)));
  t.deepEqual(
    drainWindows(selecting).flatMap((w) => w.events.map(decodeBeatsEvent)),
    lines,
  );
});

test('Metricbeat cpu, memory and filesystem samples become readings per DATA-ITEMS.md', (t) => {
  const receivedAt = 1_800_000_000_000;
  const cpu = decodeBeatsEvent(metricbeatCpu);
  t.like(cpu, { kind: 'metrics', metricset: 'cpu', cpuTotalNormPct: 0.123, hostName: 'Kyeongchanui-MacBookPro.local' });
  const cpuTime = Date.parse('2025-12-28T04:56:17.004Z');
  t.deepEqual(metricbeatReadings('p01', cpu, receivedAt), [
    {
      printer: 'p01',
      item: 'CpuUsage',
      value: 0.123,
      time: cpuTime,
      receivedAt,
      quality: 'GOOD',
      source: 'metricbeat',
      eventId: `p01/metricbeat/cpu@${cpuTime}`,
    },
  ]);
  t.like(metricbeatReadings('p01', decodeBeatsEvent(metricbeatMemory), receivedAt)[0], { item: 'MemoryUsage', value: 0.9067 });
  const filesystem = decodeBeatsEvent(filesystemSample('/var/log', 0.42));
  t.like(filesystem, { kind: 'metrics', metricset: 'filesystem', mountPoint: '/var/log', fieldsPrinterId: 'p07' });
  t.like(metricbeatReadings('p07', filesystem, receivedAt)[0], {
    item: 'FilesystemUsage_var_log',
    value: 0.42,
    eventId: `p07/metricbeat/filesystem:/var/log@${Date.parse('2025-12-28T04:56:20.000Z')}`,
  });
  t.deepEqual(metricbeatReadings('p01', decodeBeatsEvent(filebeat), receivedAt), []);
});

test('mount points become property-name-safe items, as the catalog names them', (t) => {
  const cases: [string, string][] = [
    ['/', 'FilesystemUsage_root'],
    ['/data', 'FilesystemUsage_data'],
    ['/var/log', 'FilesystemUsage_var_log'],
    ['/mnt/usb-stick 2/', 'FilesystemUsage_mnt_usb_stick_2'],
    ['C:\\', 'FilesystemUsage_C_'],
  ];
  for (const [mount, item] of cases) {
    t.is(filesystemUsageItem(mount), item);
    t.is(catalogFilesystemItem(mount), item, 'config/default-catalog.ts names it the same');
  }
});

test('anything else is unknown, with a reason, and never throws', (t) => {
  const base = { '@timestamp': '2025-01-01T00:00:00Z' };
  const cases: [unknown, RegExp][] = [
    [null, /not a JSON object/],
    [[1, 2], /not a JSON object/],
    ['text', /not a JSON object/],
    [{ message: 'x' }, /missing @timestamp/],
    [{ '@timestamp': 'yesterday', message: 'x' }, /unreadable @timestamp/],
    [{ ...base, message: 'x', log: { offset: 1 } }, /log.file.path/],
    [{ ...base, message: 'x', log: { file: { path: '/a' }, offset: -1 } }, /log.offset/],
    [{ ...base, message: 'x', log: { file: { path: '/a' }, offset: '12' } }, /log.offset/],
    [{ ...base, metricset: { name: 'cpu' }, event: { module: 'docker' } }, /module docker/],
    [{ ...base, metricset: { name: 'load' }, event: { module: 'system' } }, /metricset load/],
    [{ ...base, metricset: { name: 'cpu' }, event: { module: 'system' }, system: { cpu: { total: { pct: 1.2 } } } }, /norm.pct/],
    [
      { ...base, metricset: { name: 'memory' }, event: { module: 'system' }, system: { memory: { actual: { used: { pct: 'x' } } } } },
      /actual.used.pct/,
    ],
    [
      { ...base, metricset: { name: 'filesystem' }, event: { module: 'system' }, system: { filesystem: { used: { pct: 0.1 } } } },
      /mount_point/,
    ],
    [{ ...base, host: { name: 'printer-01' } }, /neither/],
  ];
  for (const [doc, reason] of cases) {
    const decoded = decodeBeatsEvent(doc);
    t.is(decoded.kind, 'unknown');
    if (decoded.kind === 'unknown') t.regex(decoded.reason, reason);
  }
  // Inherited properties are not fields: a document cannot borrow a path from Object.prototype.
  t.is(decodeBeatsEvent(JSON.parse('{"@timestamp":"2025-01-01T00:00:00Z","__proto__":{"message":"x"}}')).kind, 'unknown');
  t.like(decodeBeatsEvent({ ...base, host: { name: 'h1' }, fields: { printer_id: 'p03' } }), {
    kind: 'unknown',
    hostName: 'h1',
    fieldsPrinterId: 'p03',
  });
});

test('log event ids: printer, file identity, offset and a digest of the line, with no path or line in them', (t) => {
  const path = '/var/log/printer.log';
  const line = '2026-11-27T10:15:02.123Z THERMAL VatTemp=30.1C';
  const id = logEventId('p01', path, undefined, 1234, line);
  t.regex(id, /^p01\/filebeat\/[0-9a-f]{16}@1234#[0-9a-f]{16}$/);
  t.is(logEventId('p01', path, undefined, 1234, line), id, 'a re-send gets the same id');
  t.false(id.includes('printer.log') || id.includes('THERMAL'));
  t.not(logEventId('p01', path, undefined, 1235, line), id, 'another offset');
  t.not(logEventId('p01', path, undefined, 1234, `${line}0`), id, 'another line at the same offset (copytruncate)');
  t.not(logEventId('p02', path, undefined, 1234, line), id, 'another printer');
  t.not(logEventId('p01', '/var/log/other.log', undefined, 1234, line), id, 'another path, no identity');
  // Where the document carries the file's identity, that is the file, whatever its path.
  const inode = logEventId('p01', path, 'inode:2049:131', 1234, line);
  t.not(inode, id);
  t.not(logEventId('p01', path, 'inode:2049:132', 1234, line), inode, 'a new file renamed onto the path');
  t.is(logEventId('p01', `${path}.1`, 'inode:2049:131', 1234, line), inode, 'the same file renamed away');
});

test('printer identity: TLS subject, then fields.printer_id, host.name, remote address — only fields each printer configures', (t) => {
  const printers = [
    { id: 'p01', identity: { tlsSubject: 'CN=printer-01' } },
    { id: 'p02', identity: { fieldsPrinterId: 'p02', hostName: 'printer-02' } },
    { id: 'p03', identity: { hostName: 'printer-03' } },
    { id: 'p04', identity: { remoteAddress: '10.0.0.4' } },
    { id: 'p05', identity: { remoteAddress: '2001:db8::5' } },
  ];
  const doc = (fields: Record<string, unknown>) =>
    decodeBeatsEvent({ '@timestamp': '2025-01-01T00:00:00Z', message: 'm', log: { file: { path: '/l' }, offset: 0 }, ...fields });
  const peer = (remoteAddress: string, tlsSubject?: string) => (tlsSubject ? { remoteAddress, tlsSubject } : { remoteAddress });

  // The certificate wins over anything the document claims.
  t.is(
    identifyPrinter(peer('10.0.0.4', 'CN=printer-01'), doc({ fields: { printer_id: 'p02' }, host: { name: 'printer-03' } }), printers),
    'p01',
  );
  // An unknown certificate falls through to the next field.
  t.is(identifyPrinter(peer('10.0.0.9', 'CN=stranger'), doc({ fields: { printer_id: 'p02' } }), printers), 'p02');
  t.is(identifyPrinter(peer('10.0.0.9'), doc({ fields: { printer_id: 'p02' }, host: { name: 'printer-03' } }), printers), 'p02');
  t.is(identifyPrinter(peer('10.0.0.9'), doc({ host: { name: 'printer-03' } }), printers), 'p03');
  t.is(identifyPrinter(peer('10.0.0.9'), doc({ host: { name: 'printer-02' } }), printers), 'p02');
  t.is(identifyPrinter(peer('10.0.0.4'), doc({ host: { name: 'unknown-host' } }), printers), 'p04');
  t.is(identifyPrinter(peer('::ffff:10.0.0.4'), doc({}), printers), 'p04', 'IPv4-mapped address');
  t.is(identifyPrinter(peer('2001:DB8::5'), doc({}), printers), 'p05');
  // p01 configures only its certificate: its host name or address alone does not identify it.
  t.is(identifyPrinter(peer('10.0.0.1'), doc({ host: { name: 'printer-01' } }), printers), undefined);
  t.is(identifyPrinter(peer('10.0.0.9'), decodeBeatsEvent('junk'), printers), undefined);
});

test('random documents built from Beats field names never make the decoder throw', (t) => {
  let state = 42;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  const keys = [
    '@timestamp',
    'message',
    'log',
    'file',
    'path',
    'offset',
    'metricset',
    'name',
    'event',
    'module',
    'system',
    'cpu',
    'memory',
    'filesystem',
    'total',
    'norm',
    'pct',
    'actual',
    'used',
    'mount_point',
    'host',
    'fields',
    'printer_id',
    '__proto__',
    'constructor',
  ];
  const leaves = [null, true, 0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, '', 'cpu', 'system', '2025-01-01T00:00:00Z', [], [1]];
  const value = (depth: number): unknown => {
    if (depth > 4 || random() < 0.4) return leaves[Math.floor(random() * leaves.length)];
    const entries = Array.from({ length: Math.floor(random() * 5) }, () => [keys[Math.floor(random() * keys.length)], value(depth + 1)]);
    return JSON.parse(JSON.stringify(Object.fromEntries(entries)));
  };
  const kinds = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const decoded = decodeBeatsEvent(value(0));
    kinds.add(decoded.kind);
    metricbeatReadings('p01', decoded, 0);
  }
  t.true(kinds.has('unknown'));
});

test('@timestamp reads as Date.parse reads it, valid or not', (t) => {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamps = ['2024-02-29T23:59:59.999Z', '2025-02-29T00:00:00.000Z', '2025-04-31T00:00:00.000Z', '2025-01-01T24:00:00.000Z'];
  stamps.push('2025-01-01T00:60:00.000Z', '2025-01-01T00:00:60.000Z', '1969-12-31T23:59:59.999Z', '0099-01-01T00:00:00.000Z');
  stamps.push('2025-01-01T00:00:00.00Z', '2025-01-01T00:00:00,000Z', '2025-01-01 00:00:00.000Z', '2025-01-01T00:00:00.000+01:00');
  stamps.push('2025-1-01T00:00:00.000Z', '+02025-01-01T00:00:00.000Z', '2025-01-01T00:00:00Z', 'Tue, 01 Jan 2030 00:00:00 GMT');
  for (let i = 0; i < 300; i++) {
    const year = 1960 + ((i * 7) % 80);
    const [month, day, hour, minute, second] = [1 + (i % 13), 1 + ((i * 5) % 31), (i * 3) % 25, (i * 11) % 61, (i * 13) % 61];
    stamps.push(
      `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}.${String((i * 37) % 1000).padStart(3, '0')}Z`,
    );
  }
  for (const stamp of stamps) {
    const decoded = decodeBeatsEvent({ '@timestamp': stamp, message: 'm', log: { file: { path: '/l' }, offset: 0 } });
    const expected = Date.parse(stamp);
    if (Number.isFinite(expected)) t.like(decoded, { kind: 'log', time: expected }, stamp);
    else t.like(decoded, { kind: 'unknown', reason: 'unreadable @timestamp' }, stamp);
  }
});

test('fields are read only where the document has them as its own, and of the right type', (t) => {
  const base = { '@timestamp': '2025-01-01T00:00:00.000Z', message: 'm', log: { file: { path: '/l' }, offset: 3 } };
  const inherited = Object.create({ name: 'inherited' }) as object;
  t.like(decodeBeatsEvent({ ...base, host: inherited, fields: [] }), { kind: 'log', hostName: undefined, fieldsPrinterId: undefined });
  t.like(decodeBeatsEvent({ ...base, log: { file: ['/l'], offset: 3 } }), { kind: 'unknown' });
  t.like(decodeBeatsEvent({ ...base, log: { file: { path: '/l' }, offset: '3' } }), { kind: 'unknown' });
  t.like(
    decodeBeatsEvent({
      ...base,
      metricset: { name: 'cpu' },
      event: { module: 'system' },
      system: { cpu: { total: { norm: { pct: 'x' } } } },
    }),
    {
      kind: 'unknown',
      reason: 'cpu sample without system.cpu.total.norm.pct (or total.pct and cores)',
    },
  );
});

test('documents built only to BEATS_DOCUMENT_FIELDS decode exactly as whole ones', (t) => {
  const random = seededRandom(0xbea75);
  const generations = ['filebeat-6.x.json', 'metricbeat-6.x-cpu.json', 'filebeat-7.17.json', 'filebeat-8.15-filestream.json'].map(
    (name) => JSON.parse(readFileSync(new URL(`generations/${name}`, FIXTURES), 'utf8')) as unknown,
  );
  const bases = [filebeat, metricbeatCpu, metricbeatMemory, filesystemSample('/data', 0.5), ...generations].map((doc) =>
    JSON.stringify(doc),
  );
  const paths = [
    ['@timestamp'],
    ['message'],
    ['log'],
    ['log', 'file'],
    ['log', 'file', 'path'],
    ['log', 'offset'],
    ['host', 'name'],
    ['fields', 'printer_id'],
    ['metricset', 'name'],
    ['event', 'module'],
    ['system', 'cpu', 'total', 'norm', 'pct'],
    ['system', 'memory', 'actual', 'used', 'pct'],
    ['system', 'filesystem', 'mount_point'],
    ['system', 'filesystem', 'used', 'pct'],
    ['system', 'filesystem'],
    ['agent', 'name'],
    ['agent', 'hostname'],
    ['beat', 'hostname'],
    ['beat'],
    ['source'],
    ['offset'],
    ['metricset', 'module'],
    ['log', 'file', 'inode'],
    ['log', 'file', 'device_id'],
    ['log', 'file', 'fingerprint'],
    ['log', 'file', 'idxlo'],
    ['log', 'file', 'idxhi'],
    ['log', 'file', 'vol'],
    ['system', 'cpu', 'total', 'pct'],
    ['system', 'cpu', 'cores'],
  ];
  const leaves = [
    null,
    true,
    0,
    7,
    -1,
    0.25,
    1e300,
    '',
    'x',
    'cpu',
    'memory',
    'filesystem',
    'system',
    '/var',
    '2025-01-01T00:00:00.000Z',
    [],
    ['x'],
    {},
    { name: 'n' },
  ];
  const kinds = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const doc = JSON.parse(bases[i % bases.length]!) as Record<string, unknown>;
    for (let edits = Math.floor(random() * 4); edits > 0; edits--) {
      const path = paths[Math.floor(random() * paths.length)]!;
      let at: Record<string, unknown> = doc;
      for (const key of path.slice(0, -1)) {
        if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
        at = at[key] as Record<string, unknown>;
      }
      if (random() < 0.2) delete at[path.at(-1)!];
      else at[path.at(-1)!] = structuredClone(leaves[Math.floor(random() * leaves.length)]);
    }
    const text = JSON.stringify(doc);
    const whole = decodeBeatsEvent(JSON.parse(text));
    kinds.add(whole.kind);
    t.deepEqual(decodeBeatsEvent(selectFields(JSON.parse(text), BEATS_DOCUMENT_FIELDS)), whole, text);
  }
  t.deepEqual([...kinds].sort(), ['log', 'metrics', 'unknown']);
});
