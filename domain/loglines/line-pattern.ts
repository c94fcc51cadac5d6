import { type Matcher, RE2JS, RE2JSSyntaxException } from 're2js';

/**
 * A log rule's pattern on RE2 (re2js), a linear-time engine: matching costs at most the program size
 * times the line length, whatever the pattern, so no rule can stall the event loop the way a
 * backtracking RegExp can. The price is RE2's syntax: no lookarounds, no backreferences.
 */
export type LinePatternProblemCode = 'unsupported_construct' | 'syntax' | 'too_complex';

export interface LinePatternProblem {
  code: LinePatternProblemCode;
  message: string;
}

export type LinePatternResult = { ok: true; pattern: LinePattern } | { ok: false; problem: LinePatternProblem };

/** The groups of one match by number (0 is the whole match); undefined where a group took no part. */
export type LineCaptures = readonly (string | undefined)[];

/** What RE2 refuses that a JavaScript regex author is likely to write, by the text RE2 stopped at. */
const UNSUPPORTED: readonly (readonly [test: RegExp, construct: (at: string) => string])[] = [
  [/^\(\?=/, () => 'a lookahead (?=…)'],
  [/^\(\?!/, () => 'a negative lookahead (?!…)'],
  [/^\(\?<=/, () => 'a lookbehind (?<=…)'],
  [/^\(\?<!/, () => 'a negative lookbehind (?<!…)'],
  [/^\\[1-9]/, (at) => `a backreference ${at.slice(0, 2)}`],
  [/^\\k/, () => 'a named backreference \\k<…>'],
];

// A JavaScript escape RE2 spells differently; said in the message so the author can rewrite it.
const HINTS: readonly (readonly [test: RegExp, hint: string])[] = [[/^\\u/, 'write \\x{263A} for a code point']];

function problemOf(error: unknown): LinePatternProblem {
  if (!(error instanceof RE2JSSyntaxException)) {
    return { code: 'syntax', message: `match does not compile: ${error instanceof Error ? error.message : String(error)}` };
  }
  const at = error.getPattern() ?? '';
  const unsupported = UNSUPPORTED.find(([test]) => test.test(at));
  if (unsupported) {
    return {
      code: 'unsupported_construct',
      message: `match uses ${unsupported[1](at)}, which log rules do not support: they run on RE2, a linear-time engine without lookarounds or backreferences`,
    };
  }
  const hint = HINTS.find(([test]) => test.test(at));
  return { code: 'syntax', message: `match does not compile: ${error.getDescription()}: \`${at}\`${hint ? ` (${hint[1]})` : ''}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

// re2js's prefilter node types (Prefilter.Type): an EXACT node's `str` is in every match; an AND
// node's subs all hold.
const PREFILTER_EXACT = 1;
const PREFILTER_AND = 2;

/**
 * Texts every match contains, longest first, from RE2's own literal analysis (the prefilter re2js
 * builds for unanchored searches, which it skips for anchored ones); single characters are left out.
 * Read defensively: an unexpected shape only means fewer shortcuts.
 */
function requiredTextsOf(prefilter: unknown): string[] {
  if (!isRecord(prefilter)) return [];
  const nodes: unknown[] = prefilter.type === PREFILTER_AND && Array.isArray(prefilter.subs) ? prefilter.subs : [prefilter];
  const texts = new Set<string>();
  for (const node of nodes) {
    if (isRecord(node) && node.type === PREFILTER_EXACT && typeof node.str === 'string' && node.str.length >= 2) texts.add(node.str);
  }
  return [...texts].sort((a, b) => b.length - a.length);
}

/**
 * From this length on, RE2's DFA, which tracks no groups, first says whether the line matches at all.
 * On lines at the 4,096 cap built to fail late in a default rule it keeps a rule's cost under about
 * 100 µs, where the capturing engines took up to 800 µs (VatTemp= then 4,000 digits); on a usual
 * 60-character line it would add about half to the cost (bench/loglines.ts, worstLinesAtCap).
 */
const DFA_FIRST_FROM_LENGTH = 256;

export class LinePattern {
  /** Capturing groups, named ones included. */
  readonly groupCount: number;
  /** RE2 instructions: the work per character of a line is bounded by this. */
  readonly programSize: number;
  /** Texts every match contains: a line without one of them cannot match, so no engine need run. */
  readonly requiredTexts: readonly string[];
  // One matcher, reset per line: matching is synchronous and the captures are copied out at once.
  private readonly matcher: Matcher;

  constructor(private readonly re: RE2JS) {
    this.groupCount = re.groupCount();
    this.programSize = re.programSize();
    this.requiredTexts = requiredTextsOf(re.re2Input.prefilter);
    this.matcher = re.matcher('');
  }

  get source(): string {
    return this.re.pattern();
  }

  /** The match that starts at the line's first character, as RE2's leftmost-first rule picks it. */
  matchAtStart(line: string): LineCaptures | undefined {
    for (const text of this.requiredTexts) if (!line.includes(text)) return undefined;
    if (line.length >= DFA_FIRST_FROM_LENGTH && !this.re.test(line)) return undefined;
    const matcher = this.matcher.resetMatcherInput(line);
    if (!matcher.lookingAt()) return undefined;
    const captures: (string | undefined)[] = new Array(this.groupCount + 1);
    for (let group = 0; group <= this.groupCount; group++) captures[group] = matcher.group(group) ?? undefined;
    return captures;
  }
}

/**
 * Compiles `source` as RE2 syntax (github.com/google/re2/wiki/Syntax), which reads like a JavaScript
 * regex for ordinary log patterns; named groups may be written (?<name>…) or (?P<name>…). Refuses
 * lookarounds and backreferences by name, and programs over `maxProgramSize` instructions (counted
 * repeats such as {1,500} are copied out, and matching work grows with the copies).
 */
export function compileLinePattern(source: string, maxProgramSize: number): LinePatternResult {
  let re: RE2JS;
  try {
    re = RE2JS.compile(source);
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  }
  const size = re.programSize();
  if (size > maxProgramSize) {
    return {
      ok: false,
      problem: {
        code: 'too_complex',
        message: `match compiles to ${size} RE2 instructions, more than ${maxProgramSize}: matching work per line grows with that size; shorten counted repeats such as {1,500}`,
      },
    };
  }
  return { ok: true, pattern: new LinePattern(re) };
}
