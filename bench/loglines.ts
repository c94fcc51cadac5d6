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
 *    each on a line at the cap that fails at its end and one that matches.
 * Per-second CPU figures are ns/line times the nominal load.
 */
import { pathToFileURL } from 'node:url';
import type { Reading } from '../domain/readings.js';
import { appendLogReadings, createLogLineCounters, type LogLineContext } from '../domain/loglines/apply.js';
import { DEFAULT_SLA_LOG_RULES } from '../domain/loglines/default-sla-rules.js';
import type { LineCaptures } from '../domain/loglines/line-pattern.js';
import { type CompiledLogRules, compileLogRules } from '../domain/loglines/rules.js';
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

/**
 * Lines at the cap that go as far into the default rules as a line can before failing: with every
 * text the rule requires, so no shortcut refuses them, and the fault at the very end.
 */
function worstLines(cap: number): string[] {
  const time = '2026-11-27T10:15:02.123Z';
  const fill = (prefix: string, suffix: string, unit = '1') =>
    `${prefix}${unit.repeat(Math.floor((cap - prefix.length - suffix.length) / unit.length))}${suffix}`;
  return [
    fill(`${time} THERMAL VatTemp=`, 'xC'),
    fill(`${time} THERMAL Chamber=1C Humidity=`, 'x%'),
    fill(`${time} BUILD job=J layer=1/`, 'x state=idle'),
    fill(`${time} LASER power=`, 'xW', '1.'),
    fill(`${time} RESIN level=`, 'x%'),
    fill(`${time} ERROR code=`, 'x', 'E'),
  ];
}

/**
 * Rules a RegExp cannot run on such lines in any useful time; RE2 must, in time linear in the line.
 * Each line carries every text its rule requires: one fails at its very end, one matches.
 */
const CATASTROPHIC: readonly (readonly [match: string, prefix: string, failing: string, matching: string])[] = [
  ['^(\\S+) (a+)+$', '2026-11-27T10:15:02Z ', '!', ''],
  ['^(\\S+) (\\w*)*x', '2026-11-27T10:15:02Z ', '!x', 'x'],
  ['^(\\S*)(\\S*)(\\S*)(\\S*)=', '', ' =', '='],
];

function catastrophicOnRe2(cap: number, sink: { value: number }): Record<string, { failingMicros: number; matchingMicros: number }> {
  const figures: Record<string, { failingMicros: number; matchingMicros: number }> = {};
  const fill = (prefix: string, suffix: string) => `${prefix}${'a'.repeat(cap - prefix.length - suffix.length)}${suffix}`;
  const microsPerLine = (matcher: LineMatcher, line: string) => {
    const work = matchWork(matcher);
    const passes = calibratedPasses([line], work, sink);
    return round(Math.min(...Array.from({ length: LOGLINES_BENCH.rounds }, () => timeRound([line], passes, work, sink))) / 1000, 1);
  };
  for (const [match, prefix, failing, matching] of CATASTROPHIC) {
    const compiled = compileLogRules([{ match, time: 1, items: { X: { group: 1, type: 'STRING' } } }]);
    if (!compiled.ok) throw new Error(`${match}: ${compiled.errors[0]?.message}`);
    const matcher = re2Matcher(compiled.rules);
    if (matcher(fill(prefix, failing)) !== undefined || matcher(fill(prefix, matching)) === undefined) throw new Error(`${match}: lines`);
    figures[match] = {
      failingMicros: microsPerLine(matcher, fill(prefix, failing)),
      matchingMicros: microsPerLine(matcher, fill(prefix, matching)),
    };
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

/** What the rules ran on before: a sticky RegExp (anchored at 0), behind the same required-text check. */
function nativeMatcher(rules: CompiledLogRules): LineMatcher {
  const compiled = rules.rules.map((rule) => ({ sticky: new RegExp(rule.pattern.source, 'y'), requiredTexts: rule.pattern.requiredTexts }));
  const hasAll = (line: string, texts: readonly string[]) => {
    for (const text of texts) if (!line.includes(text)) return false;
    return true;
  };
  return (line) => {
    for (const { sticky, requiredTexts } of compiled) {
      if (!hasAll(line, requiredTexts)) continue;
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

type Work = (line: string) => number;

/** Passes over `lines` that make a round of about roundMs, from one timed warm-up pass (uncounted). */
function calibratedPasses(lines: readonly string[], work: Work, sink: { value: number }): number {
  const nsPerLine = timeRound(lines, 1, work, sink);
  return Math.max(1, Math.round((LOGLINES_BENCH.roundMs * 1e6) / (nsPerLine * lines.length)));
}

/** ns per line of each round of each work; one round of each in turn, so a busy moment hits all alike. */
function compare<K extends string>(lines: readonly string[], works: Record<K, Work>, sink: { value: number }): Record<K, number[]> {
  const names = Object.keys(works) as K[];
  const passes = new Map(names.map((name) => [name, calibratedPasses(lines, works[name], sink)]));
  const rounds = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < LOGLINES_BENCH.rounds; r++) {
    for (const name of names) rounds[name].push(timeRound(lines, passes.get(name) ?? 1, works[name], sink));
  }
  return rounds;
}

const matchWork =
  (matcher: LineMatcher): Work =>
  (line) =>
    capturedLength(matcher(line));

interface Sides {
  re2: number[];
  native: number[];
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

  // The whole path a Beats window takes per line, on RE2: match, convert, make readings.
  const ctx: LogLineContext = { printer: 'p01', eventId: 'e', receivedAt: EPOCH, fallbackTime: EPOCH, counters: createLogLineCounters() };
  const into: Reading[] = [];
  const apply: Work = (line) => {
    appendLogReadings(rules, line, ctx, into);
    const made = into.length;
    into.length = 0;
    return made;
  };
  const matching = compare(lines, { re2: matchWork(re2), native: matchWork(native), apply }, sink);
  const matched = lines.filter((line) => re2(line) !== undefined).length;
  const applyNs = Math.min(...matching.apply);

  const worst = worstLines(rules.limits.maxLineLength);
  const worstSides = compare(worst, { re2: matchWork(re2), native: matchWork(native) }, sink);

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
    catastrophicPatternsOnRe2AtCap: catastrophicOnRe2(rules.limits.maxLineLength, sink),
    sink: sink.value > 0,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await runBenchmark(), null, 2)}\n`);
}
