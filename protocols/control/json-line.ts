import { ControlError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** True for a line holding only whitespace: skipped rather than refused, so a stray newline costs nothing. */
export function isBlankLine(line: Buffer): boolean {
  return line.toString('latin1').trim() === '';
}

/** One line's JSON value, untyped. Throws CONTROL_BAD_UTF8 or CONTROL_BAD_JSON. */
export function parseJsonLine(line: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(line);
  } catch {
    throw new ControlError('CONTROL_BAD_UTF8', 'line is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ControlError('CONTROL_BAD_JSON', 'line is not valid JSON', {
      cause: error instanceof Error ? error.message : String(error),
    });
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One line on the wire: compact JSON and a newline. JSON.stringify escapes every newline inside strings. */
export function toJsonLine(value: unknown): Buffer {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return Buffer.from(`${text}\n`, 'utf8');
}
