/**
 * RE2 against the engine log rules ran on before (a sticky RegExp): for the rules we ship and the
 * example's, the same lines match with the same captures, so the readings do not change.
 */
import { readFileSync } from 'node:fs';
import test from 'ava';
import { parse } from 'yaml';
import { applyLogRules } from '../../domain/loglines/apply.js';
import { DEFAULT_SLA_LOG_RULES } from '../../domain/loglines/default-sla-rules.js';
import { compileLinePattern } from '../../domain/loglines/line-pattern.js';
import { compileLogRules, type LogRuleSpec } from '../../domain/loglines/rules.js';
import { createSeededRandom } from '../../sim/printers/families.js';
import { createSlaLineGenerator, type SlaFamily } from '../../sim/printers/sla-log-lines.js';

const EPOCH = Date.UTC(2026, 10, 27, 10, 15);

function exampleRules(): LogRuleSpec[] {
  const example = parse(readFileSync(new URL('../../config/examples/adapter.yaml', import.meta.url), 'utf8')) as {
    catalog: { families: Record<string, { logRules?: LogRuleSpec[] }> };
  };
  return Object.values(example.catalog.families).flatMap((family) => family.logRules ?? []);
}

function simulatorLines(family: SlaFamily, count: number): string[] {
  const generator = createSlaLineGenerator({ family, seed: 19, now: () => EPOCH });
  return Array.from({ length: count }, (_, i) => generator.next(EPOCH + i * 250).line);
}

test('default and example rules capture exactly what the RegExp engine captured, on every simulator line', (t) => {
  const specs = [...DEFAULT_SLA_LOG_RULES, ...exampleRules()];
  t.true(specs.length >= DEFAULT_SLA_LOG_RULES.length + 3, 'the example has rules');
  const lines = [...simulatorLines('projet-6k', 1500), ...simulatorLines('projet-7k', 1500)];
  // Lines near the rules' edges: trailing text, missing parts, other case, a prefix.
  lines.push(
    '2026-11-27T10:15:02.123Z LASER power=1.02W extra',
    '2026-11-27T10:15:02.123Z LASER power=1.02Wextra',
    '2026-11-27T10:15:02.123Z LASER power=W',
    '2026-11-27T10:15:02.123Z laser power=1.02W',
    ' 2026-11-27T10:15:02.123Z LASER power=1.02W',
    '2026-11-27T10:15:02.123Z BUILD job=J-1 layer=1/2 state=building tail',
    '2026-11-27T10:15:02.123Z THERMAL VatTemp=-3.5C Setpoint=30.0C',
    '2026-11-27T10:15:02.123Z ERROR code=E1203',
    // Long enough for the DFA to answer first: matching, and failing late with every required text.
    `2026-11-27T10:15:02.123Z ERROR code=E1203 ${'Recoater stall '.repeat(30)}`,
    `2026-11-27T10:15:02.123Z BUILD job=J-1 layer=1/2 state=building ${'x'.repeat(300)}`,
    `2026-11-27T10:15:02.123Z THERMAL VatTemp=${'1'.repeat(300)}xC`,
    `2026-11-27T10:15:02.123Z THERMAL VatTemp=${'1'.repeat(300)}C Setpoint=30.0C`,
  );
  let matched = 0;
  for (const spec of specs) {
    const compiled = compileLinePattern(spec.match, 1000);
    if (!compiled.ok) return t.fail(`${spec.match}: ${compiled.problem.message}`);
    const sticky = new RegExp(spec.match, 'y');
    for (const line of lines) {
      sticky.lastIndex = 0;
      const before = sticky.exec(line);
      const now = compiled.pattern.matchAtStart(line);
      if (before) matched += 1;
      t.deepEqual(now, before ? [...before] : undefined, `${spec.name ?? spec.match} on ${line}`);
    }
  }
  t.true(matched >= 3000, `the simulator lines exercise the rules (${matched} matches)`);
});

test('a line with characters outside the BMP, or a lone surrogate, is captured by UTF-16 position', (t) => {
  const compiled = compileLinePattern('^(\\S+) T=(\\S+) (.)', 1000);
  if (!compiled.ok) return t.fail(compiled.problem.message);
  t.deepEqual(compiled.pattern.matchAtStart('a😀 T=\ud800x y'), ['a😀 T=\ud800x y', 'a😀', '\ud800x', 'y']);
  t.deepEqual(compiled.pattern.matchAtStart('a T=😀 😀'), ['a T=😀 😀', 'a', '😀', '😀']);
});

test('a group that takes no part in the match is undefined, as in a RegExp match', (t) => {
  const compiled = compileLinePattern('^(\\S+) (?:(x)|(y))', 1000);
  if (!compiled.ok) return t.fail(compiled.problem.message);
  t.deepEqual(compiled.pattern.matchAtStart('t y'), ['t y', 't', undefined, 'y']);
  t.is(compiled.pattern.matchAtStart('t z'), undefined);
});

test('random lines of any UTF-16 code units never make a rule throw', (t) => {
  const compiled = compileLogRules([
    ...DEFAULT_SLA_LOG_RULES,
    ...exampleRules(),
    { match: '^(\\S+) (?:(\\w+)=(\\S*) ?)*$', time: 1, items: { X: { group: 2, type: 'STRING' } } },
  ]);
  if (!compiled.ok) return t.fail(JSON.stringify(compiled.errors));
  const random = createSeededRandom(19);
  const alphabet = [
    '2026-11-27T10:15:02Z ',
    ' THERMAL VatTemp=',
    ' LASER power=',
    '1',
    '.',
    '=',
    ' ',
    'a',
    '\u00a0',
    '\ud83d',
    '\ude00',
    '\u0000',
    '\n',
    '\r',
    'é',
  ];
  const outcomes = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    let line = '';
    const parts = Math.floor(random() * 40);
    for (let p = 0; p < parts; p++) line += alphabet[Math.floor(random() * alphabet.length)];
    const result = applyLogRules(compiled.rules, line, { printer: 'p', eventId: 'e', receivedAt: 0, fallbackTime: 0 });
    outcomes.add('readings' in result ? 'matched' : result.reason);
  }
  t.deepEqual([...outcomes].sort(), ['matched', 'no_match']);
});
