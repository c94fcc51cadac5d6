import test from 'ava';
import { RowQueue } from '../../actors/uplink/row-queue.js';

test('first in, first out, through many compactions', (t) => {
  const queue = new RowQueue<number>();
  let nextIn = 0;
  let nextOut = 0;
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 97; i++) queue.push(nextIn++);
    const taken = queue.dropFront(90);
    for (const value of taken) t.is(value, nextOut++);
    t.is(queue.length, nextIn - nextOut);
    t.is(queue.at(0), nextOut);
  }
  t.deepEqual(queue.peekFront(3), [nextOut, nextOut + 1, nextOut + 2]);
  t.deepEqual([...queue].length, queue.length);
  queue.dropFront(queue.length + 5);
  t.is(queue.length, 0);
  t.deepEqual(queue.peekFront(1), []);
});

test('the ring keeps order when it grows while wrapped, and hands out exact-size prefixes across the wrap', (t) => {
  const queue = new RowQueue<number>();
  let nextIn = 0;
  let nextOut = 0;
  // Uneven fills and drains move the head around the ring and make it grow while wrapped.
  for (let round = 0; round < 300; round++) {
    const fill = (round * 7) % 23;
    for (let i = 0; i < fill; i++) queue.push(nextIn++);
    const peeked = queue.peekFront(5 + (round % 11));
    t.is(peeked.length, Math.min(5 + (round % 11), queue.length));
    t.deepEqual(
      peeked,
      Array.from({ length: peeked.length }, (_, i) => nextOut + i),
    );
    const copied: number[] = [];
    t.is(queue.copyFront(3, copied), Math.min(3, queue.length));
    t.deepEqual(
      copied,
      Array.from({ length: copied.length }, (_, i) => nextOut + i),
    );
    queue.discardFront((round * 5) % 19);
    nextOut = Math.min(nextIn, nextOut + ((round * 5) % 19));
    t.is(queue.length, nextIn - nextOut);
    t.is(queue.at(0), queue.length > 0 ? nextOut : undefined);
    t.is(queue.at(queue.length), undefined);
  }
  t.deepEqual(
    [...queue],
    Array.from({ length: nextIn - nextOut }, (_, i) => nextOut + i),
  );
});

test('an emptied ring starts over', (t) => {
  const queue = new RowQueue<number>();
  for (let i = 0; i < 10_000; i++) queue.push(i);
  queue.discardFront(10_000);
  t.is(queue.length, 0);
  queue.push(1);
  queue.push(2);
  t.deepEqual(queue.dropFront(5), [1, 2]);
});
