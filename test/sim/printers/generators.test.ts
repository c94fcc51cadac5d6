import test from 'ava';
import { DEFAULT_FILESYSTEM_MOUNTS, filesystemUsageItem as catalogMountItem } from '../../../config/default-catalog.js';
import { decodeBeatsEvent } from '../../../protocols/beats/documents.js';
import { filesystemUsageItem, metricbeatReadings } from '../../../protocols/beats/metricbeat-readings.js';
import { applyLogRules } from '../../../domain/loglines/apply.js';
import { DEFAULT_SLA_LOG_RULES } from '../../../domain/loglines/default-sla-rules.js';
import { compileLogRules } from '../../../domain/loglines/rules.js';
import { validatePushMessage } from '../../../protocols/push/message.js';
import { beatIdentity, filebeatDocument, filebeatDocumentWriter, metricbeatDocument } from '../../../sim/printers/beats-documents.js';
import { SimPrinterError } from '../../../sim/printers/errors.js';
import { createDeviceClock, isoTime } from '../../../sim/printers/device-clock.js';
import { createLedger } from '../../../sim/printers/ledger.js';
import { createMetricSampleGenerator, DEFAULT_SIM_MOUNTS } from '../../../sim/printers/metricbeat-samples.js';
import { createPushMessageGenerator, PUSH_ITEMS } from '../../../sim/printers/push-messages.js';
import { createSlaLineGenerator, type GeneratedLine } from '../../../sim/printers/sla-log-lines.js';
import { FIXED_EPOCH } from './support.js';

/** The formats of DATA-ITEMS.md, written independently of the adapter's rules. */
const FORMATS: Record<GeneratedLine['kind'], RegExp> = {
  'thermal-vat': /^\S+Z THERMAL VatTemp=\d+\.\dC Setpoint=\d+\.\dC$/,
  'thermal-chamber': /^\S+Z THERMAL Chamber=\d+\.\dC Humidity=\d+%$/,
  build: /^\S+Z BUILD job=J-\d{5} layer=\d+\/\d+ state=(idle|building|finished)$/,
  laser: /^\S+Z LASER power=\d+\.\d\dW$/,
  resin: /^\S+Z RESIN level=\d+\.\d%$/,
  error: /^\S+Z ERROR code=[A-Z]\d{4} [A-Z][a-z ]+$/,
  jobfile: /^\S+Z JOBFILE name=[a-z_]+_v\d+_final_\d{4}\.ctl$/,
};

function lines(seed: number, count: number): GeneratedLine[] {
  const generator = createSlaLineGenerator({ family: 'projet-6k', seed, now: () => FIXED_EPOCH });
  const clock = createDeviceClock(() => FIXED_EPOCH);
  return Array.from({ length: count }, () => generator.next(clock.stamp()));
}

test('SLA lines follow the DATA-ITEMS.md formats, every kind appears, and the line time is the device time', (t) => {
  const generated = lines(3, 2000);
  const kinds = new Set(generated.map((line) => line.kind));
  t.deepEqual([...kinds].sort(), Object.keys(FORMATS).sort());
  for (const line of generated) {
    t.regex(line.line, FORMATS[line.kind], line.line);
    t.true(line.line.startsWith(`${new Date(line.time).toISOString()} `));
  }
});

test('expected readings are what the written line says; JOBFILE lines expect nothing but are secrets', (t) => {
  for (const line of lines(11, 600)) {
    switch (line.kind) {
      case 'thermal-vat': {
        const written = /VatTemp=([\d.]+)C/.exec(line.line)?.[1];
        t.deepEqual(line.items, [{ item: 'VatTemperature', value: Number(written) }]);
        break;
      }
      case 'build': {
        const [, job, layer, layers, state] = /job=(\S+) layer=(\d+)\/(\d+) state=(\S+)/.exec(line.line) ?? [];
        t.deepEqual(line.items, [
          { item: 'JobId', value: job },
          { item: 'Layer', value: Number(layer) },
          { item: 'LayerCount', value: Number(layers) },
          { item: 'BuildState', value: state },
        ]);
        break;
      }
      case 'jobfile': {
        t.deepEqual(line.items, []);
        const name = /name=(\S+)$/.exec(line.line)?.[1];
        t.deepEqual(line.secrets, [name]);
        break;
      }
      case 'error':
        t.is(line.items.length, 1);
        t.is(line.secrets.length, 1);
        t.true(line.line.endsWith(line.secrets[0]!));
        break;
      default:
        t.true(line.items.length >= 1);
    }
  }
});

test('the same seed gives the same lines; another seed gives others', (t) => {
  t.deepEqual(lines(42, 300), lines(42, 300));
  t.notDeepEqual(
    lines(42, 300).map((line) => line.line),
    lines(43, 300).map((line) => line.line),
  );
});

test('forceValue: the next line carries the value, it stays until released, bad values are refused', (t) => {
  const generator = createSlaLineGenerator({ family: 'projet-7k', seed: 5, now: () => FIXED_EPOCH });
  generator.next(FIXED_EPOCH);
  generator.forceValue('VatTemperature', 40);
  const forced = generator.next(FIXED_EPOCH + 1);
  t.is(forced.kind, 'thermal-vat');
  t.true(forced.line.includes('VatTemp=40C'), forced.line);
  t.deepEqual(forced.items, [{ item: 'VatTemperature', value: 40 }]);
  const later = Array.from({ length: 20 }, (_, i) => generator.next(FIXED_EPOCH + 2 + i)).filter((line) => line.kind === 'thermal-vat');
  t.true(later.length > 0 && later.every((line) => line.items[0]?.value === 40));
  generator.releaseValue('VatTemperature');
  const released = Array.from({ length: 20 }, (_, i) => generator.next(FIXED_EPOCH + 30 + i)).filter((line) => line.kind === 'thermal-vat');
  t.true(released.every((line) => line.items[0]?.value !== 40));

  generator.forceValue('BuildState', 'error');
  const build = generator.next(FIXED_EPOCH + 60);
  t.is(build.kind, 'build');
  t.true(build.line.endsWith('state=error'));
  generator.forceValue('ErrorCode', 'E9001');
  const fault = generator.next(FIXED_EPOCH + 61);
  t.is(fault.kind, 'error');
  t.deepEqual(fault.items, [{ item: 'ErrorCode', value: 'E9001' }]);

  t.is(t.throws(() => generator.forceValue('Nonsense', 1), { instanceOf: SimPrinterError })?.code, 'SIM_ERR_UNKNOWN_ITEM');
  for (const [item, value] of [
    ['VatTemperature', 'hot'],
    ['VatTemperature', 1e21],
    ['VatTemperature', Number.NaN],
    ['BuildState', 'exploded'],
    ['Layer', -1],
    ['JobId', 'has space'],
  ] as const) {
    t.is(
      t.throws(() => generator.forceValue(item, value), { instanceOf: SimPrinterError })?.code,
      'SIM_ERR_BAD_VALUE',
      `${item}=${String(value)}`,
    );
  }
});

test('device time is strictly increasing even when the wall clock stands still or goes back', (t) => {
  let wall = FIXED_EPOCH;
  const clock = createDeviceClock(() => wall);
  const stamps: number[] = [];
  for (let i = 0; i < 100; i += 1) {
    if (i === 50) wall -= 10_000;
    stamps.push(clock.stamp());
  }
  for (let i = 1; i < stamps.length; i += 1) t.true(stamps[i]! > stamps[i - 1]!);
  t.is(stamps[0], FIXED_EPOCH);
});

test('isoTime is toISOString, at second and millisecond edges and for times it does not cache', (t) => {
  const times = [0, 1, 999, 1000, FIXED_EPOCH, FIXED_EPOCH + 999, FIXED_EPOCH + 1000, FIXED_EPOCH + 1, FIXED_EPOCH, 253_402_300_799_999];
  for (const time of [...times, 253_402_300_800_000, -1, 1.5, -62_198_755_200_000]) {
    t.is(isoTime(time), new Date(time).toISOString(), String(time));
  }
});

test('a Filebeat document written as text is exactly JSON.stringify of the document', (t) => {
  const identity = beatIdentity({ type: 'filebeat', hostName: 'printer-"p01"\u2028', printerId: 'p\\01', seed: 3 });
  const path = '/var/log/"odd"/é\n.log';
  const write = filebeatDocumentWriter(identity, path);
  const messages = ['plain', 'quote " backslash \\ control \u0001 lone \ud800 é 😀', ''];
  for (let i = 0; i < 300; i += 1) {
    const time = FIXED_EPOCH + i * 377;
    const message = messages[i % messages.length]!;
    t.is(write(time, message, i * 61), JSON.stringify(filebeatDocument(identity, { time, message, path, offset: i * 61 })));
  }
  t.throws(() => write(FIXED_EPOCH, 'x', 1.5), { instanceOf: RangeError });
});

test('Metricbeat samples cycle cpu, memory and every mount, fractions 0..1, mount items as the adapter names them', (t) => {
  const generator = createMetricSampleGenerator({ seed: 9 });
  const samples = Array.from({ length: 400 }, () => generator.next());
  t.deepEqual(
    samples.slice(0, 4).map((s) => s.sample.metricset),
    ['cpu', 'memory', 'filesystem', 'filesystem'],
  );
  for (const { items } of samples) {
    t.is(items.length, 1);
    const value = items[0]!.value as number;
    t.true(value >= 0 && value <= 1);
  }
  // The simulator names mounts itself; it must agree with the adapter and the built-in catalog.
  t.deepEqual(
    DEFAULT_SIM_MOUNTS.map((mount) => mount.mountPoint),
    [...DEFAULT_FILESYSTEM_MOUNTS],
  );
  for (const mount of DEFAULT_SIM_MOUNTS) {
    t.is(mount.item, filesystemUsageItem(mount.mountPoint));
    t.is(mount.item, catalogMountItem(mount.mountPoint));
  }
  generator.forceValue('CpuUsage', 0.97);
  t.deepEqual(generator.next().items, [{ item: 'CpuUsage', value: 0.97 }]);
});

test('push messages carry the family items with units, pass the protocol validation, and honour forced values', (t) => {
  for (const family of ['mjp', 'dmp'] as const) {
    const generator = createPushMessageGenerator({ family, seed: 4, now: () => FIXED_EPOCH });
    for (let i = 0; i < 50; i += 1) {
      const message = generator.next();
      t.true(validatePushMessage({ seq: i, time: FIXED_EPOCH + i, readings: message.readings }).ok);
      for (const reading of message.readings) t.truthy(PUSH_ITEMS[family][reading.item], reading.item);
      // Every reading is expected, with its value (the unit is not part of what the ledger checks).
      t.deepEqual(
        message.items.map(({ item, value }) => ({ item, value })),
        message.readings.map(({ item, value }) => ({ item, value })),
      );
    }
  }
  const mjp = createPushMessageGenerator({ family: 'mjp', seed: 4 });
  mjp.forceValue('PrintHeadTemperature', 80);
  t.true(mjp.next().readings.some((r) => r.item === 'PrintHeadTemperature' && r.value === 80 && r.unit === '°C'));
  t.is(t.throws(() => mjp.forceValue('OxygenPpm', 1), { instanceOf: SimPrinterError })?.code, 'SIM_ERR_UNKNOWN_ITEM');
});

test('the adapter’s own parsers make exactly the ledger’s expected readings of the generated documents', (t) => {
  // A cross-check, not the ledger's source: the ledger derives its expectations from the written text.
  const compiled = compileLogRules(DEFAULT_SLA_LOG_RULES);
  if (!compiled.ok) return t.fail('default rules do not compile');
  const filebeat = beatIdentity({ type: 'filebeat', hostName: 'printer-p01', printerId: 'p01', seed: 1 });
  const metricbeat = beatIdentity({ type: 'metricbeat', hostName: 'printer-p01', printerId: 'p01', seed: 1 });
  let offset = 0;
  for (const line of lines(21, 1500)) {
    const decoded = decodeBeatsEvent(
      JSON.parse(JSON.stringify(filebeatDocument(filebeat, { time: line.time, message: line.line, path: '/var/log/p.log', offset }))),
    );
    offset += Buffer.byteLength(line.line) + 1;
    if (decoded.kind !== 'log') return t.fail(`not a log line: ${JSON.stringify(decoded)}`);
    t.is(decoded.fieldsPrinterId, 'p01');
    const result = applyLogRules(compiled.rules, decoded.line, { printer: 'p01', eventId: 'e', receivedAt: 0, fallbackTime: 0 });
    const made = 'readings' in result ? result.readings.map((r) => ({ item: r.item, value: r.value, time: r.time })) : [];
    t.deepEqual(
      made,
      line.items.map((item) => ({ ...item, time: line.time })),
      line.line,
    );
  }
  const samples = createMetricSampleGenerator({ seed: 21 });
  for (let i = 0; i < 200; i += 1) {
    const { sample, items } = samples.next();
    const time = FIXED_EPOCH + i;
    const decoded = decodeBeatsEvent(JSON.parse(JSON.stringify(metricbeatDocument(metricbeat, time, sample))));
    const made = metricbeatReadings('p01', decoded, 0).map((r) => ({ item: r.item, value: r.value, time: r.time }));
    t.deepEqual(
      made,
      items.map((item) => ({ ...item, time })),
    );
  }
});

test('the ledger counts per source, keeps expected readings only for acknowledged events, and samples raw lines', (t) => {
  const ledger = createLedger({ printer: 'p07', thing: 'Printer-p07', sampleEveryNthLine: 2, maxSampledLines: 3 });
  ledger.recordSent('filebeat', 3);
  ledger.recordAcked('filebeat', 100, [{ item: 'VatTemperature', value: 30.1 }]);
  ledger.recordAcked('filebeat', 101, []);
  ledger.recordSent('push');
  t.deepEqual(ledger.counters().filebeat, { events_sent: 3, events_acked: 2, readings_acked: 1 });
  t.deepEqual(ledger.counters().push, { events_sent: 1, events_acked: 0, readings_acked: 0 });
  t.deepEqual(ledger.expectedAcked(), [
    { printer: 'p07', thing: 'Printer-p07', item: 'VatTemperature', value: 30.1, time: 100, source: 'filebeat' },
  ]);
  ledger.forbid('bracket_v7_final.ctl');
  for (const line of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) ledger.offerRawLine(line);
  t.deepEqual(ledger.forbiddenStrings(), ['bracket_v7_final.ctl', 'a', 'c', 'e']);

  const countersOnly = createLedger({ printer: 'p08', keepExpected: false });
  countersOnly.recordAcked('metricbeat', 1, [{ item: 'CpuUsage', value: 0.1 }]);
  t.deepEqual(countersOnly.expectedAcked(), []);
  t.is(countersOnly.counters().metricbeat.readings_acked, 1);
});
