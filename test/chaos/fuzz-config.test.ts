import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { loadConfigFile } from '../../config/load.js';
import type { ConfigResult } from '../../config/types.js';
import { validateConfig } from '../../config/validate.js';
import { createTempDir } from '../config/temp-dir.js';
import { seededRandom } from '../../sim/seeded-random.js';
import { draws, type Random } from './draws.js';

/**
 * Configuration files are untrusted input: random and mutated YAML and JSON go through the loader
 * and the validator. Whatever comes in, the answer is `ok` with a config, or errors that each say
 * where (a file position or a config path), and no error repeats a secret written inline.
 */
const SEED = 0xc0f1_6;
const IN_MEMORY = 1_000;
const THROUGH_FILES = 300;
const EXAMPLE_TEXT = readFileSync(join(process.cwd(), 'config', 'examples', 'adapter.yaml'), 'utf8');
const EXAMPLE: unknown = parseYaml(EXAMPLE_TEXT);
/** Written only where a secret goes; never part of any other generated string. */
const SECRET_MARK = 'S3CR3T';
const ROOT_ERROR = /^the configuration must be a mapping of sections/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function fuzzer(random: Random) {
  const d = draws(random);

  function scalar(): unknown {
    return d.pick<unknown>([
      null,
      true,
      false,
      0,
      -1,
      1.5,
      2 ** 31,
      2 ** 53 + 1,
      1e308,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '',
      ' ',
      'info',
      'rest',
      'https://',
      'http://twx.example.com',
      'not a url',
      '127.0.0.1:99999',
      '10.0.0.1:5044',
      '/etc/3dconnect/x',
      'relative/path',
      '../../etc/passwd',
      '\u0000',
      'ü€😀',
      'x'.repeat(2_000),
      '__proto__',
      'constructor',
    ]);
  }

  function anyValue(depth: number): unknown {
    if (depth > 3 || d.chance(0.6)) return scalar();
    if (d.chance(0.5)) return Array.from({ length: d.int(4) }, () => anyValue(depth + 1));
    const keys = [
      'id',
      'env',
      'file',
      'enabled',
      'port',
      'host',
      'item',
      'family',
      'limits',
      'minMs',
      'maxMs',
      'x',
      'toString',
      'constructor',
    ];
    return Object.fromEntries(Array.from({ length: d.int(4) }, () => [d.pick(keys), anyValue(depth + 1)]));
  }

  /** Every path to a value in the document, as key lists. */
  function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
    const found: Array<Array<string | number>> = [prefix];
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) found.push(...paths(item, [...prefix, i]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) found.push(...paths(item, [...prefix, key]));
    }
    return found;
  }

  function parentOf(
    root: Record<string, unknown>,
    path: ReadonlyArray<string | number>,
  ): [Record<string | number, unknown>, string | number] | undefined {
    if (path.length === 0) return undefined;
    let node: unknown = root;
    for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
    return node !== null && typeof node === 'object' ? [node as Record<string | number, unknown>, path[path.length - 1]!] : undefined;
  }

  /** An inline secret where the schema wants a reference (or a reference holding one). */
  function plantSecret(doc: Record<string, unknown>): void {
    const secret = `${SECRET_MARK}-${d.int(1e9)}`;
    const value = d.pick<unknown>([secret, { file: secret }, { env: secret }, { file: `/x/${secret}`, env: 'A' }, [secret]]);
    const slots: Array<() => void> = [
      () => {
        const twx = doc.thingworx;
        if (twx && typeof twx === 'object') (twx as Record<string, unknown>).appKey = value;
      },
      () => {
        const printers = doc.printers;
        if (Array.isArray(printers) && printers[0] && typeof printers[0] === 'object')
          (printers[0] as Record<string, unknown>).pushToken = value;
      },
      () => {
        const tls = (doc.thingworx as Record<string, unknown> | undefined)?.tls;
        if (tls && typeof tls === 'object') (tls as Record<string, unknown>).keyPassphrase = value;
      },
    ];
    d.pick(slots)();
  }

  function mutatedDocument(): unknown {
    const doc = structuredClone(EXAMPLE) as Record<string, unknown>;
    for (let edits = 1 + d.int(4); edits > 0; edits -= 1) {
      const path = d.pick(paths(doc));
      const at = parentOf(doc, path);
      if (!at) continue;
      const [parent, key] = at;
      switch (d.int(6)) {
        case 0:
          delete parent[key];
          break;
        case 1:
          parent[key] = scalar();
          break;
        case 2:
          parent[key] = anyValue(0);
          break;
        case 3:
          parent[`unknown${d.int(10)}`] = anyValue(1);
          break;
        case 4:
          if (Array.isArray(parent)) parent.push(structuredClone(parent[d.int(parent.length)] ?? null));
          else parent[key] = [parent[key]];
          break;
        default:
          parent[key] =
            typeof parent[key] === 'number' ? String(parent[key]) : typeof parent[key] === 'string' ? Number(parent[key]) : null;
      }
    }
    if (d.chance(0.3)) plantSecret(doc);
    if (d.chance(0.05)) return d.pick<unknown>([null, [], 'adapter', 42, [doc]]);
    return doc;
  }

  function mutatedText(): string {
    const lines = EXAMPLE_TEXT.split('\n');
    if (d.chance(0.4)) {
      const at = lines.findIndex((line) => line.includes('appKey:'));
      lines[at] = `  appKey: ${SECRET_MARK}-${d.int(1e9)}`;
    }
    for (let edits = 1 + d.int(6); edits > 0; edits -= 1) {
      const at = d.int(lines.length);
      switch (d.int(7)) {
        case 0:
          lines.splice(at, 1);
          break;
        case 1:
          lines.splice(at, 0, lines[d.int(lines.length)] ?? '');
          break;
        case 2:
          lines[at] = ` ${lines[at] ?? ''}`;
          break;
        case 3:
          lines[at] = (lines[at] ?? '').replace(/:\s/, ' ');
          break;
        case 4:
          lines.splice(
            at,
            0,
            d.pick(['---', '&a x: 1', '<<: *a', '*nope', '!!binary AAAA', '{', '[', '"', '\t- 1', 'key: [1, {', '? complex', '%YAML 9.9']),
          );
          break;
        case 5:
          lines[at] = `${lines[at] ?? ''}${d.pick(['#', ' &x', ' *x', ' !!str', ': :', '\u0000', '\ufeff'])}`;
          break;
        default:
          lines.length = Math.max(1, at);
      }
    }
    return lines.join('\n');
  }

  return { mutatedDocument, mutatedText, d };
}

/** The contract: ok with a config, or at least one single-line error that says where, never a secret. */
function checkResult(result: ConfigResult, where: (error: string) => boolean): string | undefined {
  if (result.ok) return typeof result.config === 'object' && Array.isArray(result.config.printers) ? undefined : 'ok without a config';
  if (!Array.isArray(result.errors) || result.errors.length === 0) return 'not ok, and no error';
  for (const error of result.errors) {
    if (typeof error !== 'string' || error.length === 0) return `an empty or non-string error: ${String(error)}`;
    if (error.includes('\n')) return `a multi-line error: ${JSON.stringify(error)}`;
    if (error.includes(SECRET_MARK)) return `an error repeats an inline secret: ${error}`;
    if (!where(error)) return `an error without a location: ${error}`;
  }
  return undefined;
}

const SECTIONS = Object.keys(EXAMPLE as object);

/** What the loader would validate, to know the file's own top-level keys (undefined when it cannot parse). */
function parsedOrUndefined(content: string | Buffer): unknown {
  try {
    return parseYaml(content.toString());
  } catch {
    return undefined;
  }
}

/**
 * `path: message`, the path starting at a section the schema knows or a top-level key of the input
 * (`printers[3].address`, `uplink.backoff.minMs`, `["a.b"].c`, `bogus`); the whole-document message
 * is the one exception. Keys are quoted only when they hold a dot, so a path may hold anything else.
 */
function hasConfigPath(input: unknown) {
  const tops = [...SECTIONS, ...(input !== null && typeof input === 'object' && !Array.isArray(input) ? Object.keys(input) : [])];
  return (error: string) =>
    ROOT_ERROR.test(error) ||
    /^\["[^"]*"\]/.test(error) ||
    tops.some((top) => error.startsWith(top) && /^(\.|\[|: \S)/.test(error.slice(top.length)));
}

test('fuzz: 1,000 mutated configurations never make the validator throw; every error names its path, none repeats a secret', (t) => {
  const { mutatedDocument } = fuzzer(seededRandom(SEED));
  let accepted = 0;
  for (let i = 0; i < IN_MEMORY; i += 1) {
    const input = mutatedDocument();
    let result: ConfigResult;
    try {
      result = validateConfig(input);
    } catch (error) {
      t.fail(
        `input ${i} (seed ${SEED}) threw: ${error instanceof Error ? error.stack : String(error)}\n${JSON.stringify(input)?.slice(0, 2_000)}`,
      );
      return;
    }
    const broken = checkResult(result, hasConfigPath(input));
    if (broken) {
      t.fail(`input ${i} (seed ${SEED}): ${broken}\n${JSON.stringify(input)?.slice(0, 2_000)}`);
      return;
    }
    if (result.ok) accepted += 1;
  }
  // Some mutations are harmless (a comment-like key removed, a default restated): both verdicts occur.
  t.true(accepted > 0 && accepted < IN_MEMORY, `${accepted} of ${IN_MEMORY} accepted`);
});

test('fuzz: 300 mutated YAML and JSON files through the loader: ok, or errors located by file position or config path', async (t) => {
  const { mutatedDocument, mutatedText, d } = fuzzer(seededRandom(SEED + 1));
  const dir = await createTempDir('fuzz-config');
  t.teardown(() => dir.remove());
  const verdicts = { ok: 0, located: 0 };
  for (let i = 0; i < THROUGH_FILES; i += 1) {
    let name: string;
    let content: string | Buffer;
    switch (d.int(5)) {
      case 0:
        name = `c${i}.json`;
        content = JSON.stringify(mutatedDocument() as Json) ?? 'null';
        if (d.chance(0.3)) content = content.slice(0, d.int(content.length));
        break;
      case 1:
        name = `c${i}.yml`;
        content = toYaml(mutatedDocument());
        break;
      case 2:
        name = `c${i}.yaml`;
        content = Buffer.concat([Buffer.from(mutatedText()), Buffer.from(d.chance(0.5) ? [0xff, 0xfe, 0x00] : [])]);
        break;
      case 3:
        name = `c${i}${d.pick(['.yaml', '.json', '.txt', ''])}`;
        content = Buffer.from(Array.from({ length: d.int(512) }, () => d.int(256)));
        break;
      default:
        name = `c${i}.yaml`;
        content = mutatedText();
    }
    const file = await dir.write(name, content);
    let result: ConfigResult;
    try {
      result = await loadConfigFile(file);
    } catch (error) {
      t.fail(`${name} (seed ${SEED + 1}) threw: ${error instanceof Error ? error.stack : String(error)}`);
      return;
    }
    const atPosition = (error: string) => error.startsWith(`${file}:`) && /^:\d+:\d+: \S/.test(error.slice(file.length));
    const atFile = (error: string) => error.startsWith(`${file}: `) || atPosition(error);
    const inConfig = hasConfigPath(parsedOrUndefined(content));
    const broken = checkResult(result, (error) => atFile(error) || inConfig(error));
    if (broken) {
      t.fail(`${name} (seed ${SEED + 1}): ${broken}\n${String(content).slice(0, 1_000)}`);
      return;
    }
    if (result.ok) verdicts.ok += 1;
    else verdicts.located += 1;
  }
  t.true(verdicts.located > THROUGH_FILES / 2, JSON.stringify(verdicts));
});

test('an oversized config file is refused before parsing, with its path', async (t) => {
  const dir = await createTempDir('fuzz-config-big');
  t.teardown(() => dir.remove());
  const file = await dir.write('big.yaml', `adapter:\n  id: x\n#${'x'.repeat(2 * 1024 * 1024)}\n`);
  const result = await loadConfigFile(file);
  t.false(result.ok);
  t.true(!result.ok && result.errors.length === 1 && result.errors[0]!.startsWith(`${file}: `), JSON.stringify(result).slice(0, 300));
});

// Two bugs the fuzzers found in config/, pinned: prototype-named keys made the validator throw, and
// a YAML syntax error quoted the offending token (possibly an inline secret).

test('a key named like an Object.prototype member is reported by path, not thrown', (t) => {
  for (const key of ['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__']) {
    const raw = structuredClone(EXAMPLE) as Record<string, unknown>;
    Object.defineProperty(raw, key, { value: 1, enumerable: true, configurable: true, writable: true });
    let result: ConfigResult | undefined;
    t.notThrows(() => {
      result = validateConfig(raw);
    }, `${key} at the top level`);
    t.like(result, { ok: false }, key);
    t.true(result !== undefined && !result.ok && result.errors.some((error) => error.startsWith(`${key}: `)), key);
  }
});

test('a YAML syntax error does not repeat the offending token, which may be an inline secret', async (t) => {
  const dir = await createTempDir('fuzz-config-echo');
  t.teardown(() => dir.remove());
  const file = await dir.write('echo.yaml', `---\n- x\nappKey: ${SECRET_MARK}-1\n`);
  const result = await loadConfigFile(file);
  t.false(result.ok);
  t.false(JSON.stringify(result).includes(SECRET_MARK), JSON.stringify(result));
});
