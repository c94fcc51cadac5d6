import test from 'ava';
import {
  PUSH_ITEM_NAME,
  PUSH_MESSAGE_LIMITS,
  type PushMessageErrorCode,
  decodePushMessage,
  encodePushMessage,
} from '../../protocols/push/message.js';
import { closeReason, decodeAdapterFrame, encodeAck, encodeError } from '../../protocols/push/replies.js';
import { seededRandom } from '../../sim/seeded-random.js';

function codeOf(text: string): string {
  const result = decodePushMessage(text);
  return result.ok ? 'ok' : result.problem.code;
}

test('a valid message decodes to exactly its content', (t) => {
  const text = '{"seq":0,"time":1764238502123,"readings":[{"item":"Layer","value":152},{"item":"BuildState","value":"building"},{"item":"Door_Open","value":true,"unit":"-"}]}';
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

const KNOWN_CODES = new Set<PushMessageErrorCode>([
  'PUSH_BAD_JSON', 'PUSH_NOT_AN_OBJECT', 'PUSH_UNKNOWN_FIELD', 'PUSH_BAD_SEQ', 'PUSH_BAD_TIME', 'PUSH_BAD_READINGS',
  'PUSH_TOO_MANY_READINGS', 'PUSH_BAD_ITEM', 'PUSH_DUPLICATE_ITEM', 'PUSH_BAD_VALUE', 'PUSH_BAD_UNIT',
]);

test('fuzz: 20,000 random and mutated messages never throw and always get a clear verdict', (t) => {
  const random = seededRandom(0x3dc0ffee);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (n: number) => Math.floor(random() * n);
  const junkValues: unknown[] = [
    null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 60), 1e308, '', 'x', 'é', '\u0000', 'a\nb', [], [1], {}, { a: 1 },
    'x'.repeat(300), 'Layer', 'bad item', Number.MAX_SAFE_INTEGER, 8.64e15, 8.64e15 + 1,
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
          out = out.slice(0, at) + out.slice(int(out.length)) ;
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
      kind === 0 ? JSON.stringify(original) : kind === 1 ? mutateStructure(structuredClone(original)) : mutateText(JSON.stringify(original));
    let result: ReturnType<typeof decodePushMessage> | undefined;
    try {
      result = decodePushMessage(text);
    } catch (error) {
      t.fail(`threw on ${JSON.stringify(text.slice(0, 200))}: ${(error as Error).message}`);
      return;
    }
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
        Number.isSafeInteger(seq) && seq >= 0 && Number.isInteger(time) && time >= 0 && time <= 8.64e15 &&
        readings.length <= PUSH_MESSAGE_LIMITS.maxReadingsPerMessage &&
        new Set(readings.map((r) => r.item)).size === readings.length &&
        readings.every((r) =>
          PUSH_ITEM_NAME.test(r.item) &&
          (typeof r.value === 'boolean' || (typeof r.value === 'number' && Number.isFinite(r.value)) ||
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
