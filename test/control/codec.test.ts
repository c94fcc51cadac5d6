import test from 'ava';
import { ControlError } from '../../protocols/control/errors.js';
import { LineReader } from '../../protocols/control/line-reader.js';
import { decodeReply, encodeReply, errorReply, successReply } from '../../protocols/control/reply-codec.js';
import { decodeRequest, encodeRequest } from '../../protocols/control/request-codec.js';

const line = (text: string) => Buffer.from(text, 'utf8');

test('a request round-trips through encode and decode', (t) => {
  const encoded = encodeRequest({ id: 5, cmd: 'restart', args: { path: 'adapter/fleet/p01' } });
  t.is(encoded.toString(), '{"id":5,"cmd":"restart","args":{"path":"adapter/fleet/p01"}}\n');
  t.deepEqual(decodeRequest(encoded.subarray(0, -1)), { id: 5, cmd: 'restart', args: { path: 'adapter/fleet/p01' } });
  t.deepEqual(decodeRequest(line('{"id":"x","cmd":"status","args":{}}')), { id: 'x', cmd: 'status' });
});

test('request validation is strict and names the field', (t) => {
  const cases: Array<[string, string, string | undefined]> = [
    ['{"id":1.5,"cmd":"status"}', 'CONTROL_BAD_REQUEST', 'id'],
    [`{"id":"${'x'.repeat(65)}","cmd":"status"}`, 'CONTROL_BAD_REQUEST', 'id'],
    ['{"id":1,"cmd":"status","extra":1}', 'CONTROL_BAD_REQUEST', 'extra'],
    ['{"id":1,"cmd":"status","args":[]}', 'CONTROL_BAD_REQUEST', 'args'],
    ['{"id":1,"cmd":"config","args":{"reveal":true}}', 'CONTROL_BAD_REQUEST', 'args.reveal'],
    ['{"id":1,"cmd":"restart","args":{"path":""}}', 'CONTROL_BAD_REQUEST', 'args.path'],
    ['{"id":1,"cmd":"restart","args":{"path":"a","force":true}}', 'CONTROL_BAD_REQUEST', 'args.force'],
    ['{"id":1,"cmd":"STATUS"}', 'CONTROL_UNKNOWN_COMMAND', 'cmd'],
    ['{"id":1,"cmd":"__proto__"}', 'CONTROL_UNKNOWN_COMMAND', 'cmd'],
    ['null', 'CONTROL_BAD_REQUEST', ''],
    ['{"id":1,"cmd":"status"', 'CONTROL_BAD_JSON', undefined],
  ];
  for (const [text, code, field] of cases) {
    const error = t.throws(() => decodeRequest(line(text)), { instanceOf: ControlError }, text);
    t.is(error?.code as string | undefined, code, text);
    t.is(error?.context.field, field, text);
  }
});

test('the request id is kept on errors found after it was read', (t) => {
  const error = t.throws(() => decodeRequest(line('{"id":"q7","cmd":"nope"}')), { instanceOf: ControlError });
  t.is(error?.context.requestId, 'q7');
});

test('replies round-trip; the client decoder tolerates extra fields but not a wrong shape', (t) => {
  t.deepEqual(decodeReply(encodeReply(successReply(3, { a: [1, 'b', null] })).subarray(0, -1)), {
    id: 3,
    ok: true,
    result: { a: [1, 'b', null] },
  });
  t.deepEqual(decodeReply(encodeReply(errorReply(null, { code: 'X', message: 'm' }))), {
    id: null,
    ok: false,
    error: { code: 'X', message: 'm' },
  });
  t.deepEqual(decodeReply(line('{"id":1,"ok":true,"result":null,"server":"v2"}')), { id: 1, ok: true, result: null });
  for (const bad of [
    '{"id":1,"ok":true}',
    '{"id":1,"ok":"yes","result":1}',
    '{"id":1,"ok":false,"error":"x"}',
    '{"id":{},"ok":true,"result":1}',
    '[]',
  ]) {
    t.is(t.throws(() => decodeReply(line(bad)), { instanceOf: ControlError })?.code, 'CONTROL_BAD_REPLY', bad);
  }
});

test('a newline inside a value cannot split a line: JSON escapes it', (t) => {
  const encoded = encodeReply(successReply(1, { message: 'two\nlines' }));
  t.is(encoded.indexOf(0x0a), encoded.length - 1);
});

test('the line reader cuts lines across chunks and never holds more than the cap', (t) => {
  const reader = new LineReader(8);
  t.deepEqual(reader.push(line('ab')), []);
  t.deepEqual(
    reader.push(line('c\nde\nf')).map((b) => b.toString()),
    ['abc', 'de'],
  );
  t.is(reader.bufferedBytes, 1);
  t.deepEqual(
    reader.push(line('1234567\n')).map((b) => b.toString()),
    ['f1234567'],
  );
  // 9 bytes without a newline: refused at once, nothing kept.
  const error = t.throws(() => reader.push(line('123456789')), { instanceOf: ControlError });
  t.is(error?.code, 'CONTROL_LINE_TOO_LONG');
  t.is(error?.context.limitValue, 8);
  t.is(reader.bufferedBytes, 0);
  // Failed for good: the stream is out of step.
  t.throws(() => reader.push(line('ok\n')), { instanceOf: ControlError });
});

test('the line reader refuses a huge chunk without copying it', (t) => {
  const reader = new LineReader(1024);
  t.throws(() => reader.push(Buffer.alloc(10 * 1024 * 1024, 0x61)), { instanceOf: ControlError });
  t.is(reader.bufferedBytes, 0);
});
