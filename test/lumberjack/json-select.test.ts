import test from 'ava';
import { type JsonFieldSelection, JsonSyntaxError, parseSelectedJson } from '../../protocols/lumberjack/json-select.js';
import { readNdjson, seededRandom } from './support.js';

const SELECTION: JsonFieldSelection = {
  '@timestamp': true,
  message: true,
  log: { file: { path: true }, offset: true },
  host: { name: true },
  flag: true,
  none: true,
  deep: { a: { b: { c: true } } },
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The contract, written against JSON.parse's result: what parseSelectedJson must give. */
function pruned(value: unknown, selection: JsonFieldSelection | true): unknown {
  if (selection === true || !isObject(value)) return typeof value === 'object' && value !== null ? null : value;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const child = Object.hasOwn(selection, key) ? selection[key] : undefined;
    if (child !== undefined) result[key] = pruned(value[key], child);
  }
  return result;
}

type Outcome = { ok: true; value: unknown } | { ok: false };

function expected(bytes: Buffer): Outcome {
  try {
    return { ok: true, value: pruned(JSON.parse(bytes.toString('utf8')), SELECTION) };
  } catch {
    return { ok: false };
  }
}

function actual(bytes: Buffer): Outcome {
  // Inside a larger buffer, as the decoder hands it over: bytes around the range must not count.
  const padded = Buffer.concat([Buffer.from('"{[ '), bytes, Buffer.from('"}]1 ')]);
  try {
    return { ok: true, value: parseSelectedJson(padded, 4, 4 + bytes.length, SELECTION) };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false };
    throw error;
  }
}

function sameAsJsonParse(t: { deepEqual(a: unknown, b: unknown, message?: string): void }, bytes: Buffer): void {
  t.deepEqual(actual(bytes), expected(bytes), JSON.stringify(bytes.toString('latin1')));
}

const DOCUMENT = {
  '@timestamp': '2026-11-27T10:15:00.000Z',
  '@metadata': { beat: 'filebeat', type: '_doc', version: '8.14.4' },
  log: { file: { path: '/var/log/projet/printer.log' }, offset: 1234 },
  message: '2026-11-27T10:15:00.000Z THERMAL VatTemp=30.1C Setpoint=30.0C',
  input: { type: 'filestream' },
  host: { name: 'printer-01' },
  agent: { id: 'a', tags: ['x', 1, true, null, { y: [] }], ratio: -1.5e-3 },
  deep: { a: { b: { c: 'kept', d: 'dropped' }, e: [1] } },
};

test('documents parse to JSON.parse’s result, pruned to the selection', (t) => {
  const documents = [DOCUMENT, ...readNdjson('events.ndjson')];
  for (const document of documents) sameAsJsonParse(t, Buffer.from(JSON.stringify(document)));
  t.deepEqual(actual(Buffer.from(JSON.stringify(DOCUMENT))), {
    ok: true,
    value: {
      '@timestamp': '2026-11-27T10:15:00.000Z',
      log: { file: { path: '/var/log/projet/printer.log' }, offset: 1234 },
      message: DOCUMENT.message,
      host: { name: 'printer-01' },
      deep: { a: { b: { c: 'kept' } } },
    },
  });
});

test('valid corner cases: duplicates, escapes, numbers, kinds, whitespace, nesting', (t) => {
  const valid = [
    ' \t\r\n{ "message" : "x" } \n',
    '{"message":"a","message":"b"}',
    '{"message":"a","message":[1]}',
    '{"log":{"offset":1},"log":5}',
    '{"log":5,"log":{"offset":2}}',
    '{"log":{"offset":{"x":1}},"host":[{"name":"n"}]}',
    '{"mess\\u0061ge":"escaped key","h\\u006Fst":{"n\\u0061me":"h"}}',
    '{"message":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\u00e9\\uD83D\\uDE00\\ud800"}',
    '{"message":"café ☃ 😀","host":{"name":"ü"}}',
    '{"message":"\u007f"}',
    '{"flag":true,"none":null,"log":{"offset":-0}}',
    '{"log":{"offset":1e400}}',
    '{"log":{"offset":-1.25E-7}}',
    '{"log":{"offset":0.5e+3}}',
    '{"log":{"offset":12345678901234567890}}',
    '{"__proto__":{"message":"x"},"constructor":1}',
    '{}',
    '{"a":{},"b":[],"c":[[]],"d":{"e":{}}}',
    '[1,{"message":"in an array"}]',
    '"a string"',
    '42',
    'null',
    'false',
    `{"deep":${'['.repeat(50_000)}${']'.repeat(50_000)},"message":"after"}`,
    `{"x":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)},"message":"after"}`,
  ];
  for (const text of valid) {
    const bytes = Buffer.from(text);
    t.true(expected(bytes).ok, text.slice(0, 80));
    sameAsJsonParse(t, bytes);
  }
  t.is(Object.getPrototypeOf((actual(Buffer.from('{"__proto__":{"message":"x"}}')) as { value: object }).value), Object.prototype);
});

test('invalid JSON is refused wherever JSON.parse refuses it', (t) => {
  const invalid = [
    '',
    ' ',
    '{',
    '}',
    '{"a"}',
    '{"a":}',
    '{"a":1,}',
    '{,"a":1}',
    '{"a":1,,"b":2}',
    '{"a" 1}',
    '{"a":1 "b":2}',
    "{'a':1}",
    '{a:1}',
    '[1,]',
    '[,1]',
    '[1 2]',
    '[[]',
    '[]]',
    '{"a":[}',
    '{"a":1}x',
    '{"a":1} {"b":2}',
    '01',
    '-01',
    '1.',
    '.5',
    '+1',
    '-',
    '1e',
    '1e+',
    '0x10',
    'tru',
    'nul',
    'True',
    'NaN',
    'Infinity',
    '"unterminated',
    '"tab\there"',
    '"newline\nhere"',
    '"\\x41"',
    '"\\u12G4"',
    '"\\u12"',
    '"\\',
    '\ufeff{}',
    '\u00a0{}',
    '{"message":"x"}\u2028',
    `{"deep":${'['.repeat(10_000)}${']'.repeat(9_999)}}`,
    `{"deep":${'['.repeat(10_000)}${']'.repeat(10_001)}}`,
  ];
  for (const text of invalid) {
    const bytes = Buffer.from(text);
    t.false(expected(bytes).ok, text.slice(0, 80));
    sameAsJsonParse(t, bytes);
  }
});

test('bytes that are not UTF-8 read as JSON.parse reads their decoded text', (t) => {
  const cases = [
    Buffer.concat([Buffer.from('{"message":"a'), Buffer.from([0xff, 0xe2, 0x82]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"message":"'), Buffer.from([0xe2]), Buffer.from('\\n'), Buffer.from([0x82, 0xac]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"message":"'), Buffer.from([0xc0, 0xa2]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"mess'), Buffer.from([0xc3, 0xa9]), Buffer.from('":"x"}')]),
    Buffer.concat([Buffer.from('{"message":"x"'), Buffer.from([0xc2, 0xa0]), Buffer.from('}')]),
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]),
  ];
  for (const bytes of cases) sameAsJsonParse(t, bytes);
});

test('random edits of documents: accepted and refused exactly as by JSON.parse, with the same fields', (t) => {
  const random = seededRandom(0x15_0c_a7);
  const alphabet = Buffer.from('{}[]",:\\ \t\n0123456789-+.eEtrufalsn/ux');
  const seeds = [DOCUMENT, ...readNdjson('events.ndjson')].map((document) => Buffer.from(JSON.stringify(document)));
  let accepted = 0;
  const cases = 20_000;
  for (let i = 0; i < cases; i++) {
    const bytes = Buffer.from(seeds[i % seeds.length]!);
    const edited: number[] = [...bytes];
    for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
      const at = Math.floor(random() * (edited.length + 1));
      const roll = random();
      const byte = roll < 0.1 ? Math.floor(random() * 256) : alphabet[Math.floor(random() * alphabet.length)]!;
      if (roll < 0.4) edited[at] = byte;
      else if (roll < 0.7) edited.splice(at, 0, byte);
      else if (roll < 0.95) edited.splice(at, 1);
      else edited.length = at;
    }
    const mutated = Buffer.from(edited);
    const want = expected(mutated);
    if (want.ok) accepted++;
    t.deepEqual(actual(mutated), want, JSON.stringify(mutated.toString('latin1')));
  }
  // The edits reach both sides of the grammar.
  t.true(accepted > cases * 0.05 && accepted < cases * 0.95, `${accepted} of ${cases} accepted`);
});

test('a selection cannot ask for __proto__', (t) => {
  t.throws(() => parseSelectedJson(Buffer.from('{}'), 0, 2, JSON.parse('{"__proto__":true}') as JsonFieldSelection), {
    message: /__proto__/,
  });
});
