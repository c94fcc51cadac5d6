import test from 'ava';
import type { Reading } from '../../domain/readings.js';
import { type LogLineContext, appendLogReadings, applyLogRules, createLogLineCounters } from '../../domain/loglines/apply.js';
import { DEFAULT_SLA_LOG_RULES } from '../../domain/loglines/default-sla-rules.js';
import { type CompiledLogRules, type LogRuleSpec, compileLogRules } from '../../domain/loglines/rules.js';

function compile(specs: readonly LogRuleSpec[]): CompiledLogRules {
  const result = compileLogRules(specs);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.rules;
}

const SLA = compile(DEFAULT_SLA_LOG_RULES);
const RECEIVED_AT = 1_795_774_600_000;
const FALLBACK = 1_795_774_599_000;

function context(eventId = 'p01/filebeat//var/log/printer.log@100'): LogLineContext {
  return { printer: 'p01', eventId, receivedAt: RECEIVED_AT, fallbackTime: FALLBACK, counters: createLogLineCounters() };
}

function readingsOf(rules: CompiledLogRules, line: string, ctx = context()): Reading[] {
  const result = applyLogRules(rules, line, ctx);
  return 'readings' in result ? result.readings : [];
}

const base = { printer: 'p01', receivedAt: RECEIVED_AT, quality: 'GOOD', source: 'filebeat' } as const;
const T = (ms: string) => Date.parse(`2026-11-27T10:15:${ms}Z`);

test('the DATA-ITEMS.md lines become typed readings with device time and stable event ids', (t) => {
  const eventId = 'p01/filebeat//var/log/printer.log@100';
  t.deepEqual(readingsOf(SLA, '2026-11-27T10:15:02.123Z THERMAL VatTemp=30.1C Setpoint=30.0C'), [
    { ...base, item: 'VatTemperature', value: 30.1, unit: '°C', time: T('02.123'), eventId },
  ]);
  t.deepEqual(readingsOf(SLA, '2026-11-27T10:15:02.124Z THERMAL Chamber=24.8C Humidity=38%'), [
    { ...base, item: 'ChamberTemperature', value: 24.8, unit: '°C', time: T('02.124'), eventId },
    { ...base, item: 'ChamberHumidity', value: 38, unit: '%', time: T('02.124'), eventId },
  ]);
  t.deepEqual(
    readingsOf(SLA, '2026-11-27T10:15:02.456Z BUILD job=J-00042 layer=152/1200 state=building').map((r) => [r.item, r.value]),
    [
      ['JobId', 'J-00042'],
      ['Layer', 152],
      ['LayerCount', 1200],
      ['BuildState', 'building'],
    ],
  );
  t.deepEqual(
    readingsOf(SLA, '2026-11-27T10:15:03.001Z LASER power=1.02W').map((r) => [r.item, r.value, r.unit, r.time]),
    [['LaserPower', 1.02, 'W', T('03.001')]],
  );
  t.deepEqual(
    readingsOf(SLA, '2026-11-27T10:15:03.010Z RESIN level=71.5%').map((r) => [r.item, r.value]),
    [['ResinLevel', 71.5]],
  );
  const error = readingsOf(SLA, '2026-11-27T10:15:04.800Z ERROR code=E1203 Recoater stall detected');
  t.deepEqual(
    error.map((r) => [r.item, r.value]),
    [['ErrorCode', 'E1203']],
  );
  t.false(JSON.stringify(error).includes('stall'), 'free text of the line does not travel');
});

test('JOBFILE lines and unknown lines never produce readings and are counted', (t) => {
  const ctx = context();
  for (const line of [
    '2026-11-27T10:15:05.000Z JOBFILE name=bracket_v7_final.ctl',
    '2026-11-27T10:15:05.000Z JOBFILE name=bracket_v7_final.ctl VatTemp=30.1C',
    '2026-11-27T10:15:05.000Z THERMAL VatTemp=hot',
    '2026-11-27T10:15:05.000Z BUILD job=J-1 layer=1/2 state=exploded',
    'garbage',
    '',
  ]) {
    t.deepEqual(applyLogRules(SLA, line, ctx), { unmatched: true, reason: 'no_match' }, line);
  }
  t.is(ctx.counters?.no_match, 6);
  t.is(ctx.counters?.matched, 0);
});

test('lines over the cap are dropped before matching and counted too_long', (t) => {
  const ctx = context();
  const line = '2026-11-27T10:15:03.001Z LASER power=1.02W ';
  const atCap = line.padEnd(SLA.limits.maxLineLength, 'x');
  t.is(readingsOf(SLA, atCap, ctx).length, 1);
  t.deepEqual(applyLogRules(SLA, `${atCap}x`, ctx), { unmatched: true, reason: 'too_long' });
  t.like(ctx.counters, { matched: 1, too_long: 1, no_match: 0 });
  const tight = compileLogRules(DEFAULT_SLA_LOG_RULES, { maxLineLength: 20 });
  t.true(tight.ok && 'unmatched' in applyLogRules(tight.rules, line, context()));
});

test('matching is anchored at the start of the line even without ^', (t) => {
  const rules = compile([
    { match: '(\\S+) LASER power=(\\d+(?:\\.\\d+)?)W', time: 1, items: { LaserPower: { group: 2, type: 'NUMBER' } } },
  ]);
  t.is(readingsOf(rules, '2026-11-27T10:15:03.001Z LASER power=1.5W').length, 1);
  t.deepEqual(applyLogRules(rules, 'noise 2026-11-27T10:15:03.001Z LASER power=1.5W', context()), {
    unmatched: true,
    reason: 'no_match',
  });
});

test('typed conversion: failures are counted per item, never thrown, the other items survive', (t) => {
  const rules = compile([
    {
      name: 'typed',
      match: '^(\\S+) N=(\\S*) I=(\\S*) B=(\\S*) D=(\\S*) S=(\\S*)$',
      time: 1,
      items: {
        Num: { group: 2, type: 'NUMBER' },
        Int: { group: 3, type: 'INTEGER' },
        Flag: { group: 4, type: 'BOOLEAN' },
        When: { group: 5, type: 'DATETIME' },
        Text: { group: 6, type: 'STRING' },
      },
    },
  ]);
  const values = (line: string, ctx = context()) =>
    Object.fromEntries(readingsOf(rules, `2026-11-27T10:15:00Z ${line}`, ctx).map((r) => [r.item, r.value]));
  t.deepEqual(values('N=-1.5e3 I=-42 B=ON D=2026-11-27T11:15:00+01:00 S=ok'), {
    Num: -1500,
    Int: -42,
    Flag: true,
    When: Date.parse('2026-11-27T10:15:00Z'),
    Text: 'ok',
  });
  const ctx = context();
  t.deepEqual(values('N=1.2.3 I=12.5 B=maybe D=2026-02-30T00:00:00Z S=ok', ctx), { Text: 'ok' });
  t.is(ctx.counters?.conversion_failed, 4);
  t.deepEqual(values('N=Infinity I=99999999999999999 B=0 D=2026-11-27T10:15:00 S='), { Flag: false, Text: '' });
  t.deepEqual(values('N=0x10 I=+7 B=no D=2026-11-27 S=x'), { Int: 7, Flag: false, Text: 'x' });
  t.deepEqual(values(`N=1 I=1 B=1 D=x S=${'s'.repeat(257)}`), { Num: 1, Int: 1, Flag: true });
});

test('an unreadable line timestamp falls back to the given device time and is counted', (t) => {
  const ctx = context();
  const [reading] = readingsOf(SLA, 'yesterday LASER power=1.02W', ctx);
  t.is(reading?.time, FALLBACK);
  t.is(ctx.counters?.time_fallback, 1);
  const [zoneless] = readingsOf(SLA, '2026-11-27T10:15:03.001 LASER power=1.02W', ctx);
  t.is(zoneless?.time, FALLBACK, 'a timestamp without a zone is not guessed');
  const [offset] = readingsOf(SLA, '2026-11-27T11:15:03.001+01:00 LASER power=1.02W', ctx);
  t.is(offset?.time, T('03.001'));
});

test('event ids are stable per line, one for all the readings of the line', (t) => {
  const line = '2026-11-27T10:15:02.124Z THERMAL Chamber=24.8C Humidity=38%';
  const once = readingsOf(SLA, line, context('p01/filebeat//var/log/p.log@7'));
  const again = readingsOf(SLA, line, context('p01/filebeat//var/log/p.log@7'));
  t.deepEqual(
    once.map((r) => r.eventId),
    ['p01/filebeat//var/log/p.log@7', 'p01/filebeat//var/log/p.log@7'],
  );
  t.deepEqual(
    again.map((r) => r.eventId),
    once.map((r) => r.eventId),
  );
});

test('adversarial lines at the cap go through every default rule quickly and without throwing', (t) => {
  const cap = SLA.limits.maxLineLength;
  const lines = [
    'a'.repeat(cap),
    ' '.repeat(cap),
    '9'.repeat(cap),
    `2026-11-27T10:15:02.123Z THERMAL VatTemp=${'1'.repeat(cap - 45)}`,
    `2026-11-27T10:15:02.123Z BUILD job=${'J'.repeat(cap - 40)}`,
    `${'2026-11-27T10:15:02.123Z '.repeat(160)}`.slice(0, cap),
    `2026-11-27T10:15:02.123Z THERMAL VatTemp=${'1.'.repeat((cap - 45) / 2)}`,
  ];
  const started = performance.now();
  for (let round = 0; round < 50; round++) for (const line of lines) applyLogRules(SLA, line, context());
  const elapsed = performance.now() - started;
  // 350 worst-case lines; linear patterns need a few ms. Generous so a loaded box never fails it.
  t.true(elapsed < 5_000, `${Math.round(elapsed)} ms`);
});

test("appendLogReadings adds a window's readings to one array and says what became of each line", (t) => {
  const ctx = context();
  const into: Reading[] = [];
  const lines = [
    '2026-11-27T10:15:02.123Z THERMAL Chamber=24.5C Humidity=31%',
    '2026-11-27T10:15:03.000Z JOBFILE name=secret_part.ctl',
    `2026-11-27T10:15:04.000Z LASER power=${'9'.repeat(SLA.limits.maxLineLength)}W`,
    '2026-11-27T10:15:05.000Z LASER power=1.5W',
  ];
  t.deepEqual(
    lines.map((line) => appendLogReadings(SLA, line, ctx, into)),
    ['matched', 'no_match', 'too_long', 'matched'],
  );
  t.deepEqual(
    into.map((reading) => [reading.item, reading.value]),
    [
      ['ChamberTemperature', 24.5],
      ['ChamberHumidity', 31],
      ['LaserPower', 1.5],
    ],
  );
  t.deepEqual(ctx.counters, { matched: 2, no_match: 1, too_long: 1, conversion_failed: 0, time_fallback: 0 });
  // The same line through applyLogRules gives the same readings.
  t.deepEqual(readingsOf(SLA, lines[0]!), into.slice(0, 2));
});
