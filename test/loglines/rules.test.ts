import test from 'ava';
import { RE2JS } from 're2js';
import { applyLogRules } from '../../domain/loglines/apply.js';
import { parseIsoTimestamp } from '../../domain/loglines/convert.js';
import { DEFAULT_SLA_LOG_RULES } from '../../domain/loglines/default-sla-rules.js';
import { type LogRuleSpec, compileLogRules } from '../../domain/loglines/rules.js';

const ok: LogRuleSpec = { match: '^(\\S+) LASER power=(\\d+)W', time: 1, items: { LaserPower: { group: 2, type: 'NUMBER', unit: 'W' } } };

function errorsOf(specs: unknown[]) {
  const result = compileLogRules(specs as LogRuleSpec[]);
  return result.ok ? [] : result.errors.map(({ index, code, field }) => ({ index, code, field }));
}

test('the default SLA rules compile', (t) => {
  const result = compileLogRules(DEFAULT_SLA_LOG_RULES);
  t.true(result.ok);
  t.is(result.ok ? result.rules.rules.length : 0, DEFAULT_SLA_LOG_RULES.length);
});

test('errors name the rule index, the field and the problem', (t) => {
  t.deepEqual(errorsOf([ok, { ...ok, match: '^(\\S+ LASER' }]), [{ index: 1, code: 'LOGRULE_BAD_REGEX', field: 'match' }]);
  t.deepEqual(errorsOf([{ ...ok, time: 3 }]), [{ index: 0, code: 'LOGRULE_GROUP_OUT_OF_RANGE', field: 'time' }]);
  t.deepEqual(errorsOf([{ ...ok, items: { LaserPower: { group: 3, type: 'NUMBER' } } }]), [
    { index: 0, code: 'LOGRULE_GROUP_OUT_OF_RANGE', field: 'items.LaserPower.group' },
  ]);
  const { time: _time, ...withoutTime } = ok;
  t.deepEqual(errorsOf([withoutTime]), [{ index: 0, code: 'LOGRULE_TIME_GROUP_MISSING', field: 'time' }]);
  t.deepEqual(errorsOf([{ ...ok, time: 0 }]), [{ index: 0, code: 'LOGRULE_TIME_GROUP_MISSING', field: 'time' }]);
  // Non-capturing and named groups are counted correctly.
  t.deepEqual(errorsOf([{ ...ok, match: '^(?<ts>\\S+) (?:LASER) power=(\\d+)W' }]), []);
  t.deepEqual(errorsOf([{ ...ok, match: '^(?:\\S+) LASER power=(\\d+)W' }]), [
    { index: 0, code: 'LOGRULE_GROUP_OUT_OF_RANGE', field: 'items.LaserPower.group' },
  ]);
});

test('every problem of every rule is reported at once', (t) => {
  const errors = errorsOf([
    ok,
    'not a rule',
    { ...ok, extra: true, items: { 'bad name': { group: 1, type: 'NUMBER' }, Good: { group: 2, type: 'FLOAT' } } },
    { ...ok, items: {} },
    { ...ok, items: { A: { group: 2, type: 'NUMBER', unit: 'x'.repeat(17) }, B: { group: 2, type: 'NUMBER', colour: 1 } } },
  ]);
  t.deepEqual(errors, [
    { index: 1, code: 'LOGRULE_NOT_AN_OBJECT', field: undefined },
    { index: 2, code: 'LOGRULE_UNKNOWN_FIELD', field: 'extra' },
    { index: 2, code: 'LOGRULE_BAD_ITEM_NAME', field: 'items.bad name' },
    { index: 2, code: 'LOGRULE_BAD_TYPE', field: 'items.Good.type' },
    { index: 3, code: 'LOGRULE_NO_ITEMS', field: 'items' },
    { index: 4, code: 'LOGRULE_BAD_UNIT', field: 'items.A.unit' },
    { index: 4, code: 'LOGRULE_UNKNOWN_FIELD', field: 'items.B.colour' },
  ]);
  const named = compileLogRules([{ ...ok, name: 'laser', match: '(' }]);
  t.true(!named.ok && named.errors[0]?.name === 'laser' && /does not compile/.test(named.errors[0].message));
});

function refusalOf(match: string) {
  const result = compileLogRules([{ name: 'r', match, time: 1, items: { X: { group: 1, type: 'STRING' } } }]);
  return result.ok ? undefined : result.errors[0];
}

test("the issue's nested lookahead, every lookaround and every backreference are refused by name", (t) => {
  const refused: [string, RegExp][] = [
    ['^(\\S*)(?=\\S*(?=\\w*=))', /a lookahead \(\?=…\)/],
    ['^(\\S+) (?!x)(\\w+)', /a negative lookahead \(\?!…\)/],
    ['^(\\S+) (?<=x)(\\w+)', /a lookbehind \(\?<=…\)/],
    ['^(\\S+) (?<!x)(\\w+)', /a negative lookbehind \(\?<!…\)/],
    ['^(\\S+) (a)\\2', /a backreference \\2/],
    ['^(?<w>\\w+) \\k<w>', /a named backreference \\k<…>/],
  ];
  for (const [match, construct] of refused) {
    const error = refusalOf(match);
    t.like(error, { index: 0, name: 'r', field: 'match', code: 'LOGRULE_UNSUPPORTED_SYNTAX' }, match);
    t.regex(error?.message ?? '', construct, match);
    t.regex(error?.message ?? '', /log rules do not support: they run on RE2/, match);
  }
});

test('other RE2 syntax errors say what RE2 stopped at, with a hint for JavaScript-only escapes', (t) => {
  t.like(refusalOf('^(\\S+) \\u00b0C'), {
    code: 'LOGRULE_BAD_REGEX',
    message: 'match does not compile: invalid escape sequence: `\\u` (write \\x{263A} for a code point)',
  });
  t.like(refusalOf('^(\\S+) a**'), {
    code: 'LOGRULE_BAD_REGEX',
    message: 'match does not compile: invalid nested repetition operator: `**`',
  });
  t.is(refusalOf('^(\\S+) \\x{b0}C'), undefined, 'the RE2 spelling of the same character');
});

test('a pattern whose program is too large is refused: matching costs its size times the line length', (t) => {
  const error = refusalOf('^(.{0,999})(.{0,999})x');
  t.like(error, { code: 'LOGRULE_PATTERN_TOO_COMPLEX', field: 'match' });
  t.regex(error?.message ?? '', /compiles to \d+ RE2 instructions, more than 1000/);
  t.true(
    compileLogRules([{ match: '^(.{0,999})(.{0,999})x', time: 1, items: { X: { group: 1, type: 'STRING' } } }], { maxProgramSize: 5000 })
      .ok,
  );
  const sizes = compileLogRules(DEFAULT_SLA_LOG_RULES);
  t.true(sizes.ok && sizes.rules.rules.every((rule) => rule.pattern.programSize < 250), 'the default rules are far below the cap');
});

test('ordinary log patterns compile, named groups in either spelling count as groups', (t) => {
  const accepted = [
    '^(\\S+) THERMAL VatTemp=([\\d.]+)C',
    '^(\\S+)\\s+(\\S+)\\s+(.*)$',
    '^(\\S+) BUILD job=([A-Za-z0-9-]{1,32}) layer=(\\d+)/(\\d+)',
    '([^=\\s]+)=(\\S+)',
    '(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)',
    '^\\[(\\d{4}-\\d{2}-\\d{2})\\] (INFO|WARN|ERROR) ',
    '(\\S+) (?i:state)=(\\w+)',
    // What the hand-written check refused as backtracking traps is harmless on RE2.
    '^(\\S+)\\s+(.*)$',
    '(\\S+)=(\\S+)',
    '(a+)+$',
  ];
  for (const match of accepted) t.is(refusalOf(match), undefined, match);
  for (const match of ['^(?<ts>\\S+) (?:LASER) power=(\\d+)W', '^(?P<ts>\\S+) (?:LASER) power=(\\d+)W']) {
    const result = compileLogRules([{ ...ok, match }]);
    t.true(result.ok, match);
    const rules = result.ok ? result.rules : undefined;
    const readings = rules
      ? applyLogRules(rules, '2026-11-27T10:15:02Z LASER power=3W', { printer: 'p', eventId: 'e', receivedAt: 0, fallbackTime: 0 })
      : undefined;
    t.deepEqual(readings && 'readings' in readings ? readings.readings.map((r) => [r.item, r.value, r.time]) : [], [
      ['LaserPower', 3, Date.UTC(2026, 10, 27, 10, 15, 2)],
    ]);
  }
});

test('catastrophic patterns RE2 accepts run in linear time on adversarial lines at the cap', (t) => {
  const cap = 4096;
  const ts = '2026-11-27T10:15:02Z';
  // Each with a line that fails at its very end and one that matches, both carrying every required text.
  const cases: [match: string, prefix: string, failing: string, matching: string][] = [
    ['^(\\S+) (a+)+$', `${ts} `, '!', ''],
    ['^(\\S+) (\\w*)*x', `${ts} `, '!x', 'x'],
    ['^(\\S*)(\\S*)(\\S*)(\\S*)=', '', ' =', '='],
    ['^(\\S+) ((?:a|a)*)b', `${ts} `, '!b', 'b'],
  ];
  const fill = (prefix: string, suffix: string, length: number) =>
    `${prefix}${'a'.repeat(length - prefix.length - suffix.length)}${suffix}`;
  const context = { printer: 'p', eventId: 'e', receivedAt: 0, fallbackTime: 0 };
  for (const [match, prefix, failing, matching] of cases) {
    const result = compileLogRules([{ match, time: 1, items: { X: { group: 2, type: 'INTEGER' } } }]);
    if (!result.ok) return t.fail(`${match}: ${result.errors[0]?.message}`);
    // Short lines too: below the length from which the DFA answers first, the capturing engines do.
    for (const [length, suffix, matches] of [
      [cap, failing, false],
      [cap, matching, true],
      [200, failing, false],
      [200, matching, true],
    ] as const) {
      const line = fill(prefix, suffix, length);
      t.is(line.length, length);
      const started = performance.now();
      const outcome = applyLogRules(result.rules, line, context);
      const elapsed = performance.now() - started;
      t.is('readings' in outcome, matches, `${match} on ${line.length} characters`);
      // Not a speed test: a guard against the 10 s hangs a backtracking engine takes here.
      t.true(elapsed < 1_000, `${match}: ${Math.round(elapsed)} ms`);
    }
  }
});

test('ISO timestamps: zone required, calendar checked', (t) => {
  t.is(parseIsoTimestamp('2026-11-27T10:15:02.123Z'), Date.UTC(2026, 10, 27, 10, 15, 2, 123));
  t.is(parseIsoTimestamp('2026-11-27T10:15:02.123456789Z'), Date.UTC(2026, 10, 27, 10, 15, 2, 123));
  t.is(parseIsoTimestamp('2026-11-27 10:15:02,5+0130'), Date.UTC(2026, 10, 27, 8, 45, 2, 500));
  t.is(parseIsoTimestamp('2026-11-27T10:15:02-05:00'), Date.UTC(2026, 10, 27, 15, 15, 2));
  t.is(parseIsoTimestamp('2028-02-29T00:00:00Z'), Date.UTC(2028, 1, 29));
  for (const text of [
    '2026-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-27T24:00:00Z',
    '2026-11-27T10:15:02',
    '1969-12-31T23:59:59Z',
    '0050-01-01T00:00:00Z',
    'now',
    '',
  ]) {
    t.is(parseIsoTimestamp(text), undefined, text);
  }
});

test('ISO timestamps: the exact shape, nothing before or after it', (t) => {
  t.is(parseIsoTimestamp('2026-11-27T10:15:02.1-2359'), Date.UTC(2026, 10, 27, 10, 15, 2, 100) + (23 * 60 + 59) * 60_000);
  t.is(parseIsoTimestamp('2026-11-27T10:15:02.000000001+00:00'), Date.UTC(2026, 10, 27, 10, 15, 2));
  for (const text of [
    '2026-11-27T10:15:02.1234567890Z', // more than 9 fraction digits
    '2026-11-27T10:15:02.Z', // a separator without digits
    '2026-11-27T10:15:02Zx',
    '2026-11-27T10:15:02Z\n',
    ' 2026-11-27T10:15:02Z',
    '2026-11-27t10:15:02Z',
    '2026-11-27T10:15:02+01:0',
    '2026-11-27T10:15:02+01:000',
    '2026-11-27T10:15:02+24:00',
    '2026-11-27T10:15:02+01:60',
    '2026-11-27T10:15:02 +01:00',
    '2026/11/27T10:15:02Z',
    '2026-11-27T10-15-02Z',
    '2026-1a-27T10:15:02Z',
    '2026-11-27T10:15:0\u0663Z', // a digit, but not an ASCII one
    '2026-11-27T10:15',
  ]) {
    t.is(parseIsoTimestamp(text), undefined, text);
  }
});

test("a rule knows the texts every match contains (RE2's own literal analysis), and only texts that really are required", (t) => {
  const required = (match: string) => {
    const result = compileLogRules([{ match: `(\\S+)${match}`, time: 1, items: { Item: { group: 1, type: 'STRING' } } }]);
    if (!result.ok) throw new Error(result.errors[0]?.message);
    return result.rules.rules[0]?.pattern.requiredTexts;
  };
  const defaults = compileLogRules(DEFAULT_SLA_LOG_RULES);
  t.deepEqual(defaults.ok ? defaults.rules.rules.map((rule) => rule.pattern.requiredTexts) : [], [
    [' THERMAL VatTemp='],
    [' THERMAL Chamber=', 'C Humidity='],
    [' BUILD job=', ' layer=', ' state='],
    [' LASER power='],
    [' RESIN level='],
    [' ERROR code='],
  ]);
  t.deepEqual(required(' OK \\x41\\x42 [x][y]'), [' OK AB xy']);
  t.deepEqual(required(' THERMAL(?: a| b)=(\\d+) at=(\\d+)'), [' THERMAL', ' at=']);
  t.deepEqual(required('é€'), ['é€']);
  // Optional, repeated, alternative, case-folded or single characters are not required.
  t.deepEqual(required('|AB CD'), []);
  t.deepEqual(required(' a?b*c+d{0,1}'), []);
  t.deepEqual(required('x[ab]y.z\\dq'), []);
  t.deepEqual(required('(?i) OK'), []);
  t.deepEqual(required(' (?i:ok) '), []);
});

test('a line without the required text is refused before the pattern runs, with the same outcome', (t) => {
  const compiled = compileLogRules(DEFAULT_SLA_LOG_RULES);
  if (!compiled.ok) throw new Error('default rules');
  const lines = [
    '2026-11-27T10:15:00.000Z THERMAL VatTemp=30.1C Setpoint=30.0C',
    '2026-11-27T10:15:00.000Z THERMAL Chamber=28.5C Humidity=41%',
    '2026-11-27T10:15:00.000Z BUILD job=J-00042 layer=12/400 state=building',
    '2026-11-27T10:15:00.000Z LASER power=1.25W',
    '2026-11-27T10:15:00.000Z RESIN level=80.5%',
    '2026-11-27T10:15:00.000Z ERROR code=E1203 Recoater stall detected',
    '2026-11-27T10:15:00.000Z JOBFILE name=part.ctl',
    'THERMAL VatTemp=30.1C',
    '2026-11-27T10:15:00.000Z thermal vattemp=30.1C',
    '',
  ];
  for (const line of lines) {
    // The same pattern on the plain engine, without the shortcut.
    const expected = compiled.rules.rules.findIndex((rule) => RE2JS.compile(rule.pattern.source).matcher(line).lookingAt());
    // Only rules that cannot match are skipped: the first rule whose pattern matches still makes the readings.
    const result = applyLogRules(compiled.rules, line, { printer: 'p01', eventId: 'e', receivedAt: 0, fallbackTime: 0 });
    const items = 'readings' in result ? result.readings.map((reading) => reading.item) : [];
    t.deepEqual(items, expected < 0 ? [] : compiled.rules.rules[expected]?.items.map((item) => item.item), line);
  }
});
