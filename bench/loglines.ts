/**
 * Log-rule benchmark (`npm run bench loglines`, or `node --import tsx bench/loglines.ts`).
 *
 * The default SLA rules over the simulators' lines (both SLA families, JOBFILE and ERROR lines
 * included), in one process and one run:
 * 1. Matching: the first rule that matches each line, with its captures, on RE2 (re2js, what log rules
 *    run on) against the engine they ran on before, a sticky native RegExp of the same source behind
 *    the same required-text shortcut. Rounds alternate between the sides; each side's best round counts.
 * 2. The whole per-line path on RE2 (appendLogReadings: match, convert, make readings).
 * 3. The worst lines for the default rules: 4,096 characters (the line cap) built to go far into them.
 * 4. Patterns that backtrack catastrophically, on RE2 only (a RegExp takes seconds to hours on them),
 *    each on a line at the cap built to fail late.
 * Per-second CPU figures are ns/line times the nominal load.
 */
import { pathToFileURL } from 'node:url';
import type { Reading } from '../protocols/readings.js';
import { appendLogReadings, createLogLineCounters, type LogLineContext } from '../protocols/loglines/apply.js';
import { DEFAULT_SLA_LOG_RULES } from '../protocols/loglines/default-sla-rules.js';
import type { LineCaptures } from '../protocols/loglines/line-pattern.js';
import { type CompiledLogRules, compileLogRules } from '../protocols/loglines/rules.js';
import { createSlaLineGenerator } from '../sim/printers/sla-log-lines.js';
import { median, round } from './measures.js';

export const LOGLINES_BENCH = Object.freeze({
  /** Distinct lines per family; every round goes through all of them. */
  linesPerFamily: 4096,
  rounds: 9,
  /** Each side repeats the lines until a round lasts about this long, so short rounds are not all noise. */
  roundMs: 150,
  /** The adapter's nominal load: log lines per second across the fleet. */
  nominalLinesPerSecond: 2000,
  seed: 19,
});

const EPOCH = Date.UTC(2026, 10, 27, 10, 15);

/** Matches a line with one engine: the index of the first matching rule and its captures. */
type LineMatcher = (line: string) => LineCaptures | undefined;

function simulatorLines(): string[] {
  const lines: string[] = [];
  for (const family of ['projet-6k', 'projet-7k'] as const) {
    const generator = createSlaLineGenerator({ family, seed: LOGLINES_BENCH.seed, now: () => EPOCH });
    for (let i = 0; i < LOGLINES_BENCH.linesPerFamily; i++) lines.push(generator.next(EPOCH + i * 250).line);
  }
  return lines;
}

/** Lines at the cap that go as far into the default rules as a line can before failing. */
function worstLines(cap: number): string[] {
  const time = '2026-11-27T10:15:02.123Z';
  return [
    'a'.repeat(cap),
    `${time} THERMAL VatTemp=${'1'.repeat(cap - 42)}`,
    `${time} THERMAL Chamber=1C Humidity=${'1'.repeat(cap - 52)}`,
    `${time} BUILD job=J layer=1/${'1'.repeat(cap - 44)}`,
    `${time} LASER power=${'1.'.repeat((cap - 38) / 2)}`,
    `${'2026-11-27T10:15:02.123Z '.repeat(Math.ceil(cap / 25))}`.slice(0, cap),
  ];
}

/** Rules a RegExp cannot run on such lines in any useful time; RE2 must, in time linear in the line. */
const CATASTROPHIC: readonly (readonly [match: string, line: (cap: number) => string])[] = [
  ['^(\\S+) (a+)+$', (cap) => `2026-11-27T10:15:02Z ${'a'.repeat(cap - 22)}!`],
  ['^(\\S+) (\\w*)*x', (cap) => `2026-11-27T10:15:02Z ${'a'.repeat(cap - 21)}`],
  ['^(\\S*)(\\S*)(\\S*)(\\S*)=', (cap) => 'a'.repeat(cap)],
];

function catastrophicOnRe2(cap: number, sink: { value: number }): Record<string, number> {
  const figures: Record<string, number> = {};
  for (const [match, lineOf] of CATASTROPHIC) {
    const compiled = compileLogRules([{ match, time: 1, items: { X: { group: 1, type: 'STRING' } } }]);
    if (!compiled.ok) throw new Error(`${match}: ${compiled.errors[0]?.message}`);
    const matcher = re2Matcher(compiled.rules);
    const line = [lineOf(cap)];
    const passes = calibratedPasses(line, (text) => capturedLength(matcher(text)), sink);
    const rounds = Array.from({ length: LOGLINES_BENCH.rounds }, () => timeRound(line, passes, (text) => capturedLength(matcher(text)), sink));
    figures[match] = round(Math.min(...rounds) / 1000, 1);
  }
  return figures;
}

function re2Matcher(rules: CompiledLogRules): LineMatcher {
  const patterns = rules.rules.map((rule) => rule.pattern);
  return (line) => {
    for (const pattern of patterns) {
      const captures = pattern.matchAtStart(line);
      if (captures) return captures;
    }
    return undefined;
  };
}

/** What the rules ran on before: a sticky RegExp (anchored at 0) behind the same required-text check. */
function nativeMatcher(rules: CompiledLogRules): LineMatcher {
  const compiled = rules.rules.map((rule) => ({ sticky: new RegExp(rule.pattern.source, 'y'), requiredText: rule.pattern.requiredText }));
  return (line) => {
    for (const { sticky, requiredText } of compiled) {
      if (requiredText !== undefined && !line.includes(requiredText)) continue;
      sticky.lastIndex = 0;
      const captures = sticky.exec(line);
      if (captures) return captures;
    }
    return undefined;
  };
}

/** ns per line of one round; `sink` keeps the work observable so it is not optimised away. */
function timeRound(lines: readonly string[], passes: number, work: (line: string) => number, sink: { value: number }): number {
  const started = process.hrtime.bigint();
  for (let pass = 0; pass < passes; pass++) for (const line of lines) sink.value += work(line);
  return Number(process.hrtime.bigint() - started) / (passes * lines.length);
}

const capturedLength = (captures: LineCaptures | undefined): number => (captures ? (captures[1]?.length ?? 0) + captures.length : 0);

interface Sides {
  re2: number[];
  native: number[];
}

/** Passes over `lines` that make a round of about roundMs, from one timed warm-up pass (uncounted). */
function calibratedPasses(lines: readonly string[], work: (line: string) => number, sink: { value: number }): number {
  const nsPerLine = timeRound(lines, 1, work, sink);
  return Math.max(1, Math.round((LOGLINES_BENCH.roundMs * 1e6) / (nsPerLine * lines.length)));
}

/** ns per line of each round; one round each side in turn, so a busy moment hits both alike. */
function compareMatching(lines: readonly string[], re2: LineMatcher, native: LineMatcher, sink: { value: number }): Sides {
  const re2Work = (line: string) => capturedLength(re2(line));
  const nativeWork = (line: string) => capturedLength(native(line));
  const re2Passes = calibratedPasses(lines, re2Work, sink);
  const nativePasses = calibratedPasses(lines, nativeWork, sink);
  const sides: Sides = { re2: [], native: [] };
  for (let r = 0; r < LOGLINES_BENCH.rounds; r++) {
    sides.re2.push(timeRound(lines, re2Passes, re2Work, sink));
    sides.native.push(timeRound(lines, nativePasses, nativeWork, sink));
  }
  return sides;
}

function figures(sides: Sides) {
  const re2 = Math.min(...sides.re2);
  const native = Math.min(...sides.native);
  const perSecond = LOGLINES_BENCH.nominalLinesPerSecond;
  return {
    re2NsPerLine: Math.round(re2),
    nativeRegExpNsPerLine: Math.round(native),
    costRatio: round(re2 / native, 1),
    medianCostRatio: round(median(sides.re2) / median(sides.native), 1),
    // ns/line × lines/s = ns of CPU per second; /1e6 gives ms per second, /1e7 % of one core.
    re2CpuMsPerSecondAtNominalLoad: round((re2 * perSecond) / 1e6, 2),
    re2CpuPercentOfOneCoreAtNominalLoad: round((re2 * perSecond) / 1e7, 2),
    nativeCpuMsPerSecondAtNominalLoad: round((native * perSecond) / 1e6, 2),
  };
}

export async function runBenchmark(): Promise<Record<string, unknown>> {
  const settings = LOGLINES_BENCH;
  const compiled = compileLogRules(DEFAULT_SLA_LOG_RULES);
  if (!compiled.ok) throw new Error(`default rules do not compile: ${JSON.stringify(compiled.errors)}`);
  const rules = compiled.rules;
  const lines = simulatorLines();
  const re2 = re2Matcher(rules);
  const native = nativeMatcher(rules);
  const sink = { value: 0 };

  const matching = compareMatching(lines, re2, native, sink);
  const matched = lines.filter((line) => re2(line) !== undefined).length;

  // The whole path a Beats window takes per line, on RE2.
  const ctx: LogLineContext = { printer: 'p01', eventId: 'e', receivedAt: EPOCH, fallbackTime: EPOCH, counters: createLogLineCounters() };
  const into: Reading[] = [];
  const apply = (line: string) => {
    appendLogReadings(rules, line, ctx, into);
    const made = into.length;
    into.length = 0;
    return made;
  };
  const applyPasses = calibratedPasses(lines, apply, sink);
  const applyRounds = Array.from({ length: settings.rounds }, () => timeRound(lines, applyPasses, apply, sink));
  const applyNs = Math.min(...applyRounds);

  const worst = worstLines(rules.limits.maxLineLength);
  const worstSides = compareMatching(worst, re2, native, sink);

  return {
    what: 'Default SLA log rules over simulator lines: RE2 (re2js, what log rules run on) against a sticky native RegExp (what they ran on), same required-text shortcut, same process, alternating rounds',
    settings: {
      lines: lines.length,
      matchedLines: matched,
      rules: rules.rules.length,
      rounds: settings.rounds,
      roundMs: settings.roundMs,
      nominalLinesPerSecond: settings.nominalLinesPerSecond,
    },
    matching: figures(matching),
    wholeLineOnRe2: {
      nsPerLine: Math.round(applyNs),
      matchingShare: round(Math.min(...matching.re2) / applyNs, 2),
      cpuMsPerSecondAtNominalLoad: round((applyNs * settings.nominalLinesPerSecond) / 1e6, 2),
    },
    worstLinesAtCap: { lines: worst.length, lineLength: rules.limits.maxLineLength, ...figures(worstSides) },
    catastrophicPatternsOnRe2MicrosPerLine: catastrophicOnRe2(rules.limits.maxLineLength, sink),
    sink: sink.value > 0,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await runBenchmark(), null, 2)}\n`);
}
