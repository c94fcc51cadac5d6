/**
 * The stand-in's AlwaysOn side driven by a raw ws client with hand-written frames (not our transport): AUTH, what is
 * refused before it and with a wrong key, BIND of an unknown or forbidden Thing, and a multipart push recorded whole.
 */
import { once } from 'node:events';
import test from 'ava';
import WebSocket from 'ws';
import { Code, decodeFrame, encodeMessage, propertyUpdateParams, type Message } from '../../../protocols/thingworx/alwayson/index.js';
import { startThingworxStandIn, type ThingworxStandIn } from '../../../sim/thingworx/stand-in.js';
import { DEFAULT_ALWAYSON_LIMITS } from '../../../config/defaults.js';

const KEY = 'k-stand-in';
const h = (digits: string): Buffer => Buffer.from(digits.replace(/\s+/g, ''), 'hex');
const a = (text: string): Buffer => Buffer.from(text, 'ascii');

async function client(standIn: ThingworxStandIn): Promise<{ ws: WebSocket; exchange(frames: Buffer[]): Promise<Message> }> {
  const ws = new WebSocket(`${standIn.url.replace('http', 'ws')}/Thingworx/WS`, { headers: { appKey: KEY } });
  await once(ws, 'open');
  const replies: Buffer[] = [];
  const waiting: Array<(frame: Buffer) => void> = [];
  ws.on('message', (data: Buffer) => {
    const next = waiting.shift();
    if (next) next(data);
    else replies.push(data);
  });
  return {
    ws,
    exchange(frames) {
      for (const frame of frames) ws.send(frame);
      const ready = replies.shift();
      return Promise.resolve(ready ?? new Promise<Buffer>((resolve) => waiting.push(resolve))).then((frame) => decodeFrame(frame));
    },
  };
}

/** AUTH with a key: version 01, AUTH 14, requestId, endpoint 0, session FFFFFFFF, not multipart; 01 claim "appKey". */
const auth = (requestId: number, key: string): Buffer =>
  Buffer.concat([
    h(`01 14 ${requestId.toString(16).padStart(8, '0')} 00000000 FFFFFFFF 00 01 06`),
    a('appKey'),
    Buffer.from([key.length]),
    a(key),
  ]);

test('AUTH gives a session; a request before it or with a wrong key is UNAUTHORIZED; BIND checks every name', async (t) => {
  const standIn = await startThingworxStandIn({ appKey: KEY, things: ['p01', 'p02'] });
  t.teardown(() => standIn.stop());
  const { ws, exchange } = await client(standIn);
  t.teardown(() => ws.terminate());

  // BIND before AUTH: 01 0A, requestId 1, session 0, not multipart; gateway 00, one name "p01".
  const early = await exchange([Buffer.concat([h('01 0A 00000001 00000000 00000000 00 00 0001 03'), a('p01')])]);
  t.is(early.header.code, Code.UNAUTHORIZED);
  t.is((await exchange([auth(2, 'nope')])).header.code, Code.UNAUTHORIZED);
  const ok = await exchange([auth(3, KEY)]);
  t.is(ok.header.code, Code.SUCCESS);
  t.is(ok.header.requestId, 3);
  const session = ok.header.sessionId;
  t.not(session, 0xffff_ffff);
  const bind = (requestId: number, names: string[]) =>
    encodeMessage({ header: { code: Code.BIND, requestId, endpointId: 0, sessionId: session }, body: { kind: 'bind', names } });
  t.is((await exchange(bind(4, ['p01', 'ghost']))).header.code, Code.NOT_FOUND);
  standIn.faults.setForbidden('p02', true);
  t.is((await exchange(bind(5, ['p01', 'p02']))).header.code, Code.FORBIDDEN);
  standIn.faults.setForbidden('p02', false);
  t.is((await exchange(bind(6, ['p01', 'p02']))).header.code, Code.SUCCESS);
  t.deepEqual(standIn.alwaysOn.sessions(), [{ sessionId: session, bound: ['p01', 'p02'] }]);
});

test('a push in several chunks is recorded whole, as UpdatePropertyValues is', async (t) => {
  const standIn = await startThingworxStandIn({ appKey: KEY, things: ['p01'] });
  t.teardown(() => standIn.stop());
  const { ws, exchange } = await client(standIn);
  t.teardown(() => ws.terminate());
  const session = (await exchange([auth(1, KEY)])).header.sessionId;
  const rows = Array.from({ length: 400 }, (_, i) => ({
    name: `Sensor${i % 9}`,
    value: i + 0.25,
    time: 1_764_000_000_000 + i,
    quality: 'GOOD' as const,
  }));
  const frames = encodeMessage(
    {
      header: { code: Code.POST, requestId: 2, endpointId: 0, sessionId: session },
      body: {
        kind: 'request',
        method: 'POST',
        entityType: 0x0a,
        entity: 'p01',
        characteristic: 2,
        name: 'UpdateSubscribedPropertyValues',
        params: propertyUpdateParams(rows),
      },
    },
    DEFAULT_ALWAYSON_LIMITS,
  );
  t.true(frames.length >= 2, `${frames.length} chunks`);
  const answer = await exchange(frames);
  t.is(answer.header.code, Code.SUCCESS);
  t.deepEqual(
    standIn.records.map((r) => [r.thing, r.name, r.value, r.time, r.baseType]),
    rows.map((r) => ['p01', r.name, r.value, r.time, 'NUMBER']),
  );
});
