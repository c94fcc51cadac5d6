import test from 'ava';
import { type Envelope, EnvelopeQueue } from '../../supervision/envelope.js';

const taken = (): Envelope => ({ kind: 'probe', body: undefined, sender: undefined });

test('the envelope ring is FIFO across wrap-arounds and growth, and clear drops everything', (t) => {
  const queue = new EnvelopeQueue();
  const out = taken();
  const seen: unknown[] = [];
  let next = 0;
  let expected = 0;
  // Interleave pushes and shifts so the head wraps, then grow while wrapped, several times over.
  for (const [pushes, shifts] of [
    [5, 3],
    [6, 4],
    [20, 10],
    [100, 50],
    [3, 67],
  ] as const) {
    for (let i = 0; i < pushes; i += 1) {
      queue.push(next % 2 === 0 ? 'user' : 'ping', next, next % 3 === 0 ? `asker ${next}` : undefined);
      next += 1;
    }
    for (let i = 0; i < shifts; i += 1) {
      t.true(queue.shiftInto(out));
      seen.push(out.body);
      t.is(out.kind, expected % 2 === 0 ? 'user' : 'ping');
      t.is(out.sender, expected % 3 === 0 ? `asker ${expected}` : undefined);
      expected += 1;
    }
  }
  t.deepEqual(
    seen,
    Array.from({ length: expected }, (_, n) => n),
  );
  t.true(queue.isEmpty);
  t.false(queue.shiftInto(out));
  queue.push('user', 'a', undefined);
  queue.push('stop', undefined, undefined);
  queue.clear();
  t.true(queue.isEmpty);
  t.false(queue.shiftInto(out));
  queue.push('init', undefined, undefined);
  t.true(queue.shiftInto(out));
  t.is(out.kind, 'init');
});

test('a ring grown by a burst still works after it shrinks back', (t) => {
  const queue = new EnvelopeQueue();
  const out = taken();
  for (let round = 0; round < 2; round += 1) {
    for (let n = 0; n < 5_000; n += 1) queue.push('user', n, undefined);
    for (let n = 0; n < 5_000; n += 1) {
      t.true(queue.shiftInto(out));
      if (out.body !== n) t.fail(`round ${round}: expected ${n}, got ${String(out.body)}`);
    }
    t.true(queue.isEmpty);
  }
});
