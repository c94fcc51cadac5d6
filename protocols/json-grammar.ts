/**
 * The bytes of the JSON grammar (RFC 8259) and the exact-decimal rule, for the code that reads or
 * writes JSON as bytes instead of text: the Beats field selector, the push fast path, the ThingWorx
 * body writer and the stand-in's body scanner.
 */

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
export const MINUS = 0x2d;
export const PLUS = 0x2b;
export const DOT = 0x2e;
export const DIGIT_0 = 0x30;
export const DIGIT_9 = 0x39;
export const LOWER_E = 0x65;
export const UPPER_E = 0x45;

export function isDigitByte(byte: number | undefined): boolean {
  return byte !== undefined && byte >= DIGIT_0 && byte <= DIGIT_9;
}

/**
 * Up to this many significant digits, m / 10^k is the double JSON.parse gives for the decimal: m is
 * below 2^53 and 10^k is exact, so the one division rounds correctly.
 */
export const EXACT_DECIMAL_DIGITS = 15;
export const EXACT_POWERS_OF_TEN: readonly number[] = Array.from({ length: EXACT_DECIMAL_DIGITS + 1 }, (_, k) => 10 ** k);

/** An ASCII literal (a key, a keyword) as the bytes to compare or copy. */
export function asciiBytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}
