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
