import test from 'ava';
import { PipError, type PipErrorCode } from '../../protocols/printer/errors.js';
import { LineSplitter } from '../../protocols/printer/line-splitter.js';
import { isReadOnlyOp, type PipOp, READ_ONLY_OPS } from '../../protocols/printer/ops.js';
import { decodeReply } from '../../protocols/printer/reply.js';
import { encodeRequest, MAX_REQUEST_ID, nextRequestId } from '../../protocols/printer/request.js';
import { decodeResult } from '../../protocols/printer/results.js';
import { PIP_CODEC_LIMITS } from '../../config/defaults.js';

function codeOf(fn: () => unknown): PipErrorCode | 'no error' | 'foreign error' {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return error instanceof PipError ? error.code : 'foreign error';
  }
}

const ok = (result: unknown, id = 7) => JSON.stringify({ v: 1, id, ok: true, result });

// --- requests -------------------------------------------------------------------------------

test('a request is one JSON line with v, id and op', (t) => {
  const bytes = encodeRequest(42, 'status');
  t.is(bytes.toString('utf8'), '{"v":1,"id":42,"op":"status"}\n');
  t.deepEqual(JSON.parse(bytes.toString('utf8')), { v: 1, id: 42, op: 'status' });
});

test('only allowlisted ops can be encoded, whatever a cast claims', (t) => {
  t.deepEqual([...READ_ONLY_OPS], ['identify', 'status', 'sensors', 'consumables']);
  for (const op of ['setTemperature', 'startJob', 'delete', 'IDENTIFY', '', 'status ', '__proto__']) {
    t.false(isReadOnlyOp(op), op);
    t.is(
      codeOf(() => encodeRequest(1, op as PipOp)),
      'PIP_OP_NOT_ALLOWED',
      op,
    );
  }
  t.is(
    codeOf(() => encodeRequest(1, undefined as unknown as PipOp)),
    'PIP_OP_NOT_ALLOWED',
  );
});

test('the allowlist cannot be extended at run time', (t) => {
  t.true(Object.isFrozen(READ_ONLY_OPS));
  t.throws(() => (READ_ONLY_OPS as unknown as string[]).push('setTemperature'), { instanceOf: TypeError });
  t.false(isReadOnlyOp('setTemperature'));
});

test('request ids must be u32 and wrap without reaching 0', (t) => {
  for (const id of [-1, 1.5, MAX_REQUEST_ID + 1, Number.NaN])
    t.is(
      codeOf(() => encodeRequest(id, 'status')),
      'PIP_BAD_ID',
    );
  t.is(
    codeOf(() => encodeRequest(MAX_REQUEST_ID, 'status')),
    'no error',
  );
  t.is(nextRequestId(MAX_REQUEST_ID), 1);
  t.is(nextRequestId(1), 2);
});

// --- line splitting -------------------------------------------------------------------------

test('lines split across chunks, several per chunk, and byte by byte come out whole', (t) => {
  const text = `${ok({ a: 1 }, 1)}\n${ok({ b: 'ü€' }, 2)}\n${ok({}, 3)}\n`;
  const bytes = Buffer.from(text, 'utf8');
  const whole = new LineSplitter().push(bytes).map((line) => line.toString('utf8'));
  t.deepEqual(whole, text.split('\n').slice(0, 3));
  const splitter = new LineSplitter();
  const oneByOne: string[] = [];
  // byte by byte also cuts the multi-byte characters in half
  for (const byte of bytes) oneByOne.push(...splitter.push(Buffer.from([byte])).map((line) => line.toString('utf8')));
  t.deepEqual(oneByOne, whole);
  t.is(splitter.bufferedBytes, 0);
});

test('a partial line is held until its newline arrives', (t) => {
  const splitter = new LineSplitter();
  t.deepEqual(splitter.push(Buffer.from('{"v":1,')), []);
  t.is(splitter.bufferedBytes, 7);
  const lines = splitter.push(Buffer.from('"id":1}\n{"v"'));
  t.deepEqual(
    lines.map((line) => line.toString()),
    ['{"v":1,"id":1}'],
  );
  t.is(splitter.bufferedBytes, 4);
});

test('a line of exactly the cap passes; one byte more fails before it is buffered', (t) => {
  const cap = 16;
  const exact = new LineSplitter(cap);
  t.deepEqual(
    exact.push(Buffer.from(`${'a'.repeat(cap)}\n`)).map((line) => line.length),
    [cap],
  );
  const over = new LineSplitter(cap);
  over.push(Buffer.from('a'.repeat(10)));
  const error = t.throws(() => over.push(Buffer.from('a'.repeat(7))));
  t.true(error instanceof PipError);
  t.like(error, { code: 'PIP_LINE_TOO_LONG', context: { limit: 'maxLineBytes', limitValue: cap } });
  t.is(over.bufferedBytes, 0, 'nothing of the over-long line is kept');
  t.is(
    codeOf(() => over.push(Buffer.from('\n'))),
    'PIP_LINE_TOO_LONG',
    'a failed splitter stays failed',
  );
});

test('the default cap is 64 KiB and a newline-free flood never buffers more', (t) => {
  t.is(PIP_CODEC_LIMITS.maxLineBytes, 65536);
  const splitter = new LineSplitter();
  const chunk = Buffer.alloc(4096, 0x41);
  let code: string | undefined;
  for (let i = 0; i < 40 && !code; i += 1) {
    try {
      splitter.push(chunk);
      t.true(splitter.bufferedBytes <= 65536);
    } catch (error) {
      code = error instanceof PipError ? error.code : 'foreign';
    }
  }
  t.is(code, 'PIP_LINE_TOO_LONG');
});

// --- reply envelope ---------------------------------------------------------------------------

test('a success and an error reply decode into typed envelopes', (t) => {
  t.deepEqual(decodeReply(Buffer.from(ok({ state: 'idle' }, 9))), { v: 1, id: 9, ok: true, result: { state: 'idle' } });
  t.deepEqual(decodeReply('{"v":1,"id":3,"ok":false,"error":{"code":"UNKNOWN_OP","message":"no"}}'), {
    v: 1,
    id: 3,
    ok: false,
    error: { code: 'UNKNOWN_OP', message: 'no' },
  });
  t.deepEqual(
    decodeReply(`${ok({}, 1).slice(0, -1)},"extra":true}`),
    { v: 1, id: 1, ok: true, result: {} },
    'unknown envelope fields are dropped',
  );
});

test('every envelope field is checked', (t) => {
  const cases: Array<[string, PipErrorCode]> = [
    ['', 'PIP_BAD_JSON'],
    ['{"v":1,', 'PIP_BAD_JSON'],
    ['null', 'PIP_BAD_ENVELOPE'],
    ['[1]', 'PIP_BAD_ENVELOPE'],
    ['"text"', 'PIP_BAD_ENVELOPE'],
    ['{"id":1,"ok":true,"result":{}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":2,"id":1,"ok":true,"result":{}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":"1","id":1,"ok":true,"result":{}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"ok":true,"result":{}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":-1,"ok":true,"result":{}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":1.5,"ok":true,"result":{}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":4294967296,"ok":true,"result":{}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":"1","ok":true,"result":{}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":1,"ok":"true","result":{}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":1,"result":{}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":1,"ok":true}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":1,"ok":true,"result":[]}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":1,"ok":true,"result":null}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":1,"ok":true,"result":{},"error":{"code":"X","message":""}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":1,"ok":false}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":1,"ok":false,"error":"boom"}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":1,"ok":false,"error":{"code":"lower","message":""}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":1,"ok":false,"error":{"code":"X"}}', 'PIP_BAD_ENVELOPE'],
    ['{"v":1,"id":1,"ok":false,"error":{"code":"X","message":""},"result":{}}', 'PIP_BAD_ENVELOPE'],
    [`{"v":1,"id":1,"ok":false,"error":{"code":"X","message":"${'m'.repeat(1025)}"}}`, 'PIP_BAD_ENVELOPE'],
  ];
  for (const [line, code] of cases)
    t.is(
      codeOf(() => decodeReply(line)),
      code,
      line.slice(0, 80),
    );
});

test('invalid UTF-8 and over-long lines are refused by the decoder itself', (t) => {
  t.is(
    codeOf(() => decodeReply(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))),
    'PIP_BAD_UTF8',
  );
  t.is(
    codeOf(() => decodeReply(Buffer.from([0x22, 0xc3, 0x22]))),
    'PIP_BAD_UTF8',
    'a cut multi-byte character',
  );
  const long = `{"v":1,"id":1,"ok":true,"result":{"a":"${'x'.repeat(70_000)}"}}`;
  t.is(
    codeOf(() => decodeReply(long)),
    'PIP_LINE_TOO_LONG',
  );
  t.is(
    codeOf(() => decodeReply(Buffer.from(long))),
    'PIP_LINE_TOO_LONG',
  );
});

// --- results ------------------------------------------------------------------------------------

const goodJob = {
  id: 'J-00042',
  state: 'building',
  layer: 152,
  layers: 1200,
  startedAt: 1_764_238_502_123,
  estimatedEndAt: 1_764_252_902_123,
};

test('identify keeps model, family, serial and firmware and nothing else', (t) => {
  t.deepEqual(decodeResult('identify', { model: 'ProJet 6000 HD', family: 'projet-6k', serial: 'SN-1', firmware: '3.4.1', secret: 'x' }), {
    model: 'ProJet 6000 HD',
    family: 'projet-6k',
    serial: 'SN-1',
    firmware: '3.4.1',
  });
  const base = { model: 'M', family: 'mjp', serial: 'S', firmware: 'F' };
  for (const [field, bad] of [
    ['model', ''],
    ['model', 7],
    ['serial', 'a\nb'],
    ['firmware', 'f'.repeat(129)],
    ['family', 'ProJet 6K'],
    ['family', undefined],
  ] as const) {
    const error = t.throws(() => decodeResult('identify', { ...base, [field]: bad }));
    t.like(error, { code: 'PIP_BAD_RESULT', context: { field: `result.${field}` } });
  }
});

test('status keeps job metadata and drops file names, geometry and other unknown fields', (t) => {
  const status = decodeResult('status', {
    state: 'building',
    job: { ...goodJob, file: '/jobs/bracket_v7_final.ctl', geometry: { triangles: 12 } },
    operator: 'anna',
  });
  t.deepEqual(status, { state: 'building', job: goodJob });
  t.false(JSON.stringify(status).includes('bracket'));
  t.deepEqual(decodeResult('status', { state: 'idle' }), { state: 'idle' });
  t.deepEqual(decodeResult('status', { state: 'idle', job: null }), { state: 'idle' });
  for (const state of ['idle', 'building', 'paused', 'finished', 'aborted', 'error', 'offline'] as const) {
    t.is(decodeResult('status', { state }).state, state);
  }
});

test('status fields are validated one by one', (t) => {
  const bad: Array<[Record<string, unknown>, string]> = [
    [{ state: 'exploded' }, 'result.state'],
    [{ state: 'BUILDING' }, 'result.state'],
    [{ state: 'building', job: 'J-1' }, 'result.job'],
    [{ state: 'building', job: { ...goodJob, id: 'bracket_v7_final.ctl' } }, 'result.job.id'],
    [{ state: 'building', job: { ...goodJob, id: '/jobs/x' } }, 'result.job.id'],
    [{ state: 'building', job: { ...goodJob, state: 'done' } }, 'result.job.state'],
    [{ state: 'building', job: { ...goodJob, layer: -1 } }, 'result.job.layer'],
    [{ state: 'building', job: { ...goodJob, layer: 1.5 } }, 'result.job.layer'],
    [{ state: 'building', job: { ...goodJob, layer: 1201 } }, 'result.job.layer'],
    [{ state: 'building', job: { ...goodJob, layers: '1200' } }, 'result.job.layers'],
    [{ state: 'building', job: { ...goodJob, startedAt: '2026-11-27T10:15:02Z' } }, 'result.job.startedAt'],
    [{ state: 'building', job: { ...goodJob, estimatedEndAt: 9e15 } }, 'result.job.estimatedEndAt'],
  ];
  for (const [result, field] of bad) {
    const error = t.throws(() => decodeResult('status', result));
    t.like(error, { code: 'PIP_BAD_RESULT', context: { field } }, JSON.stringify(result));
  }
});

test('sensors map catalog-style names to numbers, strings or booleans', (t) => {
  t.deepEqual(decodeResult('sensors', { VatTemperature: 30.1, RecoaterState: 'ok', DoorClosed: true, ErrorCode: '' }), {
    VatTemperature: 30.1,
    RecoaterState: 'ok',
    DoorClosed: true,
    ErrorCode: '',
  });
  t.deepEqual(decodeResult('sensors', {}), {});
  const bad: Array<Record<string, unknown>> = [
    { VatTemperature: null },
    { VatTemperature: { value: 1 } },
    { VatTemperature: [1] },
    { VatTemperature: Number.POSITIVE_INFINITY },
    { 'Vat Temperature': 1 },
    { '1Vat': 1 },
    { __proto__x: 1 },
    { Note: 'x'.repeat(257) },
    { Note: 'bell\u0007' },
  ];
  for (const result of bad)
    t.is(
      codeOf(() => decodeResult('sensors', result)),
      'PIP_BAD_RESULT',
      JSON.stringify(result),
    );
  const tooMany = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`S${i}`, i]));
  t.is(
    codeOf(() => decodeResult('sensors', tooMany)),
    'PIP_BAD_RESULT',
  );
});

test('a __proto__ key from the wire cannot reach the prototype', (t) => {
  const reply = decodeReply('{"v":1,"id":1,"ok":true,"result":{"__proto__":{"polluted":1}}}');
  t.true(reply.ok);
  if (!reply.ok) return;
  t.is(
    codeOf(() => decodeResult('sensors', reply.result)),
    'PIP_BAD_RESULT',
  );
  t.is(({} as Record<string, unknown>).polluted, undefined);
});

test('consumables are item to finite number', (t) => {
  t.deepEqual(decodeResult('consumables', { ResinLevel: 71.5, WasteLevel: 0 }), { ResinLevel: 71.5, WasteLevel: 0 });
  for (const result of [{ ResinLevel: '71%' }, { ResinLevel: true }, { ResinLevel: null }]) {
    t.is(
      codeOf(() => decodeResult('consumables', result)),
      'PIP_BAD_RESULT',
    );
  }
  // 1e400 parses to Infinity in JSON.parse
  const reply = decodeReply('{"v":1,"id":1,"ok":true,"result":{"ResinLevel":1e400}}');
  t.true(reply.ok);
  if (reply.ok)
    t.is(
      codeOf(() => decodeResult('consumables', reply.result)),
      'PIP_BAD_RESULT',
    );
});
