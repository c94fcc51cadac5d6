import test from 'ava';
import { applyLogRules } from '../../protocols/loglines/apply.js';
import { parseIsoTimestamp } from '../../protocols/loglines/convert.js';
import { DEFAULT_SLA_LOG_RULES } from '../../protocols/loglines/default-sla-rules.js';
import { findPatternProblem } from '../../protocols/loglines/pattern-safety.js';
import { type LogRuleSpec, compileLogRules } from '../../protocols/loglines/rules.js';

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

test('a classic catastrophic pattern is refused at compile time', (t) => {
  const result = compileLogRules([{ match: '^(\\S+) (a+)+$', time: 1, items: { X: { group: 2, type: 'STRING' } } }]);
  t.false(result.ok);
  if (result.ok) return;
  t.is(result.errors[0]?.code, 'LOGRULE_UNSAFE_PATTERN');
  t.regex(result.errors[0]?.message ?? '', /nested_quantifier/);
});

test('pattern heuristic: refuses backtracking traps, accepts ordinary log patterns', (t) => {
  const refused: [string, string][] = [
    ['(a+)+$', 'nested_quantifier'],
    ['(a*)*b', 'nested_quantifier'],
    ['(\\w+\\s?)*$', 'nested_quantifier'],
    ['(?:x?){25}x{25}', 'nested_quantifier'],
    ['(.*a){12}', 'nested_quantifier'],
    ['(a|aa)+$', 'repeated_alternation'],
    ['(?:\\d|\\w)*z', 'repeated_alternation'],
    ['(a)\\1', 'backreference'],
    ['(?<w>\\w)\\k<w>', 'backreference'],
    ['.*.*=.*', 'overlapping_repeats'],
    ['(.*) (.*) (.*)x', 'overlapping_repeats'],
    ['\\d+\\d+', 'overlapping_repeats'],
    ['\\S+=\\S+', 'overlapping_repeats'],
    ['\\d+x*\\d+', 'overlapping_repeats'],
    ['(?=x)(\\s*\\s*)', 'overlapping_repeats'],
    ['^(\\S+)\\s+(.*)$', 'overlapping_repeats'], // write \s+(\S.*) instead
  ];
  for (const [pattern, code] of refused) t.is(findPatternProblem(pattern)?.code as string | undefined, code, pattern);
  const accepted = [
    '^(\\S+) THERMAL VatTemp=([\\d.]+)C',
    '^(\\S+)\\s+(\\S+)\\s+(\\S.*)$',
    '^(\\S+) BUILD job=([A-Za-z0-9-]{1,32}) layer=(\\d+)/(\\d+)',
    '([^=\\s]+)=(\\S+)',
    '-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?',
    '(?:ab)+c',
    '^\\[(\\d{4}-\\d{2}-\\d{2})\\] (INFO|WARN|ERROR) ',
    'a{2}b{3,}c',
    '[\\]x]+ ',
  ];
  for (const pattern of accepted) t.is(findPatternProblem(pattern), undefined, pattern);
  for (const spec of DEFAULT_SLA_LOG_RULES) t.is(findPatternProblem(spec.match), undefined, spec.match);
});

test('ISO timestamps: zone required, calendar checked', (t) => {
  t.is(parseIsoTimestamp('2026-11-27T10:15:02.123Z'), Date.UTC(2026, 10, 27, 10, 15, 2, 123));
  t.is(parseIsoTimestamp('2026-11-27T10:15:02.123456789Z'), Date.UTC(2026, 10, 27, 10, 15, 2, 123));
  t.is(parseIsoTimestamp('2026-11-27 10:15:02,5+0130'), Date.UTC(2026, 10, 27, 8, 45, 2, 500));
  t.is(parseIsoTimestamp('2026-11-27T10:15:02-05:00'), Date.UTC(2026, 10, 27, 15, 15, 2));
  t.is(parseIsoTimestamp('2028-02-29T00:00:00Z'), Date.UTC(2028, 1, 29));
  for (const text of ['2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-27T24:00:00Z', '2026-11-27T10:15:02', '1969-12-31T23:59:59Z', '0050-01-01T00:00:00Z', 'now', '']) {
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

test('a rule knows the text every match contains, and only text that really is required', (t) => {
  const required = (match: string) => {
    const result = compileLogRules([{ match: `(\\S+)${match}`, time: 1, items: { Item: { group: 1, type: 'STRING' } } }]);
    if (!result.ok) throw new Error(result.errors[0]?.message);
    return result.rules.rules[0]?.requiredText;
  };
  const defaults = compileLogRules(DEFAULT_SLA_LOG_RULES);
  t.deepEqual(defaults.ok ? defaults.rules.rules.map((rule) => rule.requiredText) : [], [
    ' THERMAL VatTemp=',
    ' THERMAL Chamber=',
    ' BUILD job=',
    ' LASER power=',
    ' RESIN level=',
    ' ERROR code=',
  ]);
  t.is(required(' OK \\x41\\x42 [x][y]'), ' OK AB xy');
  t.is(required(' ab{1}c{1,1} '), ' abc ');
  // Optional, repeated, grouped, alternative or wide characters are not required.
  t.is(required('|AB CD'), undefined);
  t.is(required(' a?b*c+d{0,1}'), undefined);
  t.is(required('(?:ab)(?:cd|ef)'), undefined);
  t.is(required('x[ab]y.z\\dq'), undefined);
  t.is(required('é€'), undefined);
  t.is(required(' OK'), ' OK');
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
    const expected = compiled.rules.rules.findIndex((rule) => {
      rule.pattern.lastIndex = 0;
      return rule.pattern.test(line);
    });
    // Only rules that cannot match are skipped: the first rule whose pattern matches still makes the readings.
    const result = applyLogRules(compiled.rules, line, { printer: 'p01', eventId: 'e', receivedAt: 0, fallbackTime: 0 });
    const items = 'readings' in result ? result.readings.map((reading) => reading.item) : [];
    t.deepEqual(items, expected < 0 ? [] : compiled.rules.rules[expected]?.items.map((item) => item.item), line);
  }
});
