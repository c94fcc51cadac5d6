import { asciiBytes, BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, DIGIT_0, DIGIT_9, DOT, LOWER_E, MINUS, OPEN_ARRAY, OPEN_OBJECT, PLUS, QUOTE, UPPER_E } from '../json-grammar.js';

/**
 * A strict JSON parser over UTF-8 bytes (it accepts exactly what JSON.parse accepts) that builds
 * only the fields an application selected. A Filebeat document is ~0.5 KB of which the adapter
 * reads a handful of fields; JSON.parse would decode the text and build every object, key and value
 * of it. Everything is still validated; what is not selected is only scanned.
 *
 * The result is JSON.parse's, pruned: an object keeps only its selected keys (of a duplicate key
 * the last one wins, as in JSON.parse); a selected leaf keeps a string, number, boolean or null; an
 * array, or an object where a leaf was selected, becomes null; a document that is not an object is
 * its primitive value, or null for an array.
 */

/** Keys to keep: `true` keeps the value (a leaf), a nested selection keeps that object's selected keys. */
export interface JsonFieldSelection {
  readonly [key: string]: JsonFieldSelection | true;
}

/** Thrown for input JSON.parse would refuse; `offset` is the byte where parsing stopped. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(readonly offset: number) {
    super(`invalid JSON at byte ${offset}`);
  }
}

/** Parses bytes [start, end) of `bytes`; throws JsonSyntaxError wherever JSON.parse would throw. */
export function parseSelectedJson(bytes: Buffer, start: number, end: number, selection: JsonFieldSelection): unknown {
  return new SelectingParser(bytes as SlicingBuffer, start, end).document(compile(selection));
}

/** Buffer's own slicers: toString() adds two calls and a switch on the encoding for every string. */
type SlicingBuffer = Buffer & { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

/** A selection prepared for comparing keys as bytes. */
interface CompiledSelection {
  readonly keys: readonly CompiledKey[];
  /** The keys by their length in bytes: a member name is compared only with keys as long as it. */
  readonly byLength: readonly (readonly CompiledKey[] | undefined)[];
}

interface CompiledKey {
  readonly name: string;
  /** The key's UTF-8 bytes, compared with a key that has no escapes. */
  readonly bytes: Uint8Array;
  /** undefined for a leaf. */
  readonly children: CompiledSelection | undefined;
}

const compiledSelections = new WeakMap<JsonFieldSelection, CompiledSelection>();

function compile(selection: JsonFieldSelection): CompiledSelection {
  let compiled = compiledSelections.get(selection);
  if (compiled === undefined) {
    const keys = Object.entries(selection).map(([name, child]): CompiledKey => {
      // Results are plain objects: assigning this key would set their prototype.
      if (name === '__proto__') throw new Error('a JSON field selection cannot select __proto__');
      return { name, bytes: new Uint8Array(Buffer.from(name, 'utf8')), children: child === true ? undefined : compile(child) };
    });
    const longest = Math.max(0, ...keys.map((key) => key.bytes.length));
    // Every length present (undefined where no key has it), so lookups read a packed array.
    const byLength = Array.from({ length: longest + 1 }, (_, length) => {
      const sameLength = keys.filter((key) => key.bytes.length === length);
      return sameLength.length === 0 ? undefined : sameLength;
    });
    compiled = { keys, byLength };
    compiledSelections.set(selection, compiled);
  }
  return compiled;
}

const LOWER_U = 0x75;

/** The escapes besides `\u`: the letter after the backslash and the character it stands for. */
const SIMPLE_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x22, '"'],
  [0x5c, '\\'],
  [0x2f, '/'],
  [0x62, '\b'],
  [0x66, '\f'],
  [0x6e, '\n'],
  [0x72, '\r'],
  [0x74, '\t'],
]);

const LITERALS: ReadonlyMap<number, { text: Uint8Array; value: boolean | null }> = new Map([
  [0x74, { text: asciiBytes('true'), value: true }],
  [0x66, { text: asciiBytes('false'), value: false }],
  [0x6e, { text: asciiBytes('null'), value: null }],
]);

/** 1 for the bytes a string holds as they are in the common case: printable ASCII but `"` and `\`. */
const PLAIN_STRING_BYTE = new Uint8Array(256);
for (let byte = 0x20; byte < 0x80; byte++) PLAIN_STRING_BYTE[byte] = byte === QUOTE || byte === BACKSLASH ? 0 : 1;

// Kinds of the containers skipValue is inside.
const IN_ARRAY = 0;
const IN_OBJECT = 1;
/** skipValue's stack of container kinds, shared (parsing is synchronous) and grown as deep input needs. */
let nesting: Uint8Array = new Uint8Array(64);

class SelectingParser {
  private pos: number;

  constructor(
    private readonly bytes: SlicingBuffer,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  document(selection: CompiledSelection): unknown {
    this.skipWhitespace();
    const value = this.peek() === OPEN_OBJECT ? this.object(selection) : this.leaf();
    this.skipWhitespace();
    if (this.pos !== this.end) this.fail();
    return value;
  }

  /** An object of the selected keys; pos at its `{`. Nesting is bounded by the selection's depth. */
  private object(selection: CompiledSelection): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.pos++;
    this.skipWhitespace();
    if (this.peek() === CLOSE_OBJECT) {
      this.pos++;
      return result;
    }
    for (;;) {
      const key = this.key(selection);
      this.skipWhitespace();
      this.expect(COLON);
      this.skipWhitespace();
      if (key === undefined) this.skipValue();
      else if (key.children === undefined || this.peek() !== OPEN_OBJECT) result[key.name] = this.leaf();
      else result[key.name] = this.object(key.children);
      this.skipWhitespace();
      const next = this.peek();
      this.pos++;
      if (next === CLOSE_OBJECT) return result;
      if (next !== COMMA) this.fail(this.pos - 1);
      this.skipWhitespace();
    }
  }

  /** A member name (pos at its `"`): the selected key it names, if any. */
  private key(selection: CompiledSelection): CompiledKey | undefined {
    if (this.peek() !== QUOTE) this.fail();
    const start = this.pos + 1;
    const plain = this.skipString();
    if (plain) {
      const candidates = selection.byLength[this.pos - 1 - start];
      if (candidates === undefined) return undefined;
      for (let index = 0; index < candidates.length; index++) {
        const key = candidates[index]!;
        if (this.bytesAt(start, key.bytes)) return key;
      }
      return undefined;
    }
    // Escapes or non-ASCII: the decoded name is what JSON.parse would name the property.
    const name = this.decodeString(start, this.pos - 1);
    return selection.keys.find((key) => key.name === name);
  }

  /** A string, number, boolean or null; an array or object is validated and becomes null. */
  private leaf(): unknown {
    const first = this.peek();
    if (first === QUOTE) {
      const start = this.pos + 1;
      const plain = this.skipString();
      return plain ? this.bytes.latin1Slice(start, this.pos - 1) : this.decodeString(start, this.pos - 1);
    }
    if (first === MINUS || (first >= DIGIT_0 && first <= DIGIT_9)) {
      const start = this.pos;
      this.skipNumber();
      // The grammar is checked: Number() reads a JSON number to the same double as JSON.parse.
      return Number(this.bytes.latin1Slice(start, this.pos));
    }
    const literal = LITERALS.get(first);
    if (literal !== undefined) {
      this.skipLiteral(literal.text);
      return literal.value;
    }
    this.skipValue();
    return null;
  }

  /** Validates one value of any kind without building it; iterative, so nesting depth costs no stack. */
  private skipValue(): void {
    let depth = 0;
    for (;;) {
      // A value starts here.
      const first = this.peek();
      if (first === QUOTE) this.skipString();
      else if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
        this.pos++;
        this.skipWhitespace();
        if (this.peek() === (first === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) this.pos++;
        else {
          if (depth === nesting.length) nesting = grown(nesting);
          nesting[depth++] = first === OPEN_OBJECT ? IN_OBJECT : IN_ARRAY;
          if (first === OPEN_OBJECT) this.skipMemberName();
          continue;
        }
      } else if (first === MINUS || (first >= DIGIT_0 && first <= DIGIT_9)) this.skipNumber();
      else {
        const literal = LITERALS.get(first);
        if (literal === undefined) this.fail();
        this.skipLiteral(literal.text);
      }
      // After a value: close containers until one goes on with a comma.
      for (;;) {
        if (depth === 0) return;
        this.skipWhitespace();
        const inObject = nesting[depth - 1] === IN_OBJECT;
        const next = this.peek();
        this.pos++;
        if (next === COMMA) {
          this.skipWhitespace();
          if (inObject) this.skipMemberName();
          break;
        }
        if (next !== (inObject ? CLOSE_OBJECT : CLOSE_ARRAY)) this.fail(this.pos - 1);
        depth--;
      }
    }
  }

  /** `"name"`, the colon and the whitespace around it. */
  private skipMemberName(): void {
    if (this.peek() !== QUOTE) this.fail();
    this.skipString();
    this.skipWhitespace();
    this.expect(COLON);
    this.skipWhitespace();
  }

  /** pos at the opening quote; leaves it after the closing one. True when the content is ASCII without escapes. */
  private skipString(): boolean {
    const bytes = this.bytes;
    const end = this.end;
    let pos = this.pos + 1;
    while (pos < end && PLAIN_STRING_BYTE[bytes[pos]!] === 1) pos++;
    if (pos < end && bytes[pos] === QUOTE) {
      this.pos = pos + 1;
      return true;
    }
    this.pos = this.skipStringRest(pos);
    return false;
  }

  /** The rest of a string from `pos`, where an escape, a control or a non-ASCII byte (or the end) is. */
  private skipStringRest(from: number): number {
    const bytes = this.bytes;
    const end = this.end;
    let pos = from;
    for (;;) {
      if (pos >= end) this.fail(end);
      const byte = bytes[pos++]!;
      if (byte === QUOTE) return pos;
      if (byte < 0x20) this.fail(pos - 1);
      if (byte !== BACKSLASH) continue;
      if (pos >= end) this.fail(end);
      const escaped = bytes[pos++]!;
      if (escaped === LOWER_U) {
        if (pos + 4 > end) this.fail(end);
        for (let digit = 0; digit < 4; digit++) if (hexValue(bytes[pos + digit]!) < 0) this.fail(pos + digit);
        pos += 4;
      } else if (!SIMPLE_ESCAPES.has(escaped)) this.fail(pos - 1);
    }
  }

  /** A checked string's content [start, end), escapes and UTF-8 decoded. */
  private decodeString(start: number, end: number): string {
    const bytes = this.bytes;
    let text = '';
    let segment = start;
    for (let pos = start; pos < end; pos++) {
      if (bytes[pos] !== BACKSLASH) continue;
      // Invalid UTF-8 becomes U+FFFD without swallowing an ASCII byte: decoding between escapes equals decoding the whole.
      text += bytes.utf8Slice(segment, pos);
      const escaped = bytes[pos + 1]!;
      if (escaped === LOWER_U) {
        let unit = 0;
        for (let digit = 2; digit < 6; digit++) unit = unit * 16 + hexValue(bytes[pos + digit]!);
        text += String.fromCharCode(unit);
        pos += 5;
      } else {
        text += SIMPLE_ESCAPES.get(escaped)!;
        pos += 1;
      }
      segment = pos + 1;
    }
    return text + bytes.utf8Slice(segment, end);
  }

  /** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` */
  private skipNumber(): void {
    if (this.peek() === MINUS) this.pos++;
    const first = this.peek();
    if (first === DIGIT_0) this.pos++;
    else if (first > DIGIT_0 && first <= DIGIT_9) this.skipDigits();
    else this.fail();
    if (this.peek() === DOT) {
      this.pos++;
      this.requireDigits();
    }
    const exponent = this.peek();
    if (exponent === LOWER_E || exponent === UPPER_E) {
      this.pos++;
      const sign = this.peek();
      if (sign === PLUS || sign === MINUS) this.pos++;
      this.requireDigits();
    }
  }

  private requireDigits(): void {
    const first = this.peek();
    if (first < DIGIT_0 || first > DIGIT_9) this.fail();
    this.skipDigits();
  }

  private skipDigits(): void {
    for (let next = this.peek(); next >= DIGIT_0 && next <= DIGIT_9; next = this.peek()) this.pos++;
  }

  private skipLiteral(text: Uint8Array): void {
    if (this.pos + text.length > this.end || !this.bytesAt(this.pos, text)) this.fail();
    this.pos += text.length;
  }

  /** Whether `expected` is at `at` (the caller checked it fits before the end). */
  private bytesAt(at: number, expected: Uint8Array): boolean {
    const bytes = this.bytes;
    for (let index = 0; index < expected.length; index++) if (bytes[at + index] !== expected[index]) return false;
    return true;
  }

  /** Space, tab, line feed and carriage return: JSON's whitespace, nothing else. */
  private skipWhitespace(): void {
    const bytes = this.bytes;
    const end = this.end;
    let pos = this.pos;
    while (pos < end) {
      const byte = bytes[pos]!;
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
      pos++;
    }
    this.pos = pos;
  }

  /** The byte at pos, or -1 at the end of the document. */
  private peek(): number {
    return this.pos < this.end ? this.bytes[this.pos]! : -1;
  }

  private expect(byte: number): void {
    if (this.peek() !== byte) this.fail();
    this.pos++;
  }

  private fail(at = this.pos): never {
    throw new JsonSyntaxError(at);
  }
}

function grown(stack: Uint8Array): Uint8Array {
  const larger = new Uint8Array(stack.length * 2);
  larger.set(stack);
  return larger;
}

function hexValue(byte: number): number {
  if (byte >= DIGIT_0 && byte <= DIGIT_9) return byte - DIGIT_0;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}
