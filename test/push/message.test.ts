import test from 'ava';
import { isDeepStrictEqual } from 'node:util';
import {
  PUSH_ITEM_NAME,
  type PushMessageErrorCode,
  type PushMessageLimits,
  decodePushFrame,
  decodePushMessage,
  encodePushMessage,
} from '../../protocols/push/message.js';
import { closeReason, decodeAdapterFrame, encodeAck, encodeAckFrames, encodeError } from '../../protocols/push/replies.js';
import { seededRandom } from '../../sim/seeded-random.js';
import { PUSH_MESSAGE_LIMITS } from '../../config/defaults.js';

function codeOf(text: string): string {
  const result = decodePushMessage(text);
  return result.ok ? 'ok' : result.problem.code;
}

test('a valid message decodes to exactly its content', (t) => {
  const text =
    '{"seq":0,"time":1764238502123,"readings":[{"item":"Layer","value":152},{"item":"BuildState","value":"building"},{"item":"Door_Open","value":true,"unit":"-"}]}';
  const result = decodePushMessage(text);
  t.true(result.ok);
  if (!result.ok) return;
  t.deepEqual(result.message, {
    seq: 0,
    time: 1_764_238_502_123,
    readings: [
      { item: 'Layer', value: 152 },
      { item: 'BuildState', value: 'building' },
      { item: 'Door_Open', value: true, unit: '-' },
    ],
  });
  t.is(encodePushMessage(result.message), text);
});

test('schema edge cases', (t) => {
  const cases: [string, string][] = [
    ['{"seq":9007199254740991,"time":0,"readings":[]}', 'ok'],
    ['{"seq":9007199254740992,"time":0,"readings":[]}', 'PUSH_BAD_SEQ'],
    ['{"seq":-1,"time":0,"readings":[]}', 'PUSH_BAD_SEQ'],
    ['{"seq":1.5,"time":0,"readings":[]}', 'PUSH_BAD_SEQ'],
    ['{"seq":"1","time":0,"readings":[]}', 'PUSH_BAD_SEQ'],
    ['{"time":0,"readings":[]}', 'PUSH_BAD_SEQ'],
    ['{"seq":1,"time":1.5,"readings":[]}', 'PUSH_BAD_TIME'],
    ['{"seq":1,"time":-1,"readings":[]}', 'PUSH_BAD_TIME'],
    ['{"seq":1,"time":8640000000000001,"readings":[]}', 'PUSH_BAD_TIME'],
    ['{"seq":1,"time":null,"readings":[]}', 'PUSH_BAD_TIME'],
    ['{"seq":1,"time":0}', 'PUSH_BAD_READINGS'],
    ['{"seq":1,"time":0,"readings":{}}', 'PUSH_BAD_READINGS'],
    ['{"seq":1,"time":0,"readings":[null]}', 'PUSH_BAD_READINGS'],
    ['{"seq":1,"time":0,"readings":[],"extra":1}', 'PUSH_UNKNOWN_FIELD'],
    ['{"seq":1,"time":0,"readings":[],"__proto__":{"x":1}}', 'PUSH_UNKNOWN_FIELD'],
    ['{"seq":1,"time":0,"readings":[{"item":"A","value":1,"quality":"GOOD"}]}', 'PUSH_UNKNOWN_FIELD'],
    ['{"seq":1,"time":0,"readings":[{"item":"1abc","value":1}]}', 'PUSH_BAD_ITEM'],
    ['{"seq":1,"time":0,"readings":[{"item":"a-b","value":1}]}', 'PUSH_BAD_ITEM'],
    ['{"seq":1,"time":0,"readings":[{"item":"","value":1}]}', 'PUSH_BAD_ITEM'],
    [`{"seq":1,"time":0,"readings":[{"item":"A${'b'.repeat(63)}","value":1}]}`, 'ok'],
    [`{"seq":1,"time":0,"readings":[{"item":"A${'b'.repeat(64)}","value":1}]}`, 'PUSH_BAD_ITEM'],
    ['{"seq":1,"time":0,"readings":[{"item":"A","value":1},{"item":"A","value":2}]}', 'PUSH_DUPLICATE_ITEM'],
    ['{"seq":1,"time":0,"readings":[{"item":"A"}]}', 'PUSH_BAD_VALUE'],
    ['{"seq":1,"time":0,"readings":[{"item":"A","value":null}]}', 'PUSH_BAD_VALUE'],
    ['{"seq":1,"time":0,"readings":[{"item":"A","value":[1]}]}', 'PUSH_BAD_VALUE'],
    ['{"seq":1,"time":0,"readings":[{"item":"A","value":1e400}]}', 'PUSH_BAD_VALUE'],
    ['{"seq":1,"time":0,"readings":[{"item":"A","value":"line\\nbreak"}]}', 'PUSH_BAD_VALUE'],
    [`{"seq":1,"time":0,"readings":[{"item":"A","value":"${'x'.repeat(256)}"}]}`, 'ok'],
    [`{"seq":1,"time":0,"readings":[{"item":"A","value":"${'x'.repeat(257)}"}]}`, 'PUSH_BAD_VALUE'],
    ['{"seq":1,"time":0,"readings":[{"item":"A","value":1,"unit":""}]}', 'PUSH_BAD_UNIT'],
    ['{"seq":1,"time":0,"readings":[{"item":"A","value":1,"unit":5}]}', 'PUSH_BAD_UNIT'],
    ['{"seq":1,"time":0,"readings":[{"item":"A","value":1,"unit":"°C"}]}', 'ok'],
    ['[]', 'PUSH_NOT_AN_OBJECT'],
    ['null', 'PUSH_NOT_AN_OBJECT'],
    ['"text"', 'PUSH_NOT_AN_OBJECT'],
    ['', 'PUSH_BAD_JSON'],
    ['{"seq":1,', 'PUSH_BAD_JSON'],
    ['{"seq":NaN,"time":0,"readings":[]}', 'PUSH_BAD_JSON'],
  ];
  for (const [text, expected] of cases) t.is(codeOf(text), expected, text.slice(0, 120));
});

test('more readings than the limit are refused, the limit itself is fine', (t) => {
  const readings = (n: number) => Array.from({ length: n }, (_, i) => ({ item: `Item${i}`, value: i }));
  const max = PUSH_MESSAGE_LIMITS.maxReadingsPerMessage;
  t.is(codeOf(JSON.stringify({ seq: 1, time: 0, readings: readings(max) })), 'ok');
  t.is(codeOf(JSON.stringify({ seq: 1, time: 0, readings: readings(max + 1) })), 'PUSH_TOO_MANY_READINGS');
  const tighter = decodePushMessage(JSON.stringify({ seq: 1, time: 0, readings: readings(3) }), { maxReadingsPerMessage: 2 });
  t.false(tighter.ok);
});

test('a repeated item is refused at its second reading, in small messages and in large ones', (t) => {
  for (const size of [2, 9, 40, 300]) {
    const readings: { item: string; value: number }[] = Array.from({ length: size }, (_, i) => ({ item: `Item${i}`, value: i }));
    t.true(decodePushMessage(JSON.stringify({ seq: 1, time: 0, readings })).ok, `${size} distinct items`);
    readings.push({ item: `Item${size - 1}`, value: 0 });
    const result = decodePushMessage(JSON.stringify({ seq: 1, time: 0, readings }));
    t.false(result.ok);
    if (result.ok) continue;
    t.is(result.problem.code, 'PUSH_DUPLICATE_ITEM');
    t.is(result.problem.path, `readings[${size}].item`);
  }
});

test('error paths and messages name the field and never echo the input', (t) => {
  const result = decodePushMessage('{"seq":1,"time":0,"readings":[{"item":"A","value":1},{"item":"B","value":{}}]}');
  t.false(result.ok);
  if (result.ok) return;
  t.is(result.problem.path, 'readings[1].value');
  t.regex(result.problem.message, /^readings\[1\]\.value: /);
  const bad = decodePushMessage('{"secret-looking-input": tru');
  t.false(bad.ok);
  if (!bad.ok) t.false(bad.problem.message.includes('secret'));
});

test('adapter frames: ack and error encode, decode, and anything else is invalid', (t) => {
  t.is(encodeAck(42), '{"ack":42}');
  t.deepEqual(decodeAdapterFrame(encodeAck(42)), { kind: 'ack', seq: 42 });
  t.deepEqual(decodeAdapterFrame(encodeError('PUSH_BAD_JSON', 'no')), { kind: 'error', code: 'PUSH_BAD_JSON', message: 'no' });
  for (const text of ['', '[]', '{"ack":-1}', '{"ack":1.5}', '{"ack":1,"error":{"code":"a","message":"b"}}', '{"error":"x"}']) {
    t.is(decodeAdapterFrame(text).kind, 'invalid', text);
  }
  t.true(Buffer.byteLength(closeReason('é'.repeat(200))) <= 123);
});

test('acks decode alike whether written as encodeAck writes them or otherwise', (t) => {
  for (const seq of [0, 5, 1_764_238_502_123, Number.MAX_SAFE_INTEGER])
    t.deepEqual(decodeAdapterFrame(encodeAck(seq)), { kind: 'ack', seq });
  t.deepEqual(decodeAdapterFrame(' {"ack":5}'), { kind: 'ack', seq: 5 });
  t.deepEqual(decodeAdapterFrame('{"ack":5.0}'), { kind: 'ack', seq: 5 });
  for (const text of [
    '{"ack":01}',
    '{"ack":9007199254740992}',
    '{"ack":99999999999999999}',
    '{"ack":}',
    '{"ack":1x}',
    '{"ack":"1"}',
    '{"ack":1',
  ]) {
    t.is(decodeAdapterFrame(text).kind, 'invalid', text);
  }
});

test('ack frames: one unmasked, unfragmented text frame per seq, back to back', (t) => {
  const seqs = [0, 7, 10, 99, 1_764_238_502_123, Number.MAX_SAFE_INTEGER];
  const expected = Buffer.concat(
    seqs.map((seq) => {
      const payload = Buffer.from(encodeAck(seq));
      return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
    }),
  );
  t.deepEqual(encodeAckFrames(seqs), expected);
  t.is(encodeAckFrames([]).length, 0);
});

/**
 * The frame decoder must give exactly what the text decoder gives for the frame's text: same values
 * (-0 included), same refusals. (A lone surrogate in `text` is U+FFFD in the frame.)
 */
function checkFrameDecoder(t: { fail(message: string): void }, text: string, limits: Partial<PushMessageLimits>): boolean {
  const frame = Buffer.from(text, 'utf8');
  const expected = decodePushMessage(frame.toString('utf8'), limits);
  const actual = decodePushFrame(frame, limits);
  if (!isDeepStrictEqual(actual, expected)) {
    t.fail(`frame and text decoders differ on ${JSON.stringify(text.slice(0, 300))}: ${JSON.stringify(actual).slice(0, 300)}`);
    return false;
  }
  return true;
}

test('fuzz: the frame decoder agrees with the text decoder on 20,000 near-canonical messages', (t) => {
  const random = seededRandom(0xf4a3e);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const integers = [
    '0',
    '1',
    '01',
    '-1',
    '1.0',
    '1e3',
    '9007199254740991',
    '9007199254740992',
    '9007199254740993',
    '8640000000000000',
    '8640000000000001',
    '12345678901234567',
    '1764238502123',
    ' 1',
    '1 ',
    '"1"',
    'null',
    '',
  ];
  const numbers = [
    '0',
    '-0',
    '-0.0',
    '0.1',
    '1.5',
    '65.25',
    '1200.01',
    '-40.125',
    '123456789012345',
    '1234567890123456',
    '0.000000000000001',
    '0.0000000000000001',
    '99999999999999.9',
    '1e2',
    '1E2',
    '1.',
    '.5',
    '-',
    '--1',
    '00',
    '01.5',
    '1.5.5',
    '12345678901234567890',
    '1e400',
    '3.141592653589793',
    'NaN',
  ];
  const strings = [
    '"building"',
    '""',
    '"x"',
    '"°C"',
    '"é"',
    '"\\u0041"',
    '"a\\nb"',
    '"\\""',
    '"\u0085"',
    '"\u007f"',
    '"\u0001"',
    '"\t"',
    `"${'x'.repeat(16)}"`,
    `"${'x'.repeat(17)}"`,
    `"${'y'.repeat(256)}"`,
    `"${'y'.repeat(257)}"`,
    `"${'é'.repeat(256)}"`,
    `"${'é'.repeat(257)}"`,
    '"\ud83d\ude00"',
    '"unterminated',
  ];
  const itemNames = [
    '"Layer"',
    '"A"',
    '"x_1"',
    '"1abc"',
    '"a-b"',
    '""',
    '"Ä"',
    '"AÄ"',
    `"A${'b'.repeat(63)}"`,
    `"A${'b'.repeat(64)}"`,
    '"La\\u0079er"',
    '5',
  ];
  const values = [...numbers, ...strings, 'true', 'false', 'tru', 'null', '[]', '{}'];
  const units = [undefined, '"°C"', '"%"', '""', `"${'u'.repeat(16)}"`, `"${'u'.repeat(17)}"`, '"\u0001"', '5'];
  // Decimals of every length: each must come out as the very double JSON.parse makes of it.
  const randomValue = () =>
    random() < 0.5
      ? pick(values)
      : `${random() < 0.3 ? '-' : ''}${(random() * 10 ** Math.floor(random() * 16)).toFixed(Math.floor(random() * 16))}`;
  const oddReading = () => {
    const unit = pick(units);
    return `{"item":${pick(itemNames)},"value":${pick(values)}${unit === undefined ? '' : `,"unit":${unit}`}}`;
  };
  const limitChoices: Partial<PushMessageLimits>[] = [
    {},
    PUSH_MESSAGE_LIMITS,
    { maxReadingsPerMessage: 3, maxStringValueLength: 8, maxUnitLength: 2 },
  ];
  const verdicts = new Map<string, number>();
  for (let run = 0; run < 20_000; run++) {
    const count = pick([0, 1, 2, 3, 4, 9, 32, 33]);
    const readings = Array.from({ length: count }, (_, i) =>
      random() < 0.85
        ? `{"item":"Item${random() < 0.03 ? 0 : i}","value":${randomValue()}${random() < 0.5 ? ',"unit":"°C"' : ''}}`
        : oddReading(),
    );
    const seq = random() < 0.8 ? String(run) : pick(integers);
    const time = random() < 0.8 ? '1764238502123' : pick(integers);
    let text = `{"seq":${seq},"time":${time},"readings":[${readings.join(',')}]}`;
    if (random() < 0.05) text = text.replace('"time"', '"extra":1,"time"');
    if (random() < 0.05) text = `${text} `;
    if (random() < 0.05) text = text.slice(0, Math.floor(random() * text.length));
    const limits = pick(limitChoices);
    if (!checkFrameDecoder(t, text, limits)) return;
    const result = decodePushMessage(text, limits);
    const verdict = result.ok ? 'ok' : result.problem.code;
    verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
  }
  t.log(Object.fromEntries([...verdicts.entries()].sort()));
  t.true((verdicts.get('ok') ?? 0) >= 2000);
  t.true(verdicts.size >= 10, 'the cases reach most of the checks');
});

const KNOWN_CODES = new Set<PushMessageErrorCode>([
  'PUSH_BAD_JSON',
  'PUSH_NOT_AN_OBJECT',
  'PUSH_UNKNOWN_FIELD',
  'PUSH_BAD_SEQ',
  'PUSH_BAD_TIME',
  'PUSH_BAD_READINGS',
  'PUSH_TOO_MANY_READINGS',
  'PUSH_BAD_ITEM',
  'PUSH_DUPLICATE_ITEM',
  'PUSH_BAD_VALUE',
  'PUSH_BAD_UNIT',
]);

test('fuzz: 20,000 random and mutated messages never throw and always get a clear verdict', (t) => {
  const random = seededRandom(0x3dc0ffee);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (n: number) => Math.floor(random() * n);
  const junkValues: unknown[] = [
    null,
    true,
    false,
    0,
    -1,
    1.5,
    2 ** 53,
    -(2 ** 60),
    1e308,
    '',
    'x',
    'é',
    '\u0000',
    'a\nb',
    [],
    [1],
    {},
    { a: 1 },
    'x'.repeat(300),
    'Layer',
    'bad item',
    Number.MAX_SAFE_INTEGER,
    8.64e15,
    8.64e15 + 1,
  ];
  const items = ['VatTemperature', 'Layer', 'JobId', 'A', 'x_1', 'OxygenPpm', 'BuildState'];
  const validMessage = () => ({
    seq: int(1000),
    time: 1_700_000_000_000 + int(1e9),
    readings: Array.from({ length: int(5) }, (_, i) => {
      const value = pick<unknown>([int(100), random() * 100, 'building', random() < 0.5]);
      const reading: Record<string, unknown> = { item: `${pick(items)}${i}`, value };
      if (random() < 0.3) reading.unit = pick(['°C', '%', 'W', 'ppm']);
      return reading;
    }),
  });
  const mutateStructure = (message: Record<string, unknown>) => {
    const readings = message.readings as Record<string, unknown>[];
    const target: Record<string, unknown> = readings.length > 0 && random() < 0.6 ? pick(readings) : message;
    const keys = [...Object.keys(target), 'extra', 'unit', 'value', 'item', 'seq', 'time', 'readings', '__proto__'];
    const key = pick(keys);
    if (random() < 0.2) delete target[key];
    else target[key] = pick(junkValues);
    if (random() < 0.1) message.readings = Array.from({ length: 501 }, (_, i) => ({ item: `I${i}`, value: i }));
    if (random() < 0.1 && readings.length > 0) readings.push({ ...readings[0] });
    return JSON.stringify(message);
  };
  const mutateText = (text: string) => {
    let out = text;
    for (let round = 0, rounds = 1 + int(3); round < rounds; round++) {
      const at = int(out.length + 1);
      switch (int(5)) {
        case 0:
          out = out.slice(0, at) + out.slice(at + 1 + int(5));
          break;
        case 1:
          out = out.slice(0, at) + pick(['{', '}', '[', ']', ',', ':', '"', '\\', '-', 'e', '0', ' ', '\u0000', '\ud800']) + out.slice(at);
          break;
        case 2:
          out = out.slice(0, at);
          break;
        case 3:
          out = out.slice(0, at) + out.slice(int(out.length));
          break;
        default:
          out = out.slice(0, at) + '['.repeat(int(2000)) + out.slice(at);
      }
    }
    return out;
  };

  const seen = new Map<string, number>();
  for (let run = 0; run < 20_000; run++) {
    const original = validMessage();
    const kind = run % 4;
    const text =
      kind === 0
        ? JSON.stringify(original)
        : kind === 1
          ? mutateStructure(structuredClone(original))
          : mutateText(JSON.stringify(original));
    let result: ReturnType<typeof decodePushMessage> | undefined;
    try {
      result = decodePushMessage(text);
    } catch (error) {
      t.fail(`threw on ${JSON.stringify(text.slice(0, 200))}: ${(error as Error).message}`);
      return;
    }
    if (!checkFrameDecoder(t, text, {})) return;
    const verdict = result.ok ? 'ok' : result.problem.code;
    seen.set(verdict, (seen.get(verdict) ?? 0) + 1);
    if (kind === 0 && !result.ok) {
      t.fail(`a valid message was refused: ${result.problem.message}`);
      return;
    }
    if (kind === 0 && result.ok) {
      if (JSON.stringify(result.message) !== JSON.stringify(original)) {
        t.fail(`decoding changed a valid message: ${text}`);
        return;
      }
    }
    if (result.ok) {
      // Whatever passes must satisfy the schema, checked here independently of the decoder.
      const { seq, time, readings } = result.message;
      const sound =
        Number.isSafeInteger(seq) &&
        seq >= 0 &&
        Number.isInteger(time) &&
        time >= 0 &&
        time <= 8.64e15 &&
        readings.length <= PUSH_MESSAGE_LIMITS.maxReadingsPerMessage &&
        new Set(readings.map((r) => r.item)).size === readings.length &&
        readings.every(
          (r) =>
            PUSH_ITEM_NAME.test(r.item) &&
            (typeof r.value === 'boolean' ||
              (typeof r.value === 'number' && Number.isFinite(r.value)) ||
              (typeof r.value === 'string' && r.value.length <= 256 && !/\p{Cc}/u.test(r.value))) &&
            (r.unit === undefined || (r.unit.length >= 1 && r.unit.length <= 16)),
        );
      if (!sound) {
        t.fail(`accepted an invalid message: ${text.slice(0, 300)}`);
        return;
      }
    } else if (!KNOWN_CODES.has(result.problem.code) || result.problem.message.length === 0 || result.problem.message.length > 200) {
      t.fail(`unclear verdict ${JSON.stringify(result.problem)}`);
      return;
    }
  }
  t.log(Object.fromEntries([...seen.entries()].sort()));
  t.true((seen.get('ok') ?? 0) >= 5000);
  t.true(seen.size >= 10, 'the mutations reach most of the checks');
});
