import test from 'ava';
import { restartGroup } from '../../supervision/strategy.js';

test('one_for_one restarts only the child that died', (t) => {
  t.deepEqual(restartGroup('one_for_one', 4, 2), [2]);
});

test('one_for_all restarts every child', (t) => {
  t.deepEqual(restartGroup('one_for_all', 4, 2), [0, 1, 2, 3]);
});

test('rest_for_one restarts the child and those started after it', (t) => {
  t.deepEqual(restartGroup('rest_for_one', 4, 1), [1, 2, 3]);
  t.deepEqual(restartGroup('rest_for_one', 4, 3), [3]);
});
