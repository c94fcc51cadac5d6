/**
 * A coarse model of the characters a regex atom can match: exact for ASCII, one flag for the rest.
 * It only has to be good enough to tell whether two repeated atoms can fight over the same
 * characters (see pattern-safety.ts); when unsure it errs towards "they overlap".
 */
export interface CharSet {
  /** Bit n of word n>>5 is set when ASCII code n is in the set. */
  readonly ascii: readonly [number, number, number, number];
  /** Some whitespace character above U+007F (NBSP, U+2028, …) is in the set. */
  readonly wideSpace: boolean;
  /** Some other character above U+007F is in the set. */
  readonly wideOther: boolean;
}

type Words = [number, number, number, number];

function words(): Words {
  return [0, 0, 0, 0];
}

function setBit(target: Words, code: number): void {
  const index = code >> 5;
  target[index as 0 | 1 | 2 | 3] |= 1 << (code & 31);
}

export const EMPTY_SET: CharSet = { ascii: [0, 0, 0, 0], wideSpace: false, wideOther: false };

export function rangeSet(from: number, to: number): CharSet {
  const ascii = words();
  for (let code = from; code <= Math.min(to, 127); code++) setBit(ascii, code);
  if (to <= 127) return { ascii, wideSpace: false, wideOther: false };
  if (from === to) {
    const isSpace = /\s/.test(String.fromCharCode(from));
    return { ascii, wideSpace: isSpace, wideOther: !isSpace };
  }
  return { ascii, wideSpace: true, wideOther: true };
}

export function charSet(code: number): CharSet {
  return rangeSet(code, code);
}

export function union(a: CharSet, b: CharSet): CharSet {
  return {
    ascii: [a.ascii[0] | b.ascii[0], a.ascii[1] | b.ascii[1], a.ascii[2] | b.ascii[2], a.ascii[3] | b.ascii[3]],
    wideSpace: a.wideSpace || b.wideSpace,
    wideOther: a.wideOther || b.wideOther,
  };
}

export function complement(a: CharSet): CharSet {
  return {
    ascii: [~a.ascii[0], ~a.ascii[1], ~a.ascii[2], ~a.ascii[3]],
    wideSpace: !a.wideSpace,
    wideOther: !a.wideOther,
  };
}

export function intersects(a: CharSet, b: CharSet): boolean {
  if ((a.wideSpace && b.wideSpace) || (a.wideOther && b.wideOther)) return true;
  return (
    (a.ascii[0] & b.ascii[0]) !== 0 ||
    (a.ascii[1] & b.ascii[1]) !== 0 ||
    (a.ascii[2] & b.ascii[2]) !== 0 ||
    (a.ascii[3] & b.ascii[3]) !== 0
  );
}

const DIGITS = rangeSet(0x30, 0x39);
const WORD = union(union(DIGITS, rangeSet(0x41, 0x5a)), union(rangeSet(0x61, 0x7a), charSet(0x5f)));
const SPACE: CharSet = { ...union(rangeSet(0x09, 0x0d), charSet(0x20)), wideSpace: true };
const NOT_SPACE: CharSet = complement(SPACE);
/** `.` without the s flag: everything but line terminators. */
export const DOT: CharSet = complement(union(charSet(0x0a), charSet(0x0d)));

/** The set behind a class escape letter (d, D, w, W, s, S), or undefined for any other letter. */
export function classEscapeSet(letter: string): CharSet | undefined {
  switch (letter) {
    case 'd':
      return DIGITS;
    case 'D':
      return complement(DIGITS);
    case 'w':
      return WORD;
    case 'W':
      return complement(WORD);
    case 's':
      return SPACE;
    case 'S':
      return NOT_SPACE;
    default:
      return undefined;
  }
}
