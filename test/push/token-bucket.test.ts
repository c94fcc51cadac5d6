import test from 'ava';
import { TokenBucket } from '../../protocols/push/token-bucket.js';

test('a full bucket allows the burst, then refills at the rate', (t) => {
  const bucket = new TokenBucket(10, 3, 0);
  t.true(bucket.take(0));
  t.true(bucket.take(0));
  t.true(bucket.take(0));
  t.false(bucket.take(0));
  t.is(bucket.msUntilToken(0), 100);
  t.false(bucket.take(99));
  t.true(bucket.take(100));
  t.false(bucket.take(100));
});

test('refill is capped at the burst and a clock going back does no harm', (t) => {
  const bucket = new TokenBucket(5, 2, 1_000);
  t.true(bucket.take(1_000));
  t.true(bucket.take(1_000));
  // An hour idle still only gives the burst.
  const later = 3_601_000;
  t.true(bucket.take(later));
  t.true(bucket.take(later));
  t.false(bucket.take(later));
  t.false(bucket.take(later - 10_000));
  t.is(bucket.msUntilToken(later - 10_000), 200);
  t.false(bucket.take(later + 100), 'the step back earned nothing');
  t.true(bucket.take(later + 200));
});
