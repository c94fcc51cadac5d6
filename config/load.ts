/** Reads a configuration file (YAML or JSON, by extension) and validates it. */
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { CappedFileError, readCappedFile } from './capped-file.js';
import { CONFIG_LIMITS } from './defaults.js';
import type { ConfigResult } from './types.js';
import { validateConfig } from './validate.js';

export interface LoadConfigOptions {
  /** Files larger than this are refused before parsing. */
  maxBytes?: number;
}

type Parsed = { ok: true; value: unknown } | { ok: false; errors: string[] };

const FORMATS: Readonly<Record<string, 'yaml' | 'json'>> = { '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };
const MAX_ALIASES = 100;

/**
 * The parser's message without what it quotes from the file: the offending token may be a secret
 * written inline by mistake, and the line and column already say where to look.
 */
function withoutSource(message: string): string {
  const firstLine = message.split('\n', 1)[0] ?? message;
  return firstLine.replace(/"[^"]*"/g, '(token)').replace(/'[^']*'/g, '(token)');
}

/**
 * Parses YAML, or JSON with the same parser restricted to the JSON schema, so both report errors by
 * line and column and duplicate keys are refused. Messages carry no source excerpt: the offending
 * line could hold a secret.
 */
export function parseConfigText(text: string, format: 'yaml' | 'json', path: string): Parsed {
  const lines = new LineCounter();
  const document = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    ...(format === 'json' ? { schema: 'json' as const } : {}),
  });
  if (document.errors.length > 0) {
    return {
      ok: false,
      errors: document.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        const message = error.code === 'MULTIPLE_DOCS' ? 'holds more than one document (a second "---")' : withoutSource(error.message);
        return `${path}:${line}:${col}: ${message}`;
      }),
    };
  }
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch {
    return { ok: false, errors: [`${path}: too many aliases (more than ${MAX_ALIASES} expansions)`] };
  }
}

async function readConfigText(path: string, maxBytes: number): Promise<{ ok: true; text: string } | { ok: false; errors: string[] }> {
  let bytes: Buffer;
  try {
    bytes = await readCappedFile(path, maxBytes);
  } catch (error) {
    if (error instanceof CappedFileError) return { ok: false, errors: [error.message] };
    throw error;
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, errors: [`${path}: is not valid UTF-8 text`] };
  }
}

/**
 * The typed configuration from a file, or every error found: file errors as `PATH: reason`,
 * syntax errors as `PATH:LINE:COL: message`, validation errors as `config.path: message`.
 */
export async function loadConfigFile(path: string, options: LoadConfigOptions = {}): Promise<ConfigResult> {
  const format = FORMATS[extname(path).toLowerCase()];
  if (format === undefined) return { ok: false, errors: [`${path}: unknown file type; name it .yaml, .yml or .json`] };
  const read = await readConfigText(path, options.maxBytes ?? CONFIG_LIMITS.maxConfigFileBytes);
  if (!read.ok) return read;
  const parsed = parseConfigText(read.text, format, path);
  if (!parsed.ok) return parsed;
  if (parsed.value === null || parsed.value === undefined) return { ok: false, errors: [`${path}: is empty`] };
  return validateConfig(parsed.value);
}
