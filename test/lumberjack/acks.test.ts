import test from 'ava';
import { AckSequencer } from '../../protocols/lumberjack/ack-order.js';
import { AckReader } from '../../protocols/lumberjack/ack-reader.js';
import { LumberjackError } from '../../protocols/lumberjack/errors.js';
import { encodeAck } from '../../protocols/lumberjack/ack-writer.js';

const window = (size: number, bytes = 10) => ({
  version: 2 as const,
  sequences: Array.from({ length: size }, (_, i) => i + 1),
  bytes,
});

test('ACKs leave in window order whatever order the application acknowledges in', (t) => {
  const acks = new AckSequencer();
  const first = acks.add(window(5, 100));
  const second = acks.add(window(5, 200));
  const third = acks.add(window(2, 300));
  t.is(acks.bytes, 600);
  t.deepEqual(acks.acknowledge(third, 2), []);
  t.deepEqual(acks.acknowledge(second, 5), []);
  t.deepEqual(acks.acknowledge(first, 3), [{ version: 2, seq: 3, acknowledged: 3 }]);
  t.deepEqual(acks.keepAlive(2), { version: 2, seq: 3, acknowledged: 0 });
  t.deepEqual(
    acks.acknowledge(first, 5).map((f) => f.seq),
    [5, 5, 2],
  );
  t.is(acks.size, 0);
  t.is(acks.bytes, 0);
  t.deepEqual(acks.keepAlive(1), { version: 1, seq: 0, acknowledged: 0 });
});

test('acknowledgements are monotonic and idempotent; released windows are ignored', (t) => {
  const acks = new AckSequencer();
  const first = acks.add(window(4));
  const second = acks.add(window(4));
  t.deepEqual(acks.acknowledge(second, 2), []);
  t.deepEqual(acks.acknowledge(first, 2), [{ version: 2, seq: 2, acknowledged: 2 }]);
  t.deepEqual(acks.acknowledge(first, 1), []);
  t.deepEqual(acks.acknowledge(first, 2), []);
  t.deepEqual(acks.acknowledge(first, 4), [
    { version: 2, seq: 4, acknowledged: 2 },
    { version: 2, seq: 2, acknowledged: 2 },
  ]);
  t.deepEqual(acks.acknowledge(first, 4), []);
  t.deepEqual(acks.acknowledge(second, 4), [{ version: 2, seq: 4, acknowledged: 2 }]);
});

test('an ACK carries the seq the client sent for that event', (t) => {
  const acks = new AckSequencer();
  const serial = acks.add({ version: 1, sequences: [41, 42, 43], bytes: 1 });
  t.deepEqual(acks.acknowledge(serial, 2), [{ version: 1, seq: 42, acknowledged: 2 }]);
});

test('an acknowledgement outside the window is refused', (t) => {
  const acks = new AckSequencer();
  const serial = acks.add(window(5));
  for (const count of [6, -1, 1.5, Number.NaN]) {
    t.is(t.throws(() => acks.acknowledge(serial, count), { instanceOf: LumberjackError })?.code, 'LJ_ERR_ACK_OUT_OF_RANGE');
  }
});

test('the ACK reader takes ACK frames however they are split and refuses anything else', (t) => {
  const bytes = Buffer.concat([encodeAck(0), encodeAck(5), encodeAck(0xffff_ffff, 1)]);
  const reader = new AckReader();
  const seen = [...bytes].flatMap((byte) => reader.push(Buffer.from([byte])));
  t.deepEqual(seen, [
    { version: 2, seq: 0 },
    { version: 2, seq: 5 },
    { version: 1, seq: 0xffff_ffff },
  ]);
  t.is(t.throws(() => new AckReader().push(Buffer.from('2W')), { instanceOf: LumberjackError })?.code, 'LJ_ERR_BAD_FRAME_TYPE');
  t.is(t.throws(() => new AckReader().push(Buffer.from('H')), { instanceOf: LumberjackError })?.code, 'LJ_ERR_BAD_VERSION');
});
