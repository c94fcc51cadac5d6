import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import test from 'ava';
import { createLogger } from '../../config/logging.js';
import { createRestTransport } from '../../protocols/thingworx/rest-transport.js';
import type { DeliveryOutcome, ThingworxTransport, VtqRow } from '../../protocols/thingworx/types.js';
import { seededRandom } from '../../sim/seeded-random.js';
import { draws, type Random } from './draws.js';
import { REST_TRANSPORT_DEFAULTS } from '../../config/defaults.js';

/**
 * ThingWorx's answers are untrusted: a raw TCP server on loopback answers the real REST transport
 * with seeded garbage (status lines, status codes, headers, Retry-After values, bodies, framing,
 * resets, silence). Every call must come back as a well-formed DeliveryOutcome, never "delivered"
 * unless the server really said 2xx, and the app key must appear in no outcome and no log line.
 */
const SEED = 0x7_3b0_f00d;
const EXCHANGES = 400;
const PARALLEL = 8;
const KEY = '9f3c2b1a-7e6d-4c5b-8a9f-0e1d2c3b4a59';
const TIMEOUT_MS = 400;
const ROWS: VtqRow[] = [{ name: 'VatTemperature', value: 30.1, time: 1_764_238_502_123, quality: 'GOOD' }];
const KINDS = new Set(['delivered', 'unauthorized', 'not-found', 'rejected', 'retry']);

interface Reply {
  /** Bytes to write, in pieces (a response cut anywhere is part of the fuzz). */
  chunks: Buffer[];
  /** What the server does after writing. */
  afterwards: 'keep' | 'end' | 'destroy' | 'reset';
  /** Nothing at all is written (the client's timeout decides). */
  silent: boolean;
  /** The status line said 2xx (or may read so): the only case "delivered" may come from. */
  saysSuccess: boolean;
}

function replyFor(random: Random): Reply {
  const d = draws(random);
  const status = d.pick<number | string>([
    200,
    200,
    201,
    204,
    299,
    301,
    302,
    304,
    400,
    401,
    403,
    404,
    405,
    406,
    408,
    413,
    429,
    500,
    502,
    503,
    504,
    599,
    600,
    999,
    100,
    0,
    -1,
    'abc',
    20,
    2000,
  ]);
  const wellFormed = d.chance(0.85);
  // Malformed lines that still read "200" to a lenient parser may count as success; the rest never.
  const malformed = d.pick([
    { line: 'HTTP/1.1\r\n', may200: false },
    { line: 'HTTP/2 200\r\n', may200: true },
    { line: 'HTTP/1.1 200\n', may200: true },
    { line: 'GARBAGE\r\n', may200: false },
    { line: 'HTTP/1.1  200  OK\r\n', may200: true },
    { line: `HTTP/9.9 200 ${KEY}\r\n`, may200: true },
    { line: '\u0000\u0001\r\n', may200: false },
    { line: 'HTTP/1.1 2OO OK\r\n', may200: false },
    { line: 'HTTP/1.1 503 200\r\n', may200: false },
  ]);
  const statusLine = wellFormed
    ? `HTTP/1.1 ${status} ${d.pick(['OK', 'Whatever', '', 'x'.repeat(300), `key ${KEY}`])}\r\n`
    : malformed.line;
  const body = d.pick<Buffer>([
    Buffer.alloc(0),
    Buffer.from(`{"error":"bad app key ${KEY}"}`),
    Buffer.from(`<html><body><h1>Error</h1><p>appKey=${KEY}</p></body></html>`),
    Buffer.from(Array.from({ length: d.int(300) }, () => d.int(256))),
    Buffer.from(`${'x'.repeat(d.int(8))}${KEY.slice(0, 10)}<b>${KEY.slice(10)}`),
    Buffer.alloc(REST_TRANSPORT_DEFAULTS.maxResponseBytes + d.int(4096), KEY),
    Buffer.from('\u2028\u2029\ufeff\u0000 ok'),
  ]);
  const headers: string[] = [];
  const framing = d.int(5);
  if (framing === 0) headers.push(`Content-Length: ${body.length}`);
  else if (framing === 1)
    headers.push(
      `Content-Length: ${d.pick([body.length + 100, Math.max(0, body.length - 5), -1, 'abc', '1e9', `${body.length}, ${body.length + 1}`])}`,
    );
  else if (framing === 2) headers.push('Transfer-Encoding: chunked');
  else if (framing === 3) headers.push('Transfer-Encoding: gzip, chunked');
  if (d.chance(0.5)) {
    headers.push(
      `Retry-After: ${d.pick(['0', '1', '120', '-5', '1e309', '99999999999', 'abc', '', 'Wed, 21 Oct 2015 07:28:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', 'Sun, 06 Nov 1994 08:49:37', 'x'.repeat(500), KEY])}`,
    );
  }
  if (d.chance(0.3)) headers.push(`X-Echo: ${KEY}`);
  if (d.chance(0.2))
    headers.push(
      d.pick(['Content-Type: application/json', 'Content-Type: text/html; charset=utf-16', 'Connection: close', 'Connection: keep-alive']),
    );
  if (d.chance(0.05)) headers.push(`X-Huge: ${'h'.repeat(20_000)}`);
  if (d.chance(0.05)) headers.push(d.pick(['no colon here', 'Bad Header: \u0001', ': empty name', 'X-Utf8: ü€']));
  let payload = body;
  if (framing === 2 || framing === 3) {
    payload = d.chance(0.7)
      ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')])
      : Buffer.from(d.pick(['zz\r\nnope\r\n', `ffffffff\r\n${KEY}`, '5\r\nab']));
  }
  const whole = Buffer.concat([
    Buffer.from(`${statusLine}${headers.join('\r\n')}${headers.length > 0 ? '\r\n' : ''}\r\n`, 'latin1'),
    payload,
  ]);
  const cut = d.chance(0.1) ? d.int(whole.length) : whole.length;
  const pieces = d.chance(0.3)
    ? [whole.subarray(0, Math.floor(cut / 2)), whole.subarray(Math.floor(cut / 2), cut)]
    : [whole.subarray(0, cut)];
  const code = typeof status === 'number' ? status : Number.NaN;
  return {
    chunks: pieces,
    afterwards: d.pick(['keep', 'keep', 'end', 'destroy', 'reset'] as const),
    silent: d.chance(0.04),
    saysSuccess: wellFormed ? code >= 200 && code < 300 : malformed.may200,
  };
}

/** A server that reads HTTP requests off raw sockets and answers exchange i (its Thing is `T<i>`) with reply i. */
async function startGarbageServer(replies: Map<number, Reply>): Promise<{ port: number; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const headerEnd = buffered.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const head = buffered.subarray(0, headerEnd).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < headerEnd + 4 + length) return;
        buffered = buffered.subarray(headerEnd + 4 + length);
        const exchange = Number(/\/Things\/T(\d+)\//.exec(head)?.[1]);
        const reply = replies.get(exchange);
        if (!reply || reply.silent) return;
        for (const piece of reply.chunks) socket.write(piece);
        if (reply.afterwards === 'end') socket.end();
        else if (reply.afterwards === 'destroy') socket.destroy();
        else if (reply.afterwards === 'reset') socket.resetAndDestroy();
        if (reply.afterwards !== 'keep') return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server, sockets };
}

function problemWith(outcome: DeliveryOutcome, reply: Reply): string | undefined {
  if (!KINDS.has(outcome.kind)) return `unknown kind ${String(outcome.kind)}`;
  if (JSON.stringify(outcome).includes(KEY)) return 'the app key is in the outcome';
  if (outcome.kind === 'delivered' && !reply.saysSuccess) return 'delivered, but the server never said 2xx';
  if ('status' in outcome && outcome.status !== undefined && !Number.isInteger(outcome.status)) return `status ${outcome.status}`;
  if (outcome.kind === 'rejected' || outcome.kind === 'retry') {
    if (typeof outcome.detail !== 'string' || !/^(HTTP \d+|TWX_[A-Z_]+)/.test(outcome.detail))
      return `detail without a stable start: ${outcome.detail}`;
    if (outcome.detail.length > REST_TRANSPORT_DEFAULTS.maxDetailChars + 64) return `detail of ${outcome.detail.length} characters`;
  }
  if (outcome.kind === 'retry' && outcome.retryAfterMs !== undefined) {
    const ms = outcome.retryAfterMs;
    if (!Number.isFinite(ms) || ms < 0 || ms > REST_TRANSPORT_DEFAULTS.maxRetryAfterMs) return `retryAfterMs ${ms}`;
  }
  return undefined;
}

test('fuzz: 400 garbage ThingWorx responses through the REST transport: every outcome well formed, no false delivery, the key never echoed', async (t) => {
  t.timeout(60_000);
  const replies = new Map<number, Reply>();
  for (let i = 0; i < EXCHANGES + 1; i += 1) replies.set(i, replyFor(seededRandom(SEED + i)));
  // The last exchange is a plain 200: the transport still works after all the rest.
  replies.set(EXCHANGES, {
    chunks: [Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')],
    afterwards: 'keep',
    silent: false,
    saysSuccess: true,
  });
  const garbage = await startGarbageServer(replies);
  const logLines: string[] = [];
  const transport: ThingworxTransport = createRestTransport({
    baseUrl: `http://127.0.0.1:${garbage.port}`,
    appKey: KEY,
    allowInsecureHttp: true,
    requestTimeoutMs: TIMEOUT_MS,
    logger: createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString('utf8'));
          done();
        },
      }),
    }),
  });
  t.teardown(async () => {
    await transport.close();
    for (const socket of garbage.sockets) socket.destroy();
    await new Promise((resolve) => garbage.server.close(resolve));
  });

  const kinds: Record<string, number> = {};
  const problems: string[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < EXCHANGES; i = next++) {
      const reply = replies.get(i)!;
      const call = i % 5 === 0 ? transport.checkSession(`T${i}`) : transport.updatePropertyValues(`T${i}`, ROWS);
      let outcome: DeliveryOutcome;
      try {
        outcome = await call;
      } catch (error) {
        problems.push(`exchange ${i} rejected: ${String(error)}`);
        continue;
      }
      kinds[outcome.kind] = (kinds[outcome.kind] ?? 0) + 1;
      const problem = problemWith(outcome, reply);
      if (problem) problems.push(`exchange ${i} (seed ${SEED + i}): ${problem}: ${JSON.stringify(outcome)}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  t.deepEqual(problems, []);
  t.deepEqual(await transport.updatePropertyValues(`T${EXCHANGES}`, ROWS), { kind: 'delivered', status: 200 });
  t.log(JSON.stringify(kinds));
  t.true(Object.keys(kinds).length >= 4, `the garbage reached too few outcomes: ${JSON.stringify(kinds)}`);
  t.false(
    logLines.some((line) => line.includes(KEY)),
    'the app key appears in a log line',
  );
});
