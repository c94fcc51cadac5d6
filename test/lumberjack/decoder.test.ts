import { constants, deflateRawSync, deflateSync, inflateSync } from 'node:zlib';
import test from 'ava';
import { type LumberjackWindow, LumberjackDecoder, drainWindows } from '../../protocols/lumberjack/decoder.js';
import { LumberjackError } from '../../protocols/lumberjack/errors.js';
import { encodeKeyValueWindow, encodeWindow } from '../../sim/clients/frame-writer.js';
import type { LumberjackLimits } from '../../protocols/lumberjack/limits.js';
import { CAPTURES, randomSplit, seededRandom } from './support.js';
import { DEFAULT_LUMBERJACK_LIMITS } from '../../config/defaults.js';

function decode(pieces: readonly Buffer[], limits: Partial<LumberjackLimits> = {}): LumberjackWindow[] {
  const decoder = new LumberjackDecoder({ ...DEFAULT_LUMBERJACK_LIMITS, ...limits });
  const windows: LumberjackWindow[] = [];
  for (const piece of pieces) {
    decoder.push(piece);
    windows.push(...drainWindows(decoder));
  }
  return windows;
}

function bytewise(bytes: Buffer): Buffer[] {
  return Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof LumberjackError) return error.code;
    throw error;
  }
  return 'no error';
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

const frame = (header: string, ...parts: Buffer[]) => Buffer.concat([Buffer.from(header, 'latin1'), ...parts]);
const windowHeader = (count: number, version = '2') => frame(`${version}W`, u32(count));
const jsonFrame = (seq: number, json: string) => frame('2J', u32(seq), u32(Buffer.byteLength(json)), Buffer.from(json));
const compressedFrame = (payload: Buffer) => frame('2C', u32(payload.length), payload);

for (const capture of CAPTURES) {
  test(`${capture.file}: exactly its events, whole, a byte at a time and in random splits`, (t) => {
    const whole = decode([capture.bytes]);
    t.deepEqual(
      whole.map((w) => w.events.length),
      capture.windows,
    );
    // Every window's last seq is what its ACK must carry (fixtures README).
    t.deepEqual(
      whole.map((w) => w.sequences.at(-1)),
      capture.windows,
    );
    const events = whole.flatMap((w) => w.events) as { seq: number; message: string; log: { offset: number } }[];
    t.deepEqual(
      events.map((e) => e.seq),
      Array.from({ length: capture.events }, (_, i) => i),
    );
    t.is(events[7]?.message, 'line 7');
    // Compared as JSON text: ava's deep comparison is slow for hundreds of documents.
    const expected = JSON.stringify(whole);
    t.is(JSON.stringify(decode(bytewise(capture.bytes))), expected);
    const random = seededRandom(capture.bytes.length);
    let differing = 0;
    for (let run = 0; run < 200; run++) {
      if (JSON.stringify(decode(randomSplit(capture.bytes, random, 64))) !== expected) differing += 1;
    }
    t.is(differing, 0);
  });
}

test('a J length of 4 GiB is refused as soon as the length is read, before any payload', (t) => {
  const header = Buffer.concat([windowHeader(1), frame('2J', u32(1), u32(0xffff_ffff))]);
  const decoder = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS);
  decoder.push(header);
  t.is(decoder.step().kind, 'frame'); // the W frame
  const error = t.throws(() => decoder.step(), { instanceOf: LumberjackError });
  t.is(error?.code, 'LJ_ERR_EVENT_TOO_LARGE');
  t.like(error?.context, { limit: 'maxEventBytes', value: 0xffff_ffff, max: DEFAULT_LUMBERJACK_LIMITS.maxEventBytes });
});

test('each size limit is checked against its own field', (t) => {
  const limits = { maxWindowEvents: 10, maxEventBytes: 100, maxCompressedBytes: 50, maxBytesInFlight: 250 };
  t.is(
    codeOf(() => decode([windowHeader(11)], limits)),
    'LJ_ERR_WINDOW_TOO_LARGE',
  );
  t.is(
    codeOf(() => decode([windowHeader(10)], limits)),
    'no error',
  );
  t.is(
    codeOf(() => decode([windowHeader(1), jsonFrame(1, `"${'x'.repeat(99)}"`)], limits)),
    'LJ_ERR_EVENT_TOO_LARGE',
  );
  t.is(
    codeOf(() => decode([windowHeader(1), jsonFrame(1, `"${'x'.repeat(98)}"`)], limits)),
    'no error',
  );
  t.is(
    codeOf(() => decode([windowHeader(1), frame('2C', u32(51))], limits)),
    'LJ_ERR_COMPRESSED_TOO_LARGE',
  );
  const ninety = `"${'x'.repeat(88)}"`;
  const threeEvents = [windowHeader(3), jsonFrame(1, ninety), jsonFrame(2, ninety), jsonFrame(3, ninety)];
  t.is(
    codeOf(() => decode(threeEvents, limits)),
    'LJ_ERR_IN_FLIGHT_LIMIT',
  );
  t.is(
    codeOf(() => decode(threeEvents, { ...limits, maxBytesInFlight: 270 })),
    'no error',
  );
});

test('a zlib bomb is refused at maxInflatedBytes without inflating it in full', (t) => {
  // 16 MiB of zeros, full-flushed so the segment can be repeated: 64 copies inflate to 1 GiB.
  const segment = deflateRawSync(Buffer.alloc(16 * 1024 * 1024), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const bomb = Buffer.concat([Buffer.from([0x78, 0x9c]), ...Array<Buffer>(64).fill(segment), Buffer.from([0x03, 0x00]), u32(0)]);
  t.true(bomb.length < DEFAULT_LUMBERJACK_LIMITS.maxCompressedBytes);
  const before = process.memoryUsage().arrayBuffers;
  const started = process.hrtime.bigint();
  t.is(
    codeOf(() => decode([windowHeader(1), compressedFrame(bomb)])),
    'LJ_ERR_INFLATE_LIMIT',
  );
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  // 1 GiB never existed: external memory grew by far less, and inflating stopped early.
  t.true(process.memoryUsage().arrayBuffers - before < 256 * 1024 * 1024);
  t.log(`bomb of ${bomb.length} bytes (1 GiB inflated) refused in ${elapsedMs.toFixed(0)} ms`);
});

test('stream grammar: versions, frame types, windows and what a C frame may hold', (t) => {
  const event = jsonFrame(1, '{"a":1}');
  t.is(
    codeOf(() => decode([Buffer.from('3W')])),
    'LJ_ERR_BAD_VERSION',
  );
  t.is(
    codeOf(() => decode([Buffer.from('2X')])),
    'LJ_ERR_BAD_FRAME_TYPE',
  );
  t.is(
    codeOf(() => decode([frame('2A', u32(1))])),
    'LJ_ERR_BAD_FRAME_TYPE',
  );
  t.is(
    codeOf(() => decode([event])),
    'LJ_ERR_UNEXPECTED_FRAME',
  );
  t.is(
    codeOf(() => decode([windowHeader(2), event, windowHeader(1)])),
    'LJ_ERR_UNEXPECTED_FRAME',
  );
  t.is(
    codeOf(() => decode([windowHeader(1), compressedFrame(deflateSync(windowHeader(1)))])),
    'LJ_ERR_UNEXPECTED_FRAME',
  );
  const nested = compressedFrame(deflateSync(event));
  t.is(
    codeOf(() => decode([windowHeader(1), compressedFrame(deflateSync(nested))])),
    'LJ_ERR_UNEXPECTED_FRAME',
  );
  const twoEvents = deflateSync(Buffer.concat([event, jsonFrame(2, '{}')]));
  t.is(
    codeOf(() => decode([windowHeader(1), compressedFrame(twoEvents)])),
    'LJ_ERR_WINDOW_OVERFLOW',
  );
  t.is(
    codeOf(() => decode([windowHeader(1), compressedFrame(deflateSync(event.subarray(0, 12)))])),
    'LJ_ERR_TRUNCATED_COMPRESSED',
  );
  t.is(
    codeOf(() => decode([windowHeader(1), compressedFrame(Buffer.from('not zlib at all'))])),
    'LJ_ERR_INFLATE_FAILED',
  );
  t.is(
    codeOf(() => decode([windowHeader(1), jsonFrame(1, '{"a":')])),
    'LJ_ERR_BAD_JSON',
  );
});

test('after an error the decoder stays failed with the same error', (t) => {
  const decoder = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS);
  decoder.push(Buffer.from('2X'));
  const first = t.throws(() => decoder.step());
  decoder.push(windowHeader(1));
  t.is(
    t.throws(() => decoder.step()),
    first,
  );
});

test('J and C frames mix in one window, empty windows are skipped, seqs are kept as sent', (t) => {
  const bytes = Buffer.concat([
    windowHeader(0),
    windowHeader(3),
    jsonFrame(7, '{"n":1}'),
    compressedFrame(deflateSync(Buffer.concat([jsonFrame(8, '{"n":2}'), jsonFrame(9, '{"n":3}')]))),
  ]);
  const windows = decode(bytewise(bytes));
  t.is(windows.length, 1);
  t.deepEqual(windows[0]?.events, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  t.deepEqual(windows[0]?.sequences, [7, 8, 9]);
  t.is(windows[0]?.bytes, 21);
});

test('v1 key/value windows decode into null-prototype maps, bare and compressed', (t) => {
  const events = [{ line: 'hello', file: '/var/log/a.log', __proto__: 'x' } as Record<string, string>, { '': '' }];
  for (const compressionLevel of [0, 6]) {
    const windows = decode(bytewise(encodeKeyValueWindow(events, { compressionLevel })));
    t.is(windows.length, 1);
    t.is(windows[0]?.version, 1);
    const first = windows[0]?.events[0] as Record<string, string>;
    t.is(Object.getPrototypeOf(first), null);
    t.deepEqual({ ...first }, { line: 'hello', file: '/var/log/a.log' });
    t.deepEqual({ ...(windows[0]?.events[1] as object) }, { '': '' });
  }
  const tooMany = Buffer.concat([windowHeader(1, '1'), frame('1D', u32(1), u32(0x1000_0000))]);
  t.is(
    codeOf(() => decode([tooMany])),
    'LJ_ERR_EVENT_TOO_LARGE',
  );
  const longValue = Buffer.concat([windowHeader(1, '1'), frame('1D', u32(1), u32(1), u32(1), Buffer.from('k'), u32(2_000_000))]);
  t.is(
    codeOf(() => decode([longValue])),
    'LJ_ERR_EVENT_TOO_LARGE',
  );
});

test('the writer and the decoder agree, compressed or not', (t) => {
  const events = [{ a: 1 }, { b: 'ü€' }, [1, 2], 'text', null];
  for (const compressionLevel of [0, 1, 3, 9]) {
    const windows = decode([encodeWindow(events, { compressionLevel })]);
    t.deepEqual(windows[0]?.events, events);
    t.deepEqual(windows[0]?.sequences, [1, 2, 3, 4, 5]);
  }
});

test('a large event dribbled a byte at a time decodes intact', (t) => {
  const big = { message: 'y'.repeat(200_000) };
  const windows = decode(bytewise(encodeWindow([big], { compressionLevel: 0 })));
  t.deepEqual(windows[0]?.events, [big]);
});

test('with an event field selection, events are their selected fields; invalid JSON is still refused', (t) => {
  const decoder = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS, { message: true, log: { offset: true } });
  const events = [
    { message: 'one', log: { offset: 1, file: { path: '/l' } }, agent: { id: 'a' } },
    { message: ['not', 'a', 'string'], other: 1 },
  ];
  decoder.push(encodeWindow(events, { compressionLevel: 3 }));
  decoder.push(encodeWindow(events, { compressionLevel: 0 }));
  const windows = drainWindows(decoder);
  const selected = [{ message: 'one', log: { offset: 1 } }, { message: null }];
  t.deepEqual(
    windows.map((w) => w.events),
    [selected, selected],
  );
  const strict = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS, { message: true });
  strict.push(Buffer.concat([windowHeader(1), jsonFrame(1, '{"message":"x",}')]));
  t.is(
    codeOf(() => drainWindows(strict)),
    'LJ_ERR_BAD_JSON',
  );
});

test('a C frame is an inflate step: the caller inflates, the decoder goes on frame by frame from the inflated bytes', (t) => {
  const events = [{ n: 1 }, { n: 2 }, { n: 3 }];
  const decoder = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS);
  decoder.push(encodeWindow(events, { compressionLevel: 3 }));
  t.is(decoder.step().kind, 'frame'); // W
  const step = decoder.step();
  if (step.kind !== 'inflate') return t.fail(`expected an inflate step, got ${step.kind}`);
  t.is(step.maxBytes, DEFAULT_LUMBERJACK_LIMITS.maxInflatedBytes);
  t.throws(() => decoder.step(), { message: /before inflated/ });
  t.false(decoder.atWindowBoundary);
  decoder.inflated(inflateSync(step.payload));
  // One event per step: the caller may stop (budget, its share of the event loop) between any two.
  t.is(decoder.step().kind, 'frame');
  t.deepEqual(decoder.firstEvent, { n: 1 });
  t.is(decoder.windowEvents, 1);
  t.is(decoder.step().kind, 'frame');
  t.is(decoder.step().kind, 'frame');
  const last = decoder.step();
  t.is(last.kind, 'window');
  if (last.kind === 'window') t.deepEqual(last.window.events, events);
  t.true(decoder.atWindowBoundary);
  t.is(decoder.step().kind, 'need-more');
});

test('an inflate that failed fails the decoder with its error', (t) => {
  const decoder = new LumberjackDecoder(DEFAULT_LUMBERJACK_LIMITS);
  decoder.push(encodeWindow([{ n: 1 }], { compressionLevel: 3 }));
  decoder.step();
  t.is(decoder.step().kind, 'inflate');
  const refused = new LumberjackError('LJ_ERR_INFLATE_LIMIT', 'too large');
  decoder.inflated(refused);
  t.is(
    t.throws(() => decoder.step()),
    refused,
  );
});

test('events after the window’s last inside the same C frame are still an overflow', (t) => {
  const inner = Buffer.concat(
    [1, 2, 3].map((seq) => {
      const payload = Buffer.from(`{"n":${seq}}`);
      return frame('2J', u32(seq), u32(payload.length), payload);
    }),
  );
  const compressed = deflateSync(inner);
  t.is(
    codeOf(() => decode([windowHeader(2), frame('2C', u32(compressed.length), compressed)])),
    'LJ_ERR_WINDOW_OVERFLOW',
  );
});
