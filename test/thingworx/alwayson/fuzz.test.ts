import test from 'ava';
import {
  AlwaysOnError,
  Code,
  encodeMessage,
  MessageAssembler,
  propertyUpdateParams,
  type AlwaysOnCodecLimits,
  type Message,
} from '../../../protocols/thingworx/alwayson/index.js';
import { seededRandom } from '../../../sim/seeded-random.js';
import { DEFAULT_ALWAYSON_LIMITS } from '../../../config/defaults.js';

const ITERATIONS = 30_000;
const FUZZ_LIMITS: AlwaysOnCodecLimits = {
  ...DEFAULT_ALWAYSON_LIMITS,
  chunkSize: 256,
  maxMessageBytes: 4096,
  maxStringBytes: 512,
  maxInfoTableDepth: 3,
  maxFields: 8,
  maxRows: 16,
  maxAspects: 2,
  maxBindNames: 8,
  maxHeaders: 2,
  maxPartialMessages: 3,
};

function seeds(): Buffer[][] {
  const header = (code: number, requestId: number) => ({ code, requestId, endpointId: 0, sessionId: 9 });
  const rows = Array.from({ length: 10 }, (_, i) => ({
    name: `p${i}`,
    value: i % 2 ? i * 1.5 : `v${i}`,
    time: 1_700_000_000_000 + i,
    quality: 'GOOD' as const,
  }));
  const messages: Message[] = [
    { header: header(Code.AUTH, 1), body: { kind: 'auth', claims: [{ name: 'appKey', value: 'key' }] } },
    { header: header(Code.BIND, 2), body: { kind: 'bind', names: ['a', 'b', 'c'] } },
    {
      header: header(Code.POST, 3),
      body: {
        kind: 'request',
        method: 'POST',
        entityType: 0x0a,
        entity: 'T',
        characteristic: 2,
        name: 'UpdateSubscribedPropertyValues',
        params: propertyUpdateParams(rows),
      },
    },
    { header: header(Code.SUCCESS, 4), body: { kind: 'response', result: propertyUpdateParams(rows.slice(0, 2)) } },
    { header: header(Code.FORBIDDEN, 5), body: { kind: 'response', reason: 'no' } },
  ];
  return messages.map((message) => encodeMessage(message, FUZZ_LIMITS));
}

/** Checks a decoded message stays inside every limit (what the reader promises besides not crashing). */
function withinLimits(message: Message): boolean {
  const strings: string[] = [];
  let ok = true;
  const visitTable = (table: { fields: unknown[]; rows: unknown[][] }, depth: number) => {
    if (depth > FUZZ_LIMITS.maxInfoTableDepth || table.fields.length > FUZZ_LIMITS.maxFields || table.rows.length > FUZZ_LIMITS.maxRows)
      ok = false;
    for (const row of table.rows) for (const cell of row) visit(cell, depth);
  };
  const visit = (cell: unknown, depth: number) => {
    if (typeof cell !== 'object' || cell === null) return;
    const value = (cell as { value?: unknown }).value;
    if (typeof value === 'string') strings.push(value);
    if ((cell as { type?: string }).type === 'INFOTABLE') visitTable(value as { fields: unknown[]; rows: unknown[][] }, depth + 1);
    if ((cell as { type?: string }).type === 'VARIANT') visit(value, depth);
  };
  const { body } = message;
  if (body.kind === 'bind' || body.kind === 'unbind') {
    if (body.names.length > FUZZ_LIMITS.maxBindNames) ok = false;
    strings.push(...body.names);
  }
  if (body.kind === 'request' && body.params) visitTable(body.params, 1);
  if (body.kind === 'response' && body.result) visitTable(body.result, 1);
  return ok && strings.every((s) => Buffer.byteLength(s) <= FUZZ_LIMITS.maxStringBytes);
}

test('mutated and random frames never crash the reader: each is a message within the limits or a coded error', (t) => {
  const random = seededRandom(0xa1a1);
  const corpus = seeds();
  const codes = new Map<string, number>();
  let decoded = 0;
  const assembler = new MessageAssembler(FUZZ_LIMITS);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    // A session resets its assembler on every new connection; do the same now and then so chunks keep being tried.
    if (iteration % 25 === 0) assembler.reset();
    const pick = corpus[Math.floor(random() * corpus.length)] as Buffer[];
    const frames: Buffer[] = pick.map((frame) => Buffer.from(frame));
    const mode = random();
    if (mode < 0.1) {
      frames.splice(0, frames.length, Buffer.from(Array.from({ length: Math.floor(random() * 80) }, () => Math.floor(random() * 256))));
    } else {
      const flips = 1 + Math.floor(random() * 4);
      for (let flip = 0; flip < flips; flip++) {
        const frame = frames[Math.floor(random() * frames.length)] as Buffer;
        const at = Math.floor(random() * frame.length);
        frame[at] = random() < 0.5 ? Math.floor(random() * 256) : (frame[at] as number) ^ (1 << Math.floor(random() * 8));
      }
      if (random() < 0.2) frames[0] = (frames[0] as Buffer).subarray(0, Math.floor(random() * (frames[0] as Buffer).length));
    }
    for (const frame of frames) {
      try {
        const message = assembler.push(frame);
        if (message) {
          decoded += 1;
          if (!withinLimits(message)) t.fail(`a decoded message breaks a limit at iteration ${iteration}`);
        }
      } catch (error) {
        if (!(error instanceof AlwaysOnError)) {
          t.fail(`iteration ${iteration}: ${String(error)}`);
          return;
        }
        codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
      }
    }
    if (assembler.pending > FUZZ_LIMITS.maxPartialMessages) t.fail('more partial messages than allowed');
  }
  t.log(`decoded ${decoded}; errors ${JSON.stringify(Object.fromEntries(codes))}`);
  t.true(decoded > 0);
  for (const code of [
    'AO_ERR_TRUNCATED',
    'AO_ERR_BAD_VERSION',
    'AO_ERR_UNSUPPORTED_CODE',
    'AO_ERR_BAD_MARKER',
    'AO_ERR_UNSUPPORTED_TYPE',
    'AO_ERR_STRING_TOO_LARGE',
  ]) {
    t.true((codes.get(code) ?? 0) > 0, `${code} seen`);
  }
});
