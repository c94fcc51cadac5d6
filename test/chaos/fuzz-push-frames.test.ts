import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import test from 'ava';
import { WebSocket } from 'ws';
import { silentLogger } from '../../config/logging.js';
import { tokenAuthenticator } from '../../protocols/push/auth.js';
import type { PushDelivery } from '../../protocols/push/connection.js';
import { createPushServer } from '../../protocols/push/server.js';
import { seededRandom } from '../../sim/seeded-random.js';
import { draws, type Random } from './draws.js';
import { until as untilCondition } from '../support/until.js';

/**
 * Push connections are untrusted: raw sockets speak seeded, mostly malformed WebSocket to the real
 * push server (bad upgrades, unmasked and reserved-bit frames, unknown opcodes, oversized and
 * fragmented control frames, invalid UTF-8, lying length headers, truncated frames, garbage JSON).
 * The server must end each bad connection itself, deliver only valid messages, keep no connection
 * behind, and still serve a well-behaved printer afterwards.
 */
const SEED = 0x9_0057;
const CONNECTIONS = 300;
const PARALLEL = 4;
const MAX_MESSAGE_BYTES = 4_096;
/** A connection the server has not ended by then is a finding (it holds a socket it should not). */
const SETTLE_MS = 3_000;
const TOKENS = Object.fromEntries(
  Array.from({ length: PARALLEL + 1 }, (_, i) => [`p0${i + 1}`, `token-${i + 1}-${randomBytes(6).toString('hex')}`]),
);

interface Frame {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  payload: Buffer;
  masked?: boolean;
  /** A length header that lies: claims this many bytes. */
  claimedLength?: bigint;
}

function encodeFrame(frame: Frame, random: Random): Buffer {
  const masked = frame.masked ?? true;
  const length = frame.claimedLength ?? BigInt(frame.payload.length);
  const head = [((frame.fin ?? true) ? 0x80 : 0) | ((frame.rsv ?? 0) << 4) | (frame.opcode & 0x0f)];
  const maskBit = masked ? 0x80 : 0;
  let extended = Buffer.alloc(0);
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65_536n) {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(length);
  }
  const key = Buffer.from([0, 1, 2, 3].map(() => Math.floor(random() * 256)));
  const body = Buffer.from(frame.payload);
  if (masked) for (let i = 0; i < body.length; i += 1) body[i]! ^= key[i % 4]!;
  return Buffer.concat([Buffer.from(head), extended, masked ? key : Buffer.alloc(0), body]);
}

function scenario(random: Random, printer: string) {
  const d = draws(random);
  let seq = 1 + d.int(1_000);
  const validMessage = () =>
    Buffer.from(
      JSON.stringify({
        seq: seq++,
        time: 1_764_238_502_123 + d.int(1_000),
        readings: [{ item: 'OxygenPpm', value: d.int(900), unit: 'ppm' }],
      }),
    );
  const upgrade = (() => {
    const good = {
      path: '/push/v1',
      version: '13',
      key: randomBytes(16).toString('base64'),
      auth: `Bearer ${TOKENS[printer]}`,
    };
    switch (d.int(14)) {
      case 0:
        return { ...good, path: d.pick(['/', '/push/v2', '/push/v1/../x', `/${'a'.repeat(3_000)}`]) };
      case 1:
        return { ...good, version: d.pick(['8', '', 'abc']) };
      case 2:
        return { ...good, key: d.pick(['', 'short', '!!!!']) };
      case 3:
        return { ...good, auth: d.pick(['', 'Bearer', 'Bearer wrong', `Basic ${TOKENS[printer]}`, `Bearer ${'x'.repeat(9_000)}`]) };
      case 4:
        return 'garbage' as const;
      default:
        return good;
    }
  })();
  const frames: Array<Frame | 'truncate' | 'reset' | 'noise'> = [];
  for (let n = 1 + d.int(5); n > 0; n -= 1) {
    switch (d.int(16)) {
      case 0:
      case 1:
      case 2:
        frames.push({ opcode: 1, payload: validMessage() });
        break;
      case 3:
        frames.push({
          opcode: 1,
          payload: Buffer.from(
            d.pick(['{', 'null', '[]', '{"seq":-1}', '{"seq":1,"time":"x","readings":[]}', '{"__proto__":{"x":1}}', 'x'.repeat(100)]),
          ),
        });
        break;
      case 4:
        frames.push({ opcode: 1, payload: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) });
        break;
      case 5:
        frames.push({ opcode: 1, payload: validMessage(), masked: false });
        break;
      case 6:
        frames.push({ opcode: 1, payload: validMessage(), rsv: 1 + d.int(7) });
        break;
      case 7:
        frames.push({ opcode: d.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), payload: randomBytes(d.int(20)) });
        break;
      case 8:
        frames.push({ opcode: 0, payload: Buffer.from('continuation without a start') });
        break;
      case 9: {
        const whole = validMessage();
        const at = d.int(whole.length);
        frames.push({ opcode: 1, fin: false, payload: whole.subarray(0, at) }, { opcode: 0, payload: whole.subarray(at) });
        break;
      }
      case 10:
        frames.push({ opcode: d.pick([8, 9, 10]), payload: randomBytes(126 + d.int(100)) });
        break;
      case 11:
        frames.push({ opcode: 9, fin: false, payload: Buffer.from('ping') });
        break;
      case 12: {
        const code = Buffer.alloc(2);
        code.writeUInt16BE(d.pick([0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65_535]));
        frames.push({ opcode: 8, payload: d.chance(0.3) ? Buffer.from([3]) : Buffer.concat([code, Buffer.from([0xff, 0xfe])]) });
        break;
      }
      case 13:
        frames.push({
          opcode: 1,
          payload: Buffer.from('{}'),
          claimedLength: d.pick([BigInt(MAX_MESSAGE_BYTES + 1), 2n ** 31n, 2n ** 63n, 2n ** 64n - 1n]),
        });
        break;
      case 14:
        frames.push({ opcode: 2, payload: randomBytes(d.int(64)) });
        break;
      default:
        frames.push(d.pick(['truncate', 'reset', 'noise'] as const));
    }
  }
  return { upgrade, frames, closeAtEnd: d.chance(0.8) };
}

function upgradeRequest(port: number, upgrade: ReturnType<typeof scenario>['upgrade']): string {
  if (upgrade === 'garbage') return 'GET\r\n\r\n\u0000\u0001 what\r\n\r\n';
  return [
    `GET ${upgrade.path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${upgrade.key}`,
    `Sec-WebSocket-Version: ${upgrade.version}`,
    ...(upgrade.auth === '' ? [] : [`Authorization: ${upgrade.auth}`]),
    '',
    '',
  ].join('\r\n');
}

/** Opcodes of the frames the server sent after its 101 (server frames are never masked). */
function serverOpcodes(bytes: Buffer): number[] {
  const opcodes: number[] = [];
  for (let at = 0; at + 2 <= bytes.length; ) {
    const opcode = bytes[at]! & 0x0f;
    let length = bytes[at + 1]! & 0x7f;
    let header = 2;
    if (length === 126) {
      if (at + 4 > bytes.length) break;
      length = bytes.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      if (at + 10 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(at + 2));
      header = 10;
    }
    opcodes.push(opcode);
    at += header + length;
  }
  return opcodes;
}

/** A frame the server cannot accept: after it, the server must start closing the connection. */
function isViolation(frame: Frame): boolean {
  if (frame.masked === false || frame.rsv || frame.claimedLength !== undefined) return true;
  if (frame.opcode >= 3 && frame.opcode <= 7) return true;
  if (frame.opcode >= 11) return true;
  if (frame.opcode === 2) return true;
  if (frame.opcode >= 8 && (frame.fin === false || frame.payload.length > 125)) return true;
  if (frame.opcode === 8) return true;
  return false;
}

interface Played {
  /** refused: the upgrade was; closed: the server started a close the client provoked; open: neither was needed. */
  verdict: 'refused' | 'closed' | 'open' | 'client-ended';
  sentValid: number;
  /** Empty when the server behaved; else what it failed to do. */
  problem: string;
  plan: string;
}

/**
 * Plays one scenario on a raw socket. A refused upgrade must end in the server closing the TCP
 * connection; a protocol violation (or a close request) must get a close frame (ws then waits for
 * the peer's close before it drops TCP) or an immediate drop.
 */
async function play(port: number, random: Random, printer: string): Promise<Played> {
  const plan = scenario(random, printer);
  const described = JSON.stringify({
    upgrade: typeof plan.upgrade === 'string' ? plan.upgrade : { ...plan.upgrade, auth: plan.upgrade.auth.slice(0, 12) },
    frames: plan.frames.map((f) =>
      typeof f === 'string' ? f : { ...f, payload: f.payload.length, claimedLength: f.claimedLength?.toString() },
    ),
    closeAtEnd: plan.closeAtEnd,
  });
  const socket: Socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  let received = Buffer.alloc(0);
  let closed = false;
  const closedPromise = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  const arrived: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    for (const wake of arrived.splice(0)) wake();
  });
  /** Waits until `check` holds (true), the socket closes or SETTLE_MS pass (false). */
  const until = async (check: () => boolean): Promise<boolean> => {
    const deadline = Date.now() + SETTLE_MS;
    while (!check()) {
      if (closed || Date.now() > deadline) return check();
      await Promise.race([
        new Promise<void>((resolve) => arrived.push(resolve)),
        closedPromise,
        new Promise((resolve) => setTimeout(resolve, 50)),
      ]);
    }
    return true;
  };
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(upgradeRequest(port, plan.upgrade));
  const headerEnd = () => received.indexOf('\r\n\r\n');
  await until(() => headerEnd() >= 0);
  const upgraded = headerEnd() >= 0 && received.toString('latin1', 0, 13) === 'HTTP/1.1 101 ';
  if (!upgraded) {
    const ended =
      closed ||
      (await Promise.race([
        closedPromise.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), SETTLE_MS)),
      ]));
    socket.destroy();
    return { verdict: 'refused', sentValid: 0, problem: ended ? '' : 'a refused upgrade left the connection open', plan: described };
  }

  let sentValid = 0;
  let mustClose = false;
  let unknowable = false;
  for (const frame of plan.frames) {
    if (closed) break;
    if (frame === 'reset' || frame === 'truncate') {
      if (frame === 'reset') socket.resetAndDestroy();
      else {
        socket.write(encodeFrame({ opcode: 1, payload: Buffer.from('{"seq":1,"time":1,"readings":[]}') }, random).subarray(0, 5));
        socket.end();
      }
      await closedPromise;
      return { verdict: 'client-ended', sentValid, problem: '', plan: described };
    }
    if (frame === 'noise') {
      // Random bytes may read as the start of a long frame: what the server should do next is unknowable.
      socket.write(randomBytes(1 + Math.floor(random() * 64)));
      unknowable = true;
      continue;
    }
    socket.write(encodeFrame(frame, random));
    if (unknowable) continue;
    if (isViolation(frame)) mustClose = true;
    else if (frame.opcode === 1 && frame.fin !== false) {
      if (frame.payload.toString('utf8').startsWith('{"seq":')) sentValid += 1;
      else mustClose = true;
    }
  }
  if (!closed && plan.closeAtEnd && !unknowable) {
    socket.write(encodeFrame({ opcode: 8, payload: Buffer.from([0x03, 0xe8]) }, random));
    mustClose = true;
  }
  const afterHeader = () => received.subarray(headerEnd() + 4);
  const closing = mustClose ? await until(() => serverOpcodes(afterHeader()).includes(8)) : true;
  socket.destroy();
  return {
    verdict: mustClose ? 'closed' : 'open',
    sentValid,
    problem: closing || closed ? '' : 'no close frame after a violation or a close request',
    plan: described,
  };
}

test('fuzz: 300 raw connections of malformed WebSocket to the push server: each ends cleanly, only valid messages are delivered, a good printer is still served', async (t) => {
  t.timeout(90_000);
  const deliveries: PushDelivery[] = [];
  const server = createPushServer({
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    handshakeTimeoutMs: 1_000,
    closeTimeoutMs: 1_000,
    authenticate: tokenAuthenticator(TOKENS),
    logger: silentLogger(),
    onMessage: (delivery) => {
      deliveries.push(delivery);
      delivery.handle.ack();
    },
  });
  const { port } = await server.listen();
  t.teardown(() => server.close());

  let sentValid = 0;
  const verdicts: Record<string, number> = {};
  const lingering: string[] = [];
  let next = 0;
  const worker = async (index: number) => {
    const printer = `p0${index + 1}`;
    for (let i = next++; i < CONNECTIONS; i = next++) {
      const outcome = await play(port, seededRandom(SEED + i), printer);
      sentValid += outcome.sentValid;
      verdicts[outcome.verdict] = (verdicts[outcome.verdict] ?? 0) + 1;
      if (outcome.problem) lingering.push(`${i}: ${outcome.problem}: ${outcome.plan}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, (_, index) => worker(index)));

  t.deepEqual(lingering, [], `connections the server did not end or close (seed ${SEED} + i)`);
  t.log(`${JSON.stringify(verdicts)} deliveries=${deliveries.length} valid_sent=${sentValid}`);
  t.true((verdicts.refused ?? 0) > 0 && (verdicts.closed ?? 0) > 0, JSON.stringify(verdicts));
  t.true(deliveries.length <= sentValid, `${deliveries.length} deliveries from ${sentValid} valid messages`);
  t.true(deliveries.length > 0, 'no valid message got through at all');
  for (const delivery of deliveries) {
    t.true(Object.hasOwn(TOKENS, delivery.printerId) && Number.isSafeInteger(delivery.seq) && Array.isArray(delivery.readings));
  }
  await untilCondition(() => server.connections().length === 0, { what: 'every fuzzed connection closed' }).catch(() => {}); // asserted below
  t.deepEqual(server.connections(), [], 'connections left behind');

  // A well-behaved printer (the real ws client) is still served and acknowledged.
  const printer = `p0${PARALLEL + 1}`;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/push/v1`, { headers: { Authorization: `Bearer ${TOKENS[printer]}` } });
  const reply = await new Promise<string>((resolve, reject) => {
    ws.once('open', () =>
      ws.send(JSON.stringify({ seq: 42, time: 1_764_238_502_123, readings: [{ item: 'OxygenPpm', value: 400, unit: 'ppm' }] })),
    );
    ws.once('message', (data) => resolve(String(data)));
    ws.once('error', reject);
  });
  t.deepEqual(JSON.parse(reply), { ack: 42 });
  ws.close();
});
