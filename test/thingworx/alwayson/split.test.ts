import test from 'ava';
import {
  AlwaysOnError,
  Code,
  encodeMessage,
  MessageAssembler,
  NO_SESSION_ID,
  propertyUpdateParams,
  type AlwaysOnCodecLimits,
  type InfoTable,
  type Message,
} from '../../../protocols/thingworx/alwayson/index.js';
import { seededRandom } from '../../../sim/seeded-random.js';
import { DEFAULT_ALWAYSON_LIMITS } from '../../../config/defaults.js';

/**
 * The reader is a chunk-fed state machine: a frame's bytes may come in any split, and what it reads is the same.
 * The messages are the golden ones (golden.test.ts proves they encode to the hand-worked bytes), the SDK-style error
 * response as raw bytes, and a table that takes every state of the reader (aspects, nesting, VARIANT, long strings).
 */

const SESSION = 0x2a;
const T = 1_700_000_000_000;
const header = (code: number, requestId: number, sessionId = SESSION) => ({ code, requestId, endpointId: 0, sessionId });

const everyState: InfoTable = {
  fields: [
    {
      name: 'k',
      description: 'with aspects',
      baseType: 'STRING',
      aspects: [
        { name: 'isPrimaryKey', value: { type: 'BOOLEAN', value: true } },
        { name: 'unit', value: { type: 'STRING', value: '' } },
      ],
    },
    { name: 'v', description: '', baseType: 'VARIANT', aspects: [] },
    { name: 't', description: '', baseType: 'INFOTABLE', aspects: [] },
    { name: 'l', description: '', baseType: 'LOCATION', aspects: [] },
    { name: 'b', description: '', baseType: 'BLOB', aspects: [] },
    { name: 'n', description: '', baseType: 'NOTHING', aspects: [] },
  ],
  rows: [
    [
      { type: 'STRING', value: 'ü'.repeat(90) }, // 180 bytes: the long length form
      {
        type: 'VARIANT',
        value: {
          type: 'INFOTABLE',
          value: { fields: [{ name: 'x', description: '', baseType: 'INTEGER', aspects: [] }], rows: [[{ type: 'INTEGER', value: -7 }]] },
        },
      },
      { type: 'INFOTABLE', value: { fields: [], rows: [[], []] } },
      { type: 'LOCATION', value: { longitude: 8.5, latitude: 47.4, elevation: 400 } },
      { type: 'BLOB', value: Uint8Array.from([0, 1, 2, 255]) },
      { type: 'NOTHING' },
    ],
  ],
};

const golden: Array<{ name: string; frames: Buffer[]; limits: AlwaysOnCodecLimits }> = [
  ...(
    [
      ['AUTH', { header: header(Code.AUTH, 1, NO_SESSION_ID), body: { kind: 'auth', claims: [{ name: 'appKey', value: 'k-123' }] } }],
      ['BIND of three Things', { header: header(Code.BIND, 2), body: { kind: 'bind', names: ['printer-01', 'printer-02', 'adapter'] } }],
      [
        'UNBIND through a gateway',
        { header: header(Code.UNBIND, 2), body: { kind: 'unbind', gateway: { name: 'gw', type: 'Gateway' }, names: [] } },
      ],
      [
        'a property update with each base type we send',
        {
          header: header(Code.POST, 3),
          body: {
            ...{
              kind: 'request',
              method: 'POST',
              entityType: 0x0a,
              entity: 'printer-01',
              characteristic: 2,
              name: 'UpdateSubscribedPropertyValues',
            },
            params: propertyUpdateParams(
              (
                [
                  ['t', 30.5],
                  ['n', 42, 'INTEGER'],
                  ['b', true],
                  ['d', T, 'DATETIME'],
                  ['s', 'ok'],
                ] as const
              ).map(([name, value, baseType]) => ({ name, value, time: T, quality: 'GOOD' as const, ...(baseType ? { baseType } : {}) })),
            ),
          },
        },
      ],
      ['an error response', { header: header(Code.NOT_FOUND, 3), body: { kind: 'response', reason: 'no such Thing' } }],
      ['a response with no reason and no result', { header: header(Code.SUCCESS, 4), body: { kind: 'response' } }],
      [
        'a result that takes every reader state',
        { header: header(Code.SUCCESS, 5), body: { kind: 'response', reason: 'r', result: everyState } },
      ],
    ] as Array<[string, Message]>
  ).map(([name, message]) => ({ name, frames: encodeMessage(message), limits: DEFAULT_ALWAYSON_LIMITS })),
  {
    name: 'a multipart request of three chunks',
    frames: encodeMessage(
      {
        header: header(Code.GET, 7),
        body: { kind: 'request', method: 'GET', entityType: 0x0a, entity: 'P', characteristic: 1, name: 'p'.repeat(100) },
      },
      { ...DEFAULT_ALWAYSON_LIMITS, chunkSize: 64 },
    ),
    limits: { ...DEFAULT_ALWAYSON_LIMITS, chunkSize: 64 },
  },
  {
    name: 'a multipart result that takes every reader state',
    frames: encodeMessage(
      { header: header(Code.SUCCESS, 8), body: { kind: 'response', result: everyState } },
      { ...DEFAULT_ALWAYSON_LIMITS, chunkSize: 48 },
    ),
    limits: { ...DEFAULT_ALWAYSON_LIMITS, chunkSize: 48 },
  },
  {
    name: "an SDK peer's padded error response",
    frames: [Buffer.from('01830000000900000000 0000002A00 000000'.replace(/ /g, ''), 'hex')],
    limits: DEFAULT_ALWAYSON_LIMITS,
  },
];

/** Feeds each frame in the pieces `split` cuts it into; returns the messages completed. */
function read(frames: readonly Buffer[], limits: AlwaysOnCodecLimits, split: (frame: Buffer) => Buffer[]): Message[] {
  const reader = new MessageAssembler(limits);
  const out: Message[] = [];
  for (const frame of frames) {
    for (const piece of split(frame)) reader.write(piece);
    const message = reader.endFrame();
    if (message) out.push(message);
  }
  return out;
}

test('the golden frames exist and read whole', (t) => {
  t.true(golden.find((g) => g.name.startsWith('a multipart request'))?.frames.length === 3);
  t.true((golden.find((g) => g.name.startsWith('a multipart result'))?.frames.length ?? 0) > 5);
  for (const { name, frames, limits } of golden) t.is(read(frames, limits, (frame) => [frame]).length, 1, name);
});

test('every golden message reads the same split at every byte offset', (t) => {
  for (const { name, frames, limits } of golden) {
    const whole = read(frames, limits, (frame) => [frame]);
    const longest = Math.max(...frames.map((frame) => frame.length));
    for (let at = 0; at <= longest; at++) {
      const split = read(frames, limits, (frame) => [
        frame.subarray(0, Math.min(at, frame.length)),
        frame.subarray(Math.min(at, frame.length)),
      ]);
      t.deepEqual(split, whole, `${name}, split at ${at}`);
    }
  }
});

test('every golden message reads the same fed one byte at a time, and in random pieces', (t) => {
  const random = seededRandom(0x5e11);
  for (const { name, frames, limits } of golden) {
    const whole = read(frames, limits, (frame) => [frame]);
    // Byte by byte; each byte a fresh Buffer, as a socket would give them.
    t.deepEqual(
      read(frames, limits, (frame) => Array.from(frame, (byte) => Buffer.from([byte]))),
      whole,
      `${name}, byte by byte`,
    );
    for (let run = 0; run < 20; run++) {
      const pieces = (frame: Buffer): Buffer[] => {
        const out: Buffer[] = [];
        for (let at = 0; at < frame.length; ) {
          const size = 1 + Math.floor(random() * 40);
          out.push(frame.subarray(at, at + size));
          at += size;
        }
        return out;
      };
      t.deepEqual(read(frames, limits, pieces), whole, `${name}, random pieces run ${run}`);
    }
  }
});

test('a frame cut short or overlong is refused however it is split, and the next frame reads', (t) => {
  const [bind] = encodeMessage({
    header: header(Code.BIND, 2),
    body: { kind: 'bind', names: ['printer-01', 'printer-02', 'adapter'] },
  }) as [Buffer];
  const code = (pieces: Buffer[]): string | undefined => {
    const reader = new MessageAssembler();
    let refused: unknown;
    for (const piece of pieces) {
      try {
        reader.write(piece);
      } catch (error) {
        refused ??= error;
      }
    }
    try {
      // After a refused write the rest of the frame is ignored, and its end gives nothing.
      const message = reader.endFrame();
      if (refused) t.is(message, undefined);
    } catch (error) {
      refused ??= error;
    }
    // Either way the reader is ready for the next frame.
    t.deepEqual(reader.push(bind)?.body, { kind: 'bind', names: ['printer-01', 'printer-02', 'adapter'] });
    if (refused === undefined) return undefined;
    t.true(refused instanceof AlwaysOnError);
    return refused instanceof AlwaysOnError ? refused.code : String(refused);
  };
  const bytes = (frame: Buffer) => Array.from(frame, (byte) => Buffer.from([byte]));
  for (let cut = 0; cut < bind.length; cut++) {
    t.is(code([bind.subarray(0, cut)]), 'AO_ERR_TRUNCATED', `cut at ${cut}`);
    t.is(code(bytes(bind.subarray(0, cut))), 'AO_ERR_TRUNCATED', `cut at ${cut}, byte by byte`);
  }
  const overlong = Buffer.concat([bind, Buffer.from([0])]);
  t.is(code([overlong]), 'AO_ERR_TRAILING_BYTES');
  t.is(code(bytes(overlong)), 'AO_ERR_TRAILING_BYTES');
});

test('a string length over its limit is refused as soon as it is read, before its bytes come', (t) => {
  const reader = new MessageAssembler({ ...DEFAULT_ALWAYSON_LIMITS, maxStringBytes: 1000 });
  // BIND header, gateway 0, one name, then a four-byte length of 1001: no byte of the string is given.
  reader.write(Buffer.from('01 0A 00000002 00000000 0000002A 00'.replace(/ /g, ''), 'hex'));
  reader.write(Buffer.from('00 0001'.replace(/ /g, ''), 'hex'));
  const error = t.throws(() => reader.write(Buffer.from('800003E9', 'hex')), { instanceOf: AlwaysOnError });
  t.is(error?.code, 'AO_ERR_STRING_TOO_LARGE');
});

test('mutated frames read the same whole and in random pieces: the same message, or a coded error both ways', (t) => {
  const random = seededRandom(0xf22);
  const limits = { ...DEFAULT_ALWAYSON_LIMITS, chunkSize: 48, maxStringBytes: 256, maxRows: 8, maxFields: 8 };
  const corpus = golden.map((g) => encodeMessageAgain(g.frames, limits)).filter((frames) => frames.length > 0);
  let same = 0;
  for (let run = 0; run < 3000; run++) {
    const frames = (corpus[Math.floor(random() * corpus.length)] as Buffer[]).map((frame) => Buffer.from(frame));
    const frame = frames[Math.floor(random() * frames.length)] as Buffer;
    const at = Math.floor(random() * frame.length);
    frame[at] = random() < 0.5 ? Math.floor(random() * 256) : (frame[at] as number) ^ (1 << Math.floor(random() * 8));
    const outcome = (split: (frame: Buffer) => Buffer[]): Message[] | string => {
      try {
        return read(frames, limits, split);
      } catch (error) {
        return error instanceof AlwaysOnError ? 'coded' : `not coded: ${String(error)}`;
      }
    };
    const whole = outcome((f) => [f]);
    const pieces = outcome((f) => {
      const cut = Math.floor(random() * (f.length + 1));
      return [f.subarray(0, cut), f.subarray(cut)];
    });
    t.deepEqual(pieces, whole);
    if (typeof whole !== 'string') same += 1;
  }
  t.true(same > 100, `${same} mutated streams still read`);
});

/** The golden messages' frames again, chunked for these limits (read whole with the defaults first). */
function encodeMessageAgain(frames: readonly Buffer[], limits: AlwaysOnCodecLimits): Buffer[] {
  try {
    return read(frames, DEFAULT_ALWAYSON_LIMITS, (f) => [f]).flatMap((message) => encodeMessage(message, limits));
  } catch {
    return [];
  }
}
