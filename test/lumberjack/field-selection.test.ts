/**
 * JSON events through the decoder with a field selection, as the adapter's Beats listener runs it: JSON.parse reads
 * the document (what it refuses is LJ_ERR_BAD_JSON), and the event keeps only the selected fields.
 */
import test from 'ava';
import { BEATS_DOCUMENT_FIELDS } from '../../protocols/beats/documents.js';
import { drainWindows, LumberjackDecoder } from '../../protocols/lumberjack/decoder.js';
import { LumberjackError } from '../../protocols/lumberjack/errors.js';
import { type JsonFieldSelection, selectFields } from '../../protocols/lumberjack/field-selection.js';
import { DEFAULT_LUMBERJACK_LIMITS } from '../../config/defaults.js';
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

const u32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
};

/** A v2 window of one `J` frame carrying `payload` as it is (any bytes, valid JSON or not). */
function windowOf(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from('2W'), u32(1), Buffer.from('2J'), u32(1), u32(payload.length), payload]);
}

type Outcome = { ok: true; event: unknown } | { ok: false; code: string };

function decode(payload: Buffer | string, selection: JsonFieldSelection = SELECTION): Outcome {
  const decoder = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS, selection);
  decoder.push(windowOf(Buffer.isBuffer(payload) ? payload : Buffer.from(payload)));
  try {
    const [window] = drainWindows(decoder);
    return { ok: true, event: window?.events[0] };
  } catch (error) {
    if (error instanceof LumberjackError) return { ok: false, code: error.code };
    throw error;
  }
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

test('a document keeps the selected fields, nested as selected, and nothing else', (t) => {
  t.deepEqual(decode(JSON.stringify(DOCUMENT)), {
    ok: true,
    event: {
      '@timestamp': '2026-11-27T10:15:00.000Z',
      log: { file: { path: '/var/log/projet/printer.log' }, offset: 1234 },
      message: DOCUMENT.message,
      host: { name: 'printer-01' },
      deep: { a: { b: { c: 'kept' } } },
    },
  });
});

test('corner cases: duplicates, escapes, kinds where a leaf or an object was selected, non-object documents', (t) => {
  const cases: Array<[string, unknown]> = [
    [' \t\r\n{ "message" : "x" } \n', { message: 'x' }],
    // Of a duplicate key the last wins, as in JSON.parse.
    ['{"message":"a","message":"b"}', { message: 'b' }],
    ['{"log":{"offset":1},"log":5}', { log: 5 }],
    ['{"log":5,"log":{"offset":2}}', { log: { offset: 2 } }],
    // An array, or an object where a leaf was selected, becomes null.
    ['{"message":"a","message":[1]}', { message: null }],
    ['{"log":{"offset":{"x":1}},"host":[{"name":"n"}]}', { log: { offset: null }, host: null }],
    ['{"mess\\u0061ge":"escaped key","h\\u006Fst":{"n\\u0061me":"h"}}', { message: 'escaped key', host: { name: 'h' } }],
    ['{"message":"café ☃ 😀","host":{"name":"ü"}}', { message: 'café ☃ 😀', host: { name: 'ü' } }],
    ['{"flag":true,"none":null,"log":{"offset":-1.25E-7}}', { flag: true, none: null, log: { offset: -1.25e-7 } }],
    ['{"log":{"offset":1e400}}', { log: { offset: Number.POSITIVE_INFINITY } }],
    ['{"a":{},"b":[],"log":{}}', { log: {} }],
    [`{"deep":${'['.repeat(50_000)}${']'.repeat(50_000)},"message":"after"}`, { deep: null, message: 'after' }],
    [`{"x":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)},"message":"after"}`, { message: 'after' }],
    ['[1,{"message":"in an array"}]', null],
    ['"a string"', 'a string'],
    ['42', 42],
    ['null', null],
    ['false', false],
  ];
  for (const [text, event] of cases) t.deepEqual(decode(text), { ok: true, event }, text.slice(0, 80));
});

test('keys of the prototype are not fields: __proto__ and constructor in a document select nothing', (t) => {
  const outcome = decode('{"__proto__":{"message":"x"},"constructor":1,"log":{"__proto__":{"offset":5}}}');
  t.deepEqual(outcome, { ok: true, event: { log: {} } });
  const event = (outcome as { event: { log: object } }).event;
  t.is(Object.getPrototypeOf(event), Object.prototype);
  t.is(Object.getPrototypeOf(event.log), Object.prototype);
  t.is((event as Record<string, unknown>).message, undefined);
  // Only own keys: an inherited one is not in the document.
  t.deepEqual(selectFields({ log: Object.create({ offset: 1 }) }, SELECTION), { log: {} });
});

test('invalid JSON is LJ_ERR_BAD_JSON, whatever the selection', (t) => {
  const invalid = [
    '',
    ' ',
    '{',
    '{"a":1,}',
    '{"message":"x",}',
    '{"a" 1}',
    "{'a':1}",
    '[1,]',
    '{"a":1} {"b":2}',
    '01',
    '1.',
    'NaN',
    '"unterminated',
    '"tab\there"',
    '"\\x41"',
    '"\\u12G4"',
    '\ufeff{}',
    `{"deep":${'['.repeat(10_000)}${']'.repeat(9_999)}}`,
  ];
  for (const text of invalid) {
    t.deepEqual(decode(text), { ok: false, code: 'LJ_ERR_BAD_JSON' }, text.slice(0, 80));
    t.deepEqual(decode(text, BEATS_DOCUMENT_FIELDS), { ok: false, code: 'LJ_ERR_BAD_JSON' }, text.slice(0, 80));
  }
});

test('bytes that are not UTF-8 are read as their decoded text (U+FFFD for each bad sequence)', (t) => {
  const bytes = (...parts: Array<string | number[]>) =>
    Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));
  t.deepEqual(decode(bytes('{"message":"a', [0xff, 0xe2, 0x82], '"}')), { ok: true, event: { message: 'a\ufffd\ufffd' } });
  // A key that is not valid UTF-8 names no selected field.
  t.deepEqual(decode(bytes('{"mess', [0xc0], 'age":"x"}')), { ok: true, event: {} });
  // A UTF-8 byte order mark is not JSON whitespace.
  t.deepEqual(decode(bytes([0xef, 0xbb, 0xbf], '{}')), { ok: false, code: 'LJ_ERR_BAD_JSON' });
});

/** Every key is a selected one, every leaf a string, number, boolean or null. */
function withinSelection(value: unknown, selection: JsonFieldSelection | true): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (selection === true || Array.isArray(value)) return false;
  return Object.entries(value).every(([key, child]) => Object.hasOwn(selection, key) && withinSelection(child, selection[key]!));
}

test('random edits of Beats documents: refused as LJ_ERR_BAD_JSON, or kept to the selection', (t) => {
  const random = seededRandom(0x15_0c_a7);
  const alphabet = Buffer.from('{}[]",:\\ \t\n0123456789-+.eEtrufalsn/ux');
  const seeds = [DOCUMENT, ...readNdjson('events.ndjson')].map((document) => Buffer.from(JSON.stringify(document)));
  let accepted = 0;
  const cases = 2_000;
  for (let i = 0; i < cases; i++) {
    const edited: number[] = [...seeds[i % seeds.length]!];
    for (let edits = 1 + Math.floor(random() * 3); edits > 0; edits--) {
      const at = Math.floor(random() * (edited.length + 1));
      const roll = random();
      const byte = roll < 0.1 ? Math.floor(random() * 256) : alphabet[Math.floor(random() * alphabet.length)]!;
      if (roll < 0.4) edited[at] = byte;
      else if (roll < 0.7) edited.splice(at, 0, byte);
      else if (roll < 0.95) edited.splice(at, 1);
      else edited.length = at;
    }
    const outcome = decode(Buffer.from(edited), BEATS_DOCUMENT_FIELDS);
    if (outcome.ok) {
      accepted++;
      t.true(withinSelection(outcome.event, BEATS_DOCUMENT_FIELDS), JSON.stringify(outcome.event));
    } else t.is(outcome.code, 'LJ_ERR_BAD_JSON');
  }
  // The edits reach both sides of the grammar.
  t.true(accepted > cases * 0.05 && accepted < cases * 0.95, `${accepted} of ${cases} accepted`);
});

test('a selection cannot ask for __proto__', (t) => {
  t.throws(() => selectFields({}, JSON.parse('{"__proto__":true}') as JsonFieldSelection), { message: /__proto__/ });
  t.throws(() => selectFields({}, JSON.parse('{"log":{"__proto__":true}}') as JsonFieldSelection), { message: /__proto__/ });
});
