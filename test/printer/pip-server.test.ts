import { connect, type Socket } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import { decodeReply, type PipReply } from '../../protocols/printer/reply.js';
import { decodeResult } from '../../protocols/printer/results.js';
import { createPrinterModel, FAMILY_PROFILES, PRINTER_FAMILIES } from '../../sim/printers/families.js';
import { createPipServer, PIP_SERVER_DEFAULTS } from '../../sim/printers/pip-server.js';

/** A raw line-oriented connection to the simulator, for requests the real client cannot make. */
async function rawConnection(t: ExecutionContext, port: number) {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  t.teardown(() => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buffered = '';
  const waiting: Array<(line: string) => void> = [];
  const lines: string[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let at = buffered.indexOf('\n'); at !== -1; at = buffered.indexOf('\n')) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    }
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    closed,
    send(text: string): void {
      socket.write(text);
    },
    reply(): Promise<PipReply> {
      const line = lines.shift();
      if (line !== undefined) return Promise.resolve(decodeReply(line));
      return new Promise((resolve) => waiting.push((text) => resolve(decodeReply(text))));
    },
  };
}

async function startSim(t: ExecutionContext) {
  const sim = createPipServer({ family: 'mjp', seed: 3 });
  const port = await sim.start();
  t.teardown(() => sim.stop());
  return { sim, port };
}

test('unknown and writing ops are answered with UNKNOWN_OP', async (t) => {
  const { sim, port } = await startSim(t);
  const raw = await rawConnection(t, port);
  for (const [id, op] of [
    [1, 'setTemperature'],
    [2, 'startJob'],
    [3, 'IDENTIFY'],
  ] as const) {
    raw.send(`${JSON.stringify({ v: 1, id, op })}\n`);
    t.like(await raw.reply(), { id, ok: false, error: { code: 'UNKNOWN_OP' } });
  }
  raw.send('{"v":1,"id":4,"op":"identify"}\n');
  const reply = await raw.reply();
  t.like(reply, { id: 4, ok: true, result: { family: 'mjp' } });
  t.deepEqual(sim.stats().opsReceived, ['setTemperature', 'startJob', 'IDENTIFY', 'identify']);
});

test('malformed requests get BAD_REQUEST; an over-long one ends the connection', async (t) => {
  const { port } = await startSim(t);
  const raw = await rawConnection(t, port);
  raw.send('not json\n{"v":2,"id":1,"op":"status"}\n{"v":1,"id":-5,"op":"status"}\n');
  for (let i = 0; i < 3; i += 1) t.like(await raw.reply(), { id: 0, ok: false, error: { code: 'BAD_REQUEST' } });
  raw.send('x'.repeat(PIP_SERVER_DEFAULTS.maxLineBytes + 1));
  await raw.closed;
  t.pass();
});

test('every family identifies itself and answers with its own items', (t) => {
  for (const family of PRINTER_FAMILIES) {
    const model = createPrinterModel({ family, seed: 11, now: () => 1_700_000_000_000 });
    const identity = decodeResult('identify', model.identify());
    t.is(identity.family, family);
    t.is(identity.model, FAMILY_PROFILES[family].model);
    const sensors = decodeResult('sensors', model.sensors());
    for (const { item } of FAMILY_PROFILES[family].sensors) t.is(typeof sensors[item], 'number', `${family} ${item}`);
    const consumables = decodeResult('consumables', model.consumables());
    t.deepEqual(
      Object.keys(consumables),
      FAMILY_PROFILES[family].consumables.map(({ item }) => item),
    );
  }
});

test('values are seeded: the same seed repeats, another seed differs, and values drift within bounds', (t) => {
  const run = (seed: number) => {
    const model = createPrinterModel({ family: 'projet-6k', seed, now: () => 0 });
    return Array.from({ length: 50 }, () => model.sensors().VatTemperature as number);
  };
  t.deepEqual(run(5), run(5));
  t.notDeepEqual(run(5), run(6));
  const values = run(5);
  t.true(new Set(values).size > 5, 'the value drifts');
  for (const value of values) t.true(value >= 28 && value <= 32, String(value));
});

test('status follows a job from building to finished to idle and on to the next job', (t) => {
  let now = 1_700_000_000_000;
  const model = createPrinterModel({ family: 'mjp', seed: 9, now: () => now });
  const seen: string[] = [];
  const jobIds = new Set<string>();
  let lastLayer = -1;
  for (let poll = 0; poll < 5000 && jobIds.size < 2; poll += 1) {
    now += 1000;
    const status = decodeResult('status', model.status());
    if (seen.at(-1) !== status.state) seen.push(status.state);
    if (status.job) {
      if (!jobIds.has(status.job.id)) lastLayer = -1;
      jobIds.add(status.job.id);
      t.true(status.job.layer >= lastLayer, 'layers only go up within a job');
      lastLayer = status.job.layer;
      t.true(status.job.estimatedEndAt > status.job.startedAt);
    }
  }
  t.deepEqual(seen, ['building', 'finished', 'idle', 'building']);
  t.is(jobIds.size, 2);
});
