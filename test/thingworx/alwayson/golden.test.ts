import test from 'ava';
import {
  Code,
  decodeFrame,
  encodeMessage,
  encodePropertyUpdate,
  MessageAssembler,
  NO_SESSION_ID,
  propertyUpdateParams,
  vtqRowsOfParams,
  type Message,
} from '../../../protocols/thingworx/alwayson/index.js';
import type { VtqRow } from '../../../protocols/thingworx/types.js';
import { DEFAULT_ALWAYSON_LIMITS } from '../../../config/defaults.js';

/**
 * Golden bytes worked out by hand from the facts in PROTOCOLS.md §3 (not produced by our writer): each test builds the
 * expected frame from hex and ASCII pieces, with the arithmetic in the comments, then checks the writer produces
 * exactly those bytes and the reader reads them back.
 */

/** Hex digits with any spacing. */
const h = (digits: string): Buffer => Buffer.from(digits.replace(/\s+/g, ''), 'hex');
/** ASCII text as bytes. */
const a = (text: string): Buffer => Buffer.from(text, 'ascii');
const bytes = (...parts: Buffer[]): Buffer => Buffer.concat(parts);

const SESSION = 0x2a; // 42, as an AUTH reply would have given

test('AUTH: sessionId 0xFFFFFFFF, body u8 1, str "appKey", str key', (t) => {
  const expected = bytes(
    // header: version 01, code AUTH 14, requestId 1, endpointId 0, sessionId FFFFFFFF, multipart 00 = 1+1+4+4+4+1 = 15
    h('01 14 00000001 00000000 FFFFFFFF 00'),
    h('01'), // one claim
    h('06'),
    a('appKey'), // "appKey" is 6 bytes < 128: one length byte
    h('05'),
    a('k-123'), // the key, 5 bytes
  );
  t.is(expected.length, 15 + 1 + 7 + 6); // 29
  const message: Message = {
    header: { code: Code.AUTH, requestId: 1, endpointId: 0, sessionId: NO_SESSION_ID },
    body: { kind: 'auth', claims: [{ name: 'appKey', value: 'k-123' }] },
  };
  t.deepEqual(encodeMessage(message), [expected]);
  t.deepEqual(decodeFrame(expected), message);
});

test('BIND of three Things: gatewayFlag 0, u16 count 3, three strings', (t) => {
  const expected = bytes(
    h('01 0A 00000002 00000000 0000002A 00'), // BIND 0A, requestId 2, session 42 = 0x2A
    h('00'), // not a gateway
    h('0003'), // u16 count
    h('0A'),
    a('printer-01'), // 10 = 0x0A bytes
    h('0A'),
    a('printer-02'),
    h('07'),
    a('adapter'), // 7 bytes
  );
  t.is(expected.length, 15 + 1 + 2 + 11 + 11 + 8); // 48
  const message: Message = {
    header: { code: Code.BIND, requestId: 2, endpointId: 0, sessionId: SESSION },
    body: { kind: 'bind', names: ['printer-01', 'printer-02', 'adapter'] },
  };
  t.deepEqual(encodeMessage(message), [expected]);
  t.deepEqual(decodeFrame(expected), message);
});

test('UpdateSubscribedPropertyValues with one row of each base type we send', (t) => {
  const time = h('0000018B CFE56800'); // 1_700_000_000_000 = 0x18B·2^32 + 0xCFE56800 = 1_696_512_081_920 + 3_487_918_080
  const good = bytes(h('00 04'), a('GOOD')); // STRING 00, length 4
  /** One NamedVTQ row: marker 01, u16 4 values, then name STRING, value VARIANT(inner), time DATETIME, quality STRING. */
  const row = (name: string, inner: Buffer) => bytes(h('01 0004'), h('00 01'), a(name), h('12'), inner, h('03'), time, good);
  const field = (name: string, type: string) =>
    bytes(h('01'), h(name.length.toString(16).padStart(2, '0')), a(name), h('00'), h(type), h('0000'));
  const expected = bytes(
    h('01 03 00000003 00000000 0000002A 00'), // POST 03, requestId 3, session 42
    h('0A'), // entity type Thing
    h('0A'),
    a('printer-01'),
    h('02'), // characteristic: services
    h('1E'),
    a('UpdateSubscribedPropertyValues'), // 6 + 10 + 8 + 6 = 30 = 0x1E bytes
    h('00'), // no request headers
    h('05'), // params: an InfoTable follows
    // outer DataShape: 01, str "values", str "" (description), baseType INFOTABLE 05, u16 0 aspects; end 00
    h('01 06'),
    a('values'),
    h('00 05 0000'),
    h('00'),
    // outer rows: one row of one value, an INFOTABLE (05) …
    h('01 0001 05'),
    // … whose DataShape is the NamedVTQ: name STRING 00, value VARIANT 0x12 (18), time DATETIME 03, quality STRING 00
    field('name', '00'),
    field('value', '12'),
    field('time', '03'),
    field('quality', '00'),
    h('00'),
    row('t', h('01 403E800000000000')), // NUMBER 30.5 = 1.90625·2^4: exponent 1023+4 = 0x403, mantissa .90625 = .11101b → 3E8
    row('n', h('16 0000002A')), // INTEGER 22 = 0x16, i32 42
    row('b', h('02 01')), // BOOLEAN true
    row('d', bytes(h('03'), time)), // DATETIME as the value too
    row('s', bytes(h('00 02'), a('ok'))), // STRING "ok"
    h('00'), // end of NamedVTQ rows
    h('00'), // end of outer rows
  );
  const T = 1_700_000_000_000;
  const rows: VtqRow[] = [
    { name: 't', value: 30.5, time: T, quality: 'GOOD' },
    { name: 'n', value: 42, time: T, quality: 'GOOD', baseType: 'INTEGER' },
    { name: 'b', value: true, time: T, quality: 'GOOD' },
    { name: 'd', value: T, time: T, quality: 'GOOD', baseType: 'DATETIME' },
    { name: 's', value: 'ok', time: T, quality: 'GOOD' },
  ];
  const message: Message = {
    header: { code: Code.POST, requestId: 3, endpointId: 0, sessionId: SESSION },
    body: {
      kind: 'request',
      method: 'POST',
      entityType: 0x0a,
      entity: 'printer-01',
      characteristic: 2,
      name: 'UpdateSubscribedPropertyValues',
      params: propertyUpdateParams(rows),
    },
  };
  t.deepEqual(encodeMessage(message), [expected]);
  // The transport's direct writer (no object per value) writes the same bytes.
  t.deepEqual(encodePropertyUpdate({ requestId: 3, endpointId: 0, sessionId: SESSION }, 'printer-01', rows, DEFAULT_ALWAYSON_LIMITS), [
    expected,
  ]);
  const decoded = decodeFrame(expected);
  t.deepEqual(decoded, message);
  t.true(decoded.body.kind === 'request');
  if (decoded.body.kind === 'request') {
    t.deepEqual(vtqRowsOfParams(decoded.body.params), {
      rows: rows.map((r) => ({
        ...r,
        baseType: r.baseType ?? (typeof r.value === 'number' ? 'NUMBER' : typeof r.value === 'boolean' ? 'BOOLEAN' : 'STRING'),
      })),
    });
  }
});

test('a multipart request of three chunks repeats the header, chunk info and, after chunk 1, the entity', (t) => {
  const limits = { ...DEFAULT_ALWAYSON_LIMITS, chunkSize: 64 };
  // body: 0A, str "P" (01 50), characteristic 01, str of 100 'p' (64 = 100), header count 00, FF = 3+1+1+100+1+1 = 107
  // each chunk's share is sized as if it held the prefix 0A 01 50: 64 − 21 − 3 = 40 → 40 + 40 + 27 = 107: three chunks
  const head = (chunkId: string) => h(`01 01 00000007 00000000 0000002A 01 ${chunkId} 0003 0040`); // chunkSize 0x40 = 64
  const p = (n: number) => a('p'.repeat(n));
  const chunk1 = bytes(head('0001'), h('0A 01 50 01 64'), p(35)); // 5 body bytes + 35 = 40
  const chunk2 = bytes(head('0002'), h('0A 01 50'), p(40)); // prefix repeated, then body bytes 40..79
  const chunk3 = bytes(head('0003'), h('0A 01 50'), p(25), h('00 FF')); // body bytes 80..106: 25 'p', 00, FF
  t.deepEqual([chunk1.length, chunk2.length, chunk3.length], [61, 64, 51]); // 21+40, 21+3+40 = the chunk size, 21+3+27
  const message: Message = {
    header: { code: Code.GET, requestId: 7, endpointId: 0, sessionId: SESSION },
    body: { kind: 'request', method: 'GET', entityType: 0x0a, entity: 'P', characteristic: 1, name: 'p'.repeat(100) },
  };
  t.deepEqual(encodeMessage(message, limits), [chunk1, chunk2, chunk3]);
  const assembler = new MessageAssembler(limits);
  t.is(assembler.push(chunk1), undefined);
  t.is(assembler.push(chunk2), undefined);
  t.deepEqual(assembler.push(chunk3), message);
  t.is(assembler.pending, 0);
});

test('an error response: NOT_FOUND with its reason and no content', (t) => {
  const expected = bytes(
    h('01 84 00000003 00000000 0000002A 00'), // NOT_FOUND 0x84, echoing requestId 3
    h('01'), // reason flag
    h('0D'),
    a('no such Thing'), // 13 = 0x0D bytes
    h('FF'), // no InfoTable
  );
  t.is(expected.length, 15 + 1 + 14 + 1); // 31
  const message: Message = {
    header: { code: Code.NOT_FOUND, requestId: 3, endpointId: 0, sessionId: SESSION },
    body: { kind: 'response', reason: 'no such Thing' },
  };
  t.deepEqual(encodeMessage(message), [expected]);
  t.deepEqual(decodeFrame(expected), message);
});

test("an SDK peer's error response (reason length without the flag, zeros after) reads as no result", (t) => {
  const sdkStyle = bytes(h('01 83 00000009 00000000 0000002A 00'), h('00 00 00'));
  t.deepEqual(decodeFrame(sdkStyle), {
    header: { code: Code.FORBIDDEN, requestId: 9, endpointId: 0, sessionId: SESSION },
    body: { kind: 'response' },
  });
});

test('a string of 128 bytes or more takes the four-byte length with the top bit set', (t) => {
  const name = 'x'.repeat(200); // 200 = 0xC8 → 80 00 00 C8
  const frame = encodeMessage({
    header: { code: Code.BIND, requestId: 1, endpointId: 0, sessionId: SESSION },
    body: { kind: 'bind', names: [name] },
  })[0] as Buffer;
  t.deepEqual(frame.subarray(15, 22), h('00 0001 800000C8'));
  t.is(frame.length, 15 + 1 + 2 + 4 + 200);
});
