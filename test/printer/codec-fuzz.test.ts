import test from 'ava';
import { PipError } from '../../protocols/printer/errors.js';
import { LineSplitter } from '../../protocols/printer/line-splitter.js';
import { READ_ONLY_OPS } from '../../protocols/printer/ops.js';
import { decodeReply } from '../../protocols/printer/reply.js';
import { decodeResult } from '../../protocols/printer/results.js';
import { createSeededRandom } from '../../sim/printers/families.js';

const SEED = 0x5eed_2026;
const INPUTS = 24_000;

const VALID_RESULTS: unknown[] = [
  { model: 'ProJet 6000 HD', family: 'projet-6k', serial: 'SN-1', firmware: '3.4.1' },
  { state: 'building', job: { id: 'J-00042', state: 'building', layer: 152, layers: 1200, startedAt: 1, estimatedEndAt: 2 } },
  { state: 'idle', job: null },
  { VatTemperature: 30.1, RecoaterState: 'ok', DoorClosed: true },
  { ResinLevel: 71.5, WasteLevel: 12 },
];

function fuzzer(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (max: number) => Math.floor(random() * max);

  function randomValue(depth: number): unknown {
    switch (int(depth > 2 ? 6 : 9)) {
      case 0:
        return null;
      case 1:
        return random() < 0.5;
      case 2:
        return pick([0, -1, 1.5, 2 ** 32, 2 ** 53 + 2, 1e308, -0, 152, 1200]);
      case 3:
        return pick(['', 'idle', 'building', 'J-1', '/etc/passwd', 'ü€', '\u0000', 'x'.repeat(300), '__proto__']);
      case 4:
        return int(10_000_000);
      case 5:
        return pick(['UNKNOWN_OP', 'ok', 'BUSY']);
      case 6:
        return Array.from({ length: int(4) }, () => randomValue(depth + 1));
      default: {
        const keys = [
          'v',
          'id',
          'ok',
          'result',
          'error',
          'state',
          'job',
          'layer',
          'layers',
          'code',
          'message',
          'model',
          'family',
          '__proto__',
          'VatTemperature',
        ];
        return Object.fromEntries(Array.from({ length: int(6) }, () => [pick(keys), randomValue(depth + 1)]));
      }
    }
  }

  function structured(): string {
    const envelope: Record<string, unknown> = {
      v: random() < 0.9 ? 1 : randomValue(2),
      id: random() < 0.8 ? int(100) : randomValue(2),
      ok: random() < 0.8 ? random() < 0.7 : randomValue(2),
    };
    if (random() < 0.8) envelope.result = random() < 0.5 ? pick(VALID_RESULTS) : randomValue(0);
    if (random() < 0.3) envelope.error = random() < 0.5 ? { code: 'UNKNOWN_OP', message: 'nope' } : randomValue(1);
    return JSON.stringify(envelope);
  }

  function mutated(): Buffer {
    const base = Buffer.from(JSON.stringify({ v: 1, id: int(100), ok: true, result: pick(VALID_RESULTS) }));
    const bytes = [...base];
    for (let edits = 1 + int(4); edits > 0; edits -= 1) {
      const at = int(bytes.length + 1);
      switch (int(4)) {
        case 0:
          bytes[at] = int(256);
          break;
        case 1:
          bytes.splice(at, 0, int(256));
          break;
        case 2:
          bytes.splice(at, 1 + int(8));
          break;
        default:
          bytes.splice(at, 0, ...Buffer.from(pick(['"', '{', '}', '[', ',', ':', '\\u0000', 'null', '1e999', '\u00e9'])));
      }
    }
    return Buffer.from(bytes.filter((byte) => byte !== 0x0a));
  }

  function noise(): Buffer {
    return Buffer.from(Array.from({ length: int(200) }, () => int(256)).filter((byte) => byte !== 0x0a));
  }

  return (): Buffer => {
    const kind = int(10);
    if (kind < 5) return Buffer.from(structured());
    if (kind < 9) return mutated();
    return noise();
  };
}

test(`${INPUTS} seeded reply lines: the decoder answers each with a result or a PipError, never anything else`, (t) => {
  const random = createSeededRandom(SEED);
  const next = fuzzer(random);
  const outcomes = new Map<string, number>();
  const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  const splitter = new LineSplitter();
  const stream: Buffer[] = [];
  let foreign: unknown;

  for (let i = 0; i < INPUTS && foreign === undefined; i += 1) {
    const line = next();
    stream.push(line, Buffer.from('\n'));
    try {
      const reply = decodeReply(line);
      if (!reply.ok) {
        count('remote-error');
        continue;
      }
      for (const op of READ_ONLY_OPS) {
        try {
          decodeResult(op, reply.result);
          count(`result:${op}`);
        } catch (error) {
          if (!(error instanceof PipError)) throw error;
          count(error.code);
        }
      }
    } catch (error) {
      if (error instanceof PipError) count(error.code);
      else foreign = error;
    }
  }
  t.is(foreign, undefined, `a non-PipError escaped: ${String(foreign)}`);

  // the same lines through the splitter in random cuts come out line for line
  const all = Buffer.concat(stream);
  const lines: Buffer[] = [];
  for (let at = 0; at < all.length; ) {
    const size = 1 + Math.floor(random() * 3000);
    lines.push(...splitter.push(all.subarray(at, at + size)));
    at += size;
  }
  t.is(lines.length, INPUTS);
  t.true(lines[INPUTS - 1]?.equals(stream[2 * (INPUTS - 1)] ?? Buffer.alloc(0)));

  // the generator must reach every part of the decoder, or this test proves little
  for (const key of ['PIP_BAD_JSON', 'PIP_BAD_UTF8', 'PIP_BAD_ENVELOPE', 'PIP_BAD_RESULT', 'remote-error']) {
    t.true((outcomes.get(key) ?? 0) > 50, `${key}: ${outcomes.get(key) ?? 0}`);
  }
  for (const op of READ_ONLY_OPS) t.true((outcomes.get(`result:${op}`) ?? 0) > 50, `result:${op}`);
});
