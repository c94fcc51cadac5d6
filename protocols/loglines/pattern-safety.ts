import { type CharSet, EMPTY_SET, intersects, union } from './char-set.js';
import { type RegexBranches, type RegexNode, parseRegexTree } from './regex-tree.js';

/**
 * A compile-time heuristic against patterns that make V8's backtracking engine run for seconds.
 * It is deliberately conservative (it may refuse a harmless pattern; the message says how to
 * rewrite it) and it is not a proof: the line-length cap bounds whatever slips through. Rules:
 *
 * 1. `backreference` — `\1`…`\9`, `\k<name>`: matching with them is NP-hard in general.
 * 2. `nested_quantifier` — a group repeated more than once (`*`, `+`, `{n,}`, `{n,m}` with m > 1)
 *    that contains any quantifier: `(a+)+`, `(\w+\s?)*`, `(a?){20}` (exponential backtracking).
 * 3. `repeated_alternation` — a repeated group containing `|`: `(a|a)*`, `(\d|\w)+`.
 * 4. `overlapping_repeats` — two repeated atoms in one sequence that can match the same character
 *    with nothing between them that the first cannot also match: `.*.*`, `\d+\d+`, `(.*) (.*)`,
 *    `\S+=\S+`, `\s+(.*)`. Each such pair multiplies the work by the line length (polynomial
 *    blow-up). Put a character the first cannot match between them: `([^=\s]+)=(\S+)`, `\s+(\S.*)`.
 *
 * Matching is anchored at the line start (sticky flag), so no pattern is retried at every offset.
 */
export type PatternProblemCode = 'backreference' | 'nested_quantifier' | 'repeated_alternation' | 'overlapping_repeats';

export interface PatternProblem {
  code: PatternProblemCode;
  message: string;
}

function isRepeated(node: RegexNode): boolean {
  return (node.kind === 'atom' || node.kind === 'group') && node.max > 1;
}

function isQuantified(node: RegexNode): boolean {
  return (node.kind === 'atom' || node.kind === 'group') && (node.min !== 1 || node.max !== 1);
}

function someNode(branches: RegexBranches, test: (node: RegexNode) => boolean): boolean {
  return branches.some((branch) =>
    branch.some((node) => test(node) || (node.kind === 'group' && someNode(node.branches, test))),
  );
}

function hasAlternation(branches: RegexBranches): boolean {
  return branches.length > 1 || someNode(branches, (node) => node.kind === 'group' && node.branches.length > 1);
}

/** Every character a node can consume (lookarounds and assertions consume none). */
function consumedSet(node: RegexNode): CharSet {
  if (node.kind === 'atom') return node.set;
  if (node.kind !== 'group' || node.lookaround) return EMPTY_SET;
  let set = EMPTY_SET;
  for (const branch of node.branches) for (const child of branch) set = union(set, consumedSet(child));
  return set;
}

function canBeEmpty(node: RegexNode): boolean {
  if (node.kind !== 'atom' && node.kind !== 'group') return true;
  if (node.min === 0 || (node.kind === 'group' && node.lookaround)) return true;
  return node.kind === 'group' && node.branches.some((branch) => branch.every(canBeEmpty));
}

/** The characters a node can consume first. */
function firstSet(node: RegexNode): CharSet {
  if (node.kind === 'atom') return node.set;
  if (node.kind !== 'group' || node.lookaround) return EMPTY_SET;
  let set = EMPTY_SET;
  for (const branch of node.branches) {
    for (const child of branch) {
      set = union(set, firstSet(child));
      if (!canBeEmpty(child)) break;
    }
  }
  return set;
}

/** One step of a sequence as rule 4 sees it. */
interface SequenceStep {
  first: CharSet;
  all: CharSet;
  repeated: boolean;
  optional: boolean;
}

/** Unwraps plain groups (`(\S+)`) so their contents line up with their neighbours. */
function sequenceSteps(branch: readonly RegexNode[], into: SequenceStep[] = []): SequenceStep[] {
  for (const node of branch) {
    if (node.kind === 'assertion' || node.kind === 'backreference') continue;
    if (node.kind === 'group' && node.lookaround) continue;
    const [only] = node.kind === 'group' ? node.branches : [];
    if (node.kind === 'group' && node.branches.length === 1 && only && !isQuantified(node)) {
      sequenceSteps(only, into);
      continue;
    }
    const repeated = isRepeated(node) || (node.kind === 'group' && someNode(node.branches, isRepeated));
    into.push({ first: firstSet(node), all: consumedSet(node), repeated, optional: canBeEmpty(node) });
  }
  return into;
}

function overlappingRepeats(branch: readonly RegexNode[]): boolean {
  // `live`: what the latest repeat could still be consuming at this point of the sequence.
  let live: CharSet | undefined;
  for (const step of sequenceSteps(branch)) {
    if (step.repeated) {
      if (live && intersects(live, step.first)) return true;
      live = step.optional && live ? union(live, step.all) : step.all;
    } else if (!step.optional) {
      // A mandatory step the live repeat cannot eat ends that repeat.
      live = live && intersects(live, step.first) ? live : undefined;
    }
  }
  return false;
}

function checkBranches(branches: RegexBranches): PatternProblem | undefined {
  for (const branch of branches) {
    for (const node of branch) {
      if (node.kind === 'backreference') {
        return { code: 'backreference', message: 'back-references are not allowed' };
      }
      if (node.kind !== 'group') continue;
      if (isRepeated(node) && someNode(node.branches, isQuantified)) {
        return { code: 'nested_quantifier', message: 'a repeated group must not contain a quantifier' };
      }
      if (isRepeated(node) && hasAlternation(node.branches)) {
        return { code: 'repeated_alternation', message: 'a repeated group must not contain an alternation' };
      }
      const inner = checkBranches(node.branches);
      if (inner) return inner;
    }
    if (overlappingRepeats(branch)) {
      return {
        code: 'overlapping_repeats',
        message:
          'two repeats can match the same characters in a row (like \\s+.*); put a character between them that the first cannot match (\\s+\\S.*)',
      };
    }
  }
  return undefined;
}

/** The first reason to refuse `source`, or undefined. `source` must already compile as a RegExp. */
export function findPatternProblem(source: string): PatternProblem | undefined {
  return checkBranches(parseRegexTree(source));
}
