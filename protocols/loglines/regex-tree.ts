import { type CharSet, DOT, EMPTY_SET, charSet, classEscapeSet, complement, rangeSet, union } from './char-set.js';

/**
 * Just enough of a JavaScript regex parser (no flags, Annex B syntax) to judge a pattern's shape:
 * atoms with the characters they can match, groups with their branches, quantifiers, assertions
 * and back-references. Call it only on a source that `new RegExp(source)` has accepted.
 */
export type RegexNode =
  | { kind: 'atom'; set: CharSet; min: number; max: number }
  | { kind: 'group'; lookaround: boolean; branches: RegexNode[][]; min: number; max: number }
  | { kind: 'assertion' }
  | { kind: 'backreference' };

/** A pattern is a list of alternative branches, each a sequence of nodes. */
export type RegexBranches = RegexNode[][];

const CONTROL_ESCAPES: Record<string, number> = { t: 0x09, n: 0x0a, v: 0x0b, f: 0x0c, r: 0x0d };

class RegexReader {
  private pos = 0;

  constructor(private readonly source: string) {}

  parse(): RegexBranches {
    return this.branches();
  }

  private peek(offset = 0): string | undefined {
    return this.source[this.pos + offset];
  }

  private startsWith(text: string): boolean {
    return this.source.startsWith(text, this.pos);
  }

  private branches(): RegexBranches {
    const result: RegexBranches = [[]];
    while (this.pos < this.source.length && this.peek() !== ')') {
      if (this.peek() === '|') {
        this.pos++;
        result.push([]);
        continue;
      }
      result[result.length - 1]?.push(this.quantified(this.atom()));
    }
    return result;
  }

  private atom(): RegexNode {
    const char = this.peek();
    this.pos++;
    switch (char) {
      case '(':
        return this.group();
      case '[':
        return { kind: 'atom', set: this.charClass(), min: 1, max: 1 };
      case '\\':
        return this.escape();
      case '.':
        return { kind: 'atom', set: DOT, min: 1, max: 1 };
      case '^':
      case '$':
        return { kind: 'assertion' };
      default:
        return { kind: 'atom', set: charSet((char ?? '').charCodeAt(0)), min: 1, max: 1 };
    }
  }

  private group(): RegexNode {
    let lookaround = false;
    if (this.startsWith('?:')) {
      this.pos += 2;
    } else if (this.startsWith('?=') || this.startsWith('?!')) {
      this.pos += 2;
      lookaround = true;
    } else if (this.startsWith('?<=') || this.startsWith('?<!')) {
      this.pos += 3;
      lookaround = true;
    } else if (this.startsWith('?<')) {
      const close = this.source.indexOf('>', this.pos);
      this.pos = close + 1;
    }
    const branches = this.branches();
    this.pos++; // the closing parenthesis
    return { kind: 'group', lookaround, branches, min: 1, max: 1 };
  }

  private escape(): RegexNode {
    const letter = this.peek() ?? '';
    this.pos++;
    const classSet = classEscapeSet(letter);
    if (classSet) return { kind: 'atom', set: classSet, min: 1, max: 1 };
    if (letter === 'b' || letter === 'B') return { kind: 'assertion' };
    if (letter >= '1' && letter <= '9') return { kind: 'backreference' };
    if (letter === 'k' && this.peek() === '<') return { kind: 'backreference' };
    return { kind: 'atom', set: charSet(this.escapedCode(letter)), min: 1, max: 1 };
  }

  /** The code of a single-character escape whose letter has just been consumed. */
  private escapedCode(letter: string): number {
    const control = CONTROL_ESCAPES[letter];
    if (control !== undefined) return control;
    if (letter === '0') return 0;
    const hexLength = letter === 'x' ? 2 : letter === 'u' ? 4 : 0;
    if (hexLength > 0) {
      const hex = this.source.slice(this.pos, this.pos + hexLength);
      if (/^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLength) {
        this.pos += hexLength;
        return Number.parseInt(hex, 16);
      }
    }
    if (letter === 'c' && /^[A-Za-z]$/.test(this.peek() ?? '')) {
      const code = (this.peek() ?? '').charCodeAt(0) % 32;
      this.pos++;
      return code;
    }
    return letter.charCodeAt(0);
  }

  private charClass(): CharSet {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    let set = EMPTY_SET;
    while (this.pos < this.source.length && this.peek() !== ']') {
      const from = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.pos++;
        const to = this.classAtom();
        set = union(set, typeof from === 'number' && typeof to === 'number' ? rangeSet(from, to) : widen(from, to));
      } else {
        set = union(set, typeof from === 'number' ? charSet(from) : from);
      }
    }
    this.pos++; // the closing bracket
    return negated ? complement(set) : set;
  }

  /** One class member: a character code, or a set for \d-style escapes. */
  private classAtom(): number | CharSet {
    const char = this.peek() ?? '';
    this.pos++;
    if (char !== '\\') return char.charCodeAt(0);
    const letter = this.peek() ?? '';
    this.pos++;
    const classSet = classEscapeSet(letter);
    if (classSet) return classSet;
    if (letter === 'b') return 0x08;
    return this.escapedCode(letter);
  }

  private quantified(node: RegexNode): RegexNode {
    const bounds = this.quantifier();
    if (!bounds || (node.kind !== 'atom' && node.kind !== 'group')) return node;
    if (this.peek() === '?') this.pos++; // lazy: same shape, same risk
    return { ...node, min: bounds.min, max: bounds.max };
  }

  private quantifier(): { min: number; max: number } | undefined {
    const char = this.peek();
    if (char === '*' || char === '+' || char === '?') {
      this.pos++;
      return { min: char === '+' ? 1 : 0, max: char === '?' ? 1 : Number.POSITIVE_INFINITY };
    }
    if (char !== '{') return undefined;
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.pos));
    if (!braces) return undefined; // Annex B: a brace that is no quantifier is a literal
    this.pos += braces[0].length;
    const min = Number(braces[1]);
    const max = braces[2] === undefined ? min : braces[3] ? Number(braces[3]) : Number.POSITIVE_INFINITY;
    return { min, max };
  }
}

/** `[\d-z]`: Annex B reads the dash literally; keep every side plus the dash. */
function widen(from: number | CharSet, to: number | CharSet): CharSet {
  const asSet = (side: number | CharSet) => (typeof side === 'number' ? charSet(side) : side);
  return union(union(asSet(from), asSet(to)), charSet(0x2d));
}

export function parseRegexTree(source: string): RegexBranches {
  return new RegexReader(source).parse();
}
