import test from 'ava';
import {
  AlwaysOnError,
  Code,
  decodeFrame,
  encodeMessage,
  encodePropertyUpdate,
  MessageAssembler,
  propertyUpdateParams,
  type AlwaysOnCodecLimits,
  type InfoTable,
  type Message,
  type Primitive,
} from '../../../protocols/thingworx/alwayson/index.js';
import { seededRandom } from '../../../sim/seeded-random.js';
import { DEFAULT_ALWAYSON_LIMITS } from '../../../config/defaults.js';

const SESSION = 77;
const limits = (over: Partial<AlwaysOnCodecLimits>): AlwaysOnCodecLimits => ({ ...DEFAULT_ALWAYSON_LIMITS, ...over });

function roundTrip(message: Message, lim: AlwaysOnCodecLimits = DEFAULT_ALWAYSON_LIMITS): Message | undefined {
  const assembler = new MessageAssembler(lim);
  let out: Message | undefined;
  for (const frame of encodeMessage(message, lim)) {
    if (frame.length > lim.chunkSize) throw new Error(`frame of ${frame.length} over chunk size ${lim.chunkSize}`);
    out = assembler.push(frame);
  }
  return out;
}

const everyType: Primitive[] = [
  { type: 'STRING', value: 'é ünïcode ✓' },
  { type: 'NUMBER', value: -1.25e-7 },
  { type: 'INTEGER', value: -(2 ** 31) },
  { type: 'BOOLEAN', value: false },
  { type: 'DATETIME', value: 0 },
  { type: 'LOCATION', value: { longitude: 8.5, latitude: 47.4, elevation: 400 } },
  { type: 'JSON', value: '{"a":1}' },
  { type: 'XML', value: '<a/>' },
  { type: 'GUID', value: '0f8fad5b-d9cb-469f-a165-70867728950e' },
  { type: 'THINGNAME', value: 'adapter' },
  { type: 'BLOB', value: Uint8Array.from([0, 1, 255]) },
  { type: 'IMAGE', value: new Uint8Array(0) },
  { type: 'VARIANT', value: { type: 'INTEGER', value: 7 } },
  { type: 'NOTHING' },
];

const wideTable: InfoTable = {
  fields: everyType.map((value, index) => ({
    name: `f${index}`,
    description: index === 0 ? 'with an aspect' : '',
    baseType: value.type,
    aspects: index === 0 ? [{ name: 'isPrimaryKey', value: { type: 'BOOLEAN', value: true } }] : [],
  })),
  rows: [everyType, everyType],
};

test('every base type, every message kind round-trips, single-frame and chunked', (t) => {
  const messages: Message[] = [
    {
      header: { code: Code.AUTH, requestId: 1, endpointId: 0, sessionId: 0xffff_ffff },
      body: { kind: 'auth', claims: [{ name: 'appKey', value: 'k' }] },
    },
    {
      header: { code: Code.UNBIND, requestId: 2, endpointId: 0, sessionId: SESSION },
      body: { kind: 'unbind', gateway: { name: 'gw', type: 'Gateway' }, names: [] },
    },
    {
      header: { code: Code.PUT, requestId: 3, endpointId: 5, sessionId: SESSION },
      body: { kind: 'request', method: 'PUT', entityType: 0x0a, entity: 'T'.repeat(150), characteristic: 1, name: 'p', params: wideTable },
    },
    { header: { code: Code.SUCCESS, requestId: 4, endpointId: 0, sessionId: SESSION }, body: { kind: 'response', result: wideTable } },
    {
      header: { code: Code.SERVICE_UNAVAILABLE, requestId: 5, endpointId: 0, sessionId: SESSION },
      body: { kind: 'response', reason: 'later' },
    },
  ];
  for (const message of messages) {
    t.deepEqual(roundTrip(message), message);
    t.deepEqual(roundTrip(message, limits({ chunkSize: 200 })), message);
  }
});

test('random property tables round-trip through random chunk sizes', (t) => {
  const random = seededRandom(16);
  for (let run = 0; run < 200; run++) {
    const rowCount = Math.floor(random() * 40);
    const rows: Primitive[][] = [];
    for (let r = 0; r < rowCount; r++)
      rows.push([
        { type: 'STRING', value: 'x'.repeat(Math.floor(random() * 300)) },
        { type: 'NUMBER', value: random() },
      ]);
    const message: Message = {
      header: { code: Code.POST, requestId: run + 1, endpointId: 0, sessionId: SESSION },
      body: {
        kind: 'request',
        method: 'POST',
        entityType: 0x0a,
        entity: `printer-${run}`,
        characteristic: 2,
        name: 'UpdateSubscribedPropertyValues',
        params: {
          fields: [
            { name: 's', description: '', baseType: 'STRING', aspects: [] },
            { name: 'n', description: '', baseType: 'NUMBER', aspects: [] },
          ],
          rows,
        },
      },
    };
    t.deepEqual(roundTrip(message, limits({ chunkSize: 40 + Math.floor(random() * 8000) })), message);
  }
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof AlwaysOnError ? error.code : `not an AlwaysOnError: ${String(error)}`;
  }
}

test('the writer refuses what the reader would refuse', (t) => {
  const header = { code: Code.POST, requestId: 1, endpointId: 0, sessionId: SESSION };
  const request = (params: InfoTable): Message => ({
    header,
    body: { kind: 'request', method: 'POST', entityType: 0x0a, entity: 'T', characteristic: 2, name: 's', params },
  });
  const table = (value: Primitive): InfoTable => ({
    fields: [{ name: 'v', description: '', baseType: value.type, aspects: [] }],
    rows: [[value]],
  });
  t.is(
    codeOf(() => encodeMessage(request(table({ type: 'INTEGER', value: 2 ** 31 })))),
    'AO_ERR_BAD_VALUE',
  );
  t.is(
    codeOf(() => encodeMessage(request(table({ type: 'DATETIME', value: -1 })))),
    'AO_ERR_BAD_VALUE',
  );
  t.is(
    codeOf(() => encodeMessage(request(table({ type: 'VARIANT', value: { type: 'NOTHING' } })))),
    'AO_ERR_BAD_VALUE',
  );
  t.is(
    codeOf(() => encodeMessage(request(table({ type: 'STRING', value: 'x'.repeat(2 * 1024 * 1024) })))),
    'AO_ERR_STRING_TOO_LARGE',
  );
  t.is(
    codeOf(() => encodeMessage(request(table({ type: 'STRING', value: 'x'.repeat(600_000) })), limits({ maxMessageBytes: 512 * 1024 }))),
    'AO_ERR_MESSAGE_TOO_LARGE',
  );
  let deep: InfoTable = table({ type: 'NUMBER', value: 1 });
  for (let depth = 0; depth < 5; depth++) deep = table({ type: 'INFOTABLE', value: deep });
  t.is(
    codeOf(() => encodeMessage(request(deep))),
    'AO_ERR_TOO_DEEP',
  );
  t.is(
    codeOf(() => encodeMessage({ header: { ...header, requestId: -1 }, body: { kind: 'auth', claims: [] } })),
    'AO_ERR_BAD_VALUE',
  );
});

test('the reader enforces each limit with its code', (t) => {
  const header = { code: Code.BIND, requestId: 1, endpointId: 0, sessionId: SESSION };
  const bind = encodeMessage({ header, body: { kind: 'bind', names: ['a', 'b', 'c'] } })[0] as Buffer;
  t.is(
    codeOf(() => decodeFrame(bind, limits({ maxBindNames: 2 }))),
    'AO_ERR_TOO_MANY',
  );
  const long = encodeMessage({ header, body: { kind: 'bind', names: ['x'.repeat(300)] } })[0] as Buffer;
  t.is(
    codeOf(() => decodeFrame(long, limits({ maxStringBytes: 299 }))),
    'AO_ERR_STRING_TOO_LARGE',
  );
  // A string length far past the end is refused before anything is read or allocated.
  const lying = Buffer.concat([bind.subarray(0, 18), Buffer.from('fffffff0', 'hex')]);
  t.is(
    codeOf(() => decodeFrame(lying)),
    'AO_ERR_STRING_TOO_LARGE',
  );
  t.is(
    codeOf(() => decodeFrame(bind.subarray(0, 10))),
    'AO_ERR_TRUNCATED',
  );
  t.is(
    codeOf(() => decodeFrame(Buffer.concat([bind, Buffer.from([1])]))),
    'AO_ERR_TRAILING_BYTES',
  );
  const badVersion = Buffer.from(bind);
  badVersion[0] = 2;
  t.is(
    codeOf(() => decodeFrame(badVersion)),
    'AO_ERR_BAD_VERSION',
  );
  const keepAlive = Buffer.from(bind);
  keepAlive[1] = Code.KEEP_ALIVE;
  t.is(
    codeOf(() => decodeFrame(keepAlive)),
    'AO_ERR_UNSUPPORTED_CODE',
  );
  const timespan = Buffer.concat([
    Buffer.from('0140000000010000000000000000', 'hex'),
    Buffer.from('00 00 05 01 01 76 00 04 0000 00 00'.replace(/ /g, ''), 'hex'),
  ]);
  t.is(
    codeOf(() => decodeFrame(Buffer.concat([Buffer.from([1]), timespan.subarray(1)]))),
    'AO_ERR_UNSUPPORTED_TYPE',
  );
});

test('multipart: the announced size is checked on chunk 1, order is enforced, partials are capped', (t) => {
  const lim = limits({ chunkSize: 64, maxMessageBytes: 64 * 10, maxPartialMessages: 2 });
  const message = (requestId: number, n: number): Message => ({
    header: { code: Code.SUCCESS, requestId, endpointId: 0, sessionId: SESSION },
    body: { kind: 'response', reason: 'r'.repeat(n) },
  });
  const frames = encodeMessage(message(1, 120), lim);
  t.is(frames.length, 3);
  // chunkCount × chunkSize over the limit: refused on chunk 1, before anything is kept.
  const oversized = Buffer.from(frames[0] as Buffer);
  oversized.writeUInt16BE(11, 17); // 11 × 64 = 704 > 640
  const assembler = new MessageAssembler(lim);
  t.is(
    codeOf(() => assembler.push(oversized)),
    'AO_ERR_MESSAGE_TOO_LARGE',
  );
  t.is(assembler.pending, 0);
  // out of order
  assembler.push(frames[0] as Buffer);
  t.is(
    codeOf(() => assembler.push(frames[2] as Buffer)),
    'AO_ERR_CHUNK_OUT_OF_ORDER',
  );
  t.is(assembler.pending, 0);
  // a chunk longer than its announced chunk size
  const fat = Buffer.concat([frames[1] as Buffer, Buffer.alloc(10)]);
  t.is(
    codeOf(() => new MessageAssembler(lim).push(fat)),
    'AO_ERR_BAD_CHUNK',
  );
  // partials capped
  const capped = new MessageAssembler(lim);
  capped.push(encodeMessage(message(1, 120), lim)[0] as Buffer);
  capped.push(encodeMessage(message(2, 120), lim)[0] as Buffer);
  t.is(
    codeOf(() => capped.push(encodeMessage(message(3, 120), lim)[0] as Buffer)),
    'AO_ERR_TOO_MANY_PARTIALS',
  );
  // interleaved messages still complete
  const left = encodeMessage(message(4, 120), lim);
  const right = encodeMessage(message(5, 90), lim);
  const mixed = new MessageAssembler(lim);
  const done: Message[] = [];
  for (const frame of [left[0], right[0], left[1], right[1], left[2], right[2]]) {
    if (frame === undefined) continue;
    const out = mixed.push(frame);
    if (out) done.push(out);
  }
  t.deepEqual(done, [message(4, 120), message(5, 90)]);
});

test('the direct property-update writer matches the generic writer, single-frame and chunked', (t) => {
  const random = seededRandom(1616);
  const types = ['NUMBER', 'INTEGER', 'BOOLEAN', 'DATETIME', 'STRING'] as const;
  for (let run = 0; run < 100; run++) {
    const rows = Array.from({ length: Math.floor(random() * 300) }, (_, i) => {
      const baseType = types[Math.floor(random() * types.length)] ?? 'NUMBER';
      const value =
        baseType === 'NUMBER'
          ? (random() - 0.5) * 1e6
          : baseType === 'INTEGER'
            ? Math.floor((random() - 0.5) * 2 ** 31)
            : baseType === 'BOOLEAN'
              ? random() < 0.5
              : baseType === 'DATETIME'
                ? Math.floor(random() * 2 ** 45)
                : `välue-${'x'.repeat(Math.floor(random() * 200))}`;
      return {
        name: `Item${i % 7}`,
        value,
        time: 1_700_000_000_000 + i,
        quality: random() < 0.9 ? ('GOOD' as const) : ('BAD' as const),
        baseType,
      };
    });
    const lim = limits({ chunkSize: 100 + Math.floor(random() * 9000) });
    const header = { requestId: run + 1, endpointId: 0, sessionId: SESSION };
    const generic = encodeMessage(
      {
        header: { ...header, code: Code.POST },
        body: {
          kind: 'request',
          method: 'POST',
          entityType: 0x0a,
          entity: `Printer-${run}`,
          characteristic: 2,
          name: 'UpdateSubscribedPropertyValues',
          params: propertyUpdateParams(rows),
        },
      },
      lim,
    );
    t.deepEqual(encodePropertyUpdate(header, `Printer-${run}`, rows, lim), generic);
  }
});
