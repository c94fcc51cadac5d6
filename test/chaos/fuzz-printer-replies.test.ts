import { createServer, type Socket } from 'node:net';
import test from 'ava';
import { silentLogger } from '../../config/logging.js';
import { createPrinterClient } from '../../protocols/printer/client.js';
import { PipError, type PipErrorCode } from '../../protocols/printer/errors.js';
import { type PipOp, READ_ONLY_OPS } from '../../protocols/printer/ops.js';
import { createPrinterModel } from '../../sim/printers/families.js';
import { seededRandom } from '../../sim/seeded-random.js';
import { draws, type Random } from './draws.js';
import { PIP_CODEC_LIMITS } from '../../config/defaults.js';
import { until } from '../support/until.js';

/**
 * Printer-interface replies are untrusted: a raw TCP server answers the real PIP/1 client's requests
 * with seeded garbage (bad JSON and UTF-8, wrong ids, mutated results, endless lines, unsolicited
 * replies, silence, resets). Every call must settle, with a typed result or a PipError with a known
 * code, and the client must still work once the printer answers properly again.
 */
const SEED = 0x919_5eed;
const CALLS = 300;
const TIMEOUT_MS = 200;
const KNOWN_CODES: ReadonlySet<PipErrorCode> = new Set([
  'PIP_LINE_TOO_LONG',
  'PIP_BAD_UTF8',
  'PIP_BAD_JSON',
  'PIP_BAD_ENVELOPE',
  'PIP_BAD_RESULT',
  'PIP_WRONG_ID',
  'PIP_UNSOLICITED_REPLY',
  'PIP_REMOTE_ERROR',
  'PIP_TIMEOUT',
  'PIP_CONNECT_FAILED',
  'PIP_CONNECTION_LOST',
  'PIP_UNAVAILABLE',
  'PIP_BUSY',
]);

const model = createPrinterModel({ family: 'projet-6k', seed: 3, now: () => 1_764_238_502_123, includeJobFileName: true });

function mutate(random: Random, value: unknown, depth = 0): unknown {
  const d = draws(random);
  if (depth > 3 || d.chance(0.3)) {
    return d.pick<unknown>([
      null,
      -1,
      1.5,
      2 ** 53 + 2,
      1e308,
      '',
      'x'.repeat(5_000),
      '/jobs/part.stl',
      {},
      [],
      true,
      '\u0000',
      '__proto__',
    ]);
  }
  if (Array.isArray(value)) return value.map((item) => mutate(random, item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, d.chance(0.3) ? mutate(random, item, depth + 1) : item] as const);
    if (d.chance(0.2)) entries.push([d.pick(['extra', 'constructor', 'fileName', 'VatTemperature']), mutate(random, null, depth + 1)]);
    return Object.fromEntries(d.chance(0.1) ? entries.slice(1) : entries);
  }
  return value;
}

type Act = { write: Buffer[] } | { silence: true } | { close: 'end' | 'reset' };

/** What the server does with request `id` for `op`; `good` answers properly. */
function answer(random: Random, id: number, op: PipOp, good: boolean): Act {
  const line = (value: unknown) => Buffer.from(`${JSON.stringify(value)}\n`);
  const valid = () => ({ v: 1, id, ok: true, result: model[op]() });
  if (good) return { write: [line(valid())] };
  const d = draws(random);
  switch (d.int(12)) {
    case 0:
    case 1:
      return { write: [line(valid())] };
    case 2:
      return { write: [line({ v: 1, id, ok: true, result: mutate(random, model[op]()) })] };
    case 3:
      return {
        write: [
          line({
            v: d.pick([1, 2, '1', null]),
            id: d.pick<unknown>([id + 1, String(id), -1, 2 ** 32, null]),
            ok: d.pick<unknown>([true, 'yes', 1]),
            result: {},
          }),
        ],
      };
    case 4:
      return {
        write: [
          line({
            v: 1,
            id,
            ok: false,
            error: d.pick<unknown>([{ code: 'BUSY', message: 'later' }, { code: 7 }, 'nope', null, { code: 'X'.repeat(3_000) }]),
          }),
        ],
      };
    case 5:
      return {
        write: [Buffer.from(d.pick(['}{ not json\n', '\n', 'null\n', '[]\n', '"str"\n', '{"v":1,"id":\n', `${'{'.repeat(5_000)}\n`]))],
      };
    case 6:
      return { write: [Buffer.concat([Buffer.from('{"v":1,"id":'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('}\n')])] };
    case 7: {
      const whole = line(valid());
      const at = 1 + d.int(whole.length - 1);
      return { write: [whole.subarray(0, at), whole.subarray(at)] };
    }
    case 8:
      return { write: [line(valid()), line({ v: 1, id: id + 7, ok: true, result: {} })] };
    case 9:
      return { write: [Buffer.alloc(PIP_CODEC_LIMITS.maxLineBytes + 1 + d.int(1_000), 'x')] };
    case 10:
      return d.chance(0.5) ? { silence: true } : { write: [Buffer.from('{"v":1,"id":')] };
    default:
      return { close: d.pick(['end', 'reset'] as const) };
  }
}

test('fuzz: 300 calls answered with garbage: every call settles with a result or a known PipError, and the client recovers', async (t) => {
  t.timeout(60_000);
  const random = seededRandom(SEED);
  let good = false;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const request = JSON.parse(buffered.slice(0, end)) as { id: number; op: PipOp };
        buffered = buffered.slice(end + 1);
        requests += 1;
        const act = answer(random, request.id, request.op, good);
        if ('write' in act) for (const piece of act.write) socket.write(piece);
        else if ('close' in act) {
          if (act.close === 'end') socket.end();
          else socket.resetAndDestroy();
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const client = createPrinterClient({
    host: '127.0.0.1',
    port: typeof address === 'object' && address ? address.port : 0,
    timeoutMs: TIMEOUT_MS,
    connectTimeoutMs: 1_000,
    backoff: { minMs: 5, maxMs: 20, jitter: 0 },
    logger: silentLogger(),
    name: 'fuzz',
    random: () => 0.5,
  });
  t.teardown(async () => {
    await client.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const d = draws(seededRandom(SEED + 1));
  const codes: Record<string, number> = {};
  const problems: string[] = [];
  let results = 0;
  for (let i = 0; i < CALLS; i += 1) {
    const op = d.pick(READ_ONLY_OPS);
    try {
      const result = await client[op]();
      if (result === null || typeof result !== 'object') problems.push(`call ${i} ${op}: result ${JSON.stringify(result)}`);
      else if (JSON.stringify(result).includes('.stl')) problems.push(`call ${i} ${op}: a job file name reached the caller`);
      results += 1;
    } catch (error) {
      if (!(error instanceof PipError) || !KNOWN_CODES.has(error.code)) {
        problems.push(`call ${i} ${op}: ${error instanceof Error ? `${error.name} ${error.message}` : String(error)}`);
        continue;
      }
      codes[error.code] = (codes[error.code] ?? 0) + 1;
    }
  }
  t.deepEqual(problems, [], `seed ${SEED}`);
  t.log(`results=${results} requests=${requests} ${JSON.stringify(codes)}`);
  t.true(Object.keys(codes).length >= 6, `too few kinds of failure reached: ${JSON.stringify(codes)}`);

  // The printer behaves again: the same client answers every op.
  good = true;
  for (const op of READ_ONLY_OPS) {
    let last: unknown;
    // Retried until it answers (a bound of time, not of attempts: a loaded machine may need more of them).
    await until(
      async () => {
        try {
          last = await client[op]();
          return true;
        } catch (error) {
          last = error;
          return false;
        }
      },
      { what: `${op} answered after recovery`, everyMs: 50 },
    ).catch(() => {}); // the assertion below names the last error
    t.false(last instanceof Error, `${op} after recovery: ${String(last)}`);
  }
});
