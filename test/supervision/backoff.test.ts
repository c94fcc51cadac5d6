import test from 'ava';
import {
  type BackoffOptions,
  type BackoffState,
  backoffDelay,
  backoffOnFailure,
  backoffStarted,
  initialBackoffState,
  resetAfterMs,
} from '../../supervision/backoff.js';

const options: BackoffOptions = { minMs: 100, maxMs: 1_000, randomFactor: 0.2 };
const noJitter = () => 0;

test('the first restart after a quiet period waits no backoff', (t) => {
  t.is(backoffDelay(0, options, () => 0.99), 0);
  const { delayMs, next } = backoffOnFailure(initialBackoffState(), 5_000, options, () => 0.99);
  t.is(delayMs, 0);
  t.is(next.consecutive, 1);
});

test('delays grow as min·2^n and are capped at max', (t) => {
  const delays = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, options, noJitter));
  t.deepEqual(delays, [200, 400, 800, 1_000, 1_000, 1_000]);
  // 2^n overflows for huge n; the cap must still hold.
  t.is(backoffDelay(5_000, options, noJitter), 1_000);
});

test('jitter stretches the delay by at most randomFactor', (t) => {
  t.is(backoffDelay(1, options, () => 1), 240);
  t.is(backoffDelay(1, options, () => 0.5), 220);
  t.is(backoffDelay(10, options, () => 1), 1_200);
  const random = sequence([0.1, 0.7, 0.3, 0.9]);
  for (let i = 0; i < 4; i += 1) {
    const delay = backoffDelay(2, options, random);
    t.true(delay >= 400 && delay <= 480, `delay ${delay}`);
  }
});

test('consecutive failures back off further; a quiet run resets to a prompt restart', (t) => {
  const clock = { now: 0 };
  let state: BackoffState = initialBackoffState();
  const delays: number[] = [];
  const failAfterRunning = (runMs: number) => {
    state = backoffStarted(state, clock.now);
    clock.now += runMs;
    const outcome = backoffOnFailure(state, clock.now, options, noJitter);
    state = outcome.next;
    delays.push(outcome.delayMs);
    clock.now += outcome.delayMs;
  };
  failAfterRunning(10);
  failAfterRunning(10);
  failAfterRunning(10);
  failAfterRunning(10);
  // Default reset period is (min+max)/2 = 550 ms of running: one ms short does not reset…
  failAfterRunning(resetAfterMs(options) - 1);
  // …running the full period does.
  failAfterRunning(resetAfterMs(options));
  failAfterRunning(10);
  t.deepEqual(delays, [0, 200, 400, 800, 1_000, 0, 200]);
});

test('a failure to start (no new start time) keeps backing off', (t) => {
  let state = backoffStarted(initialBackoffState(), 0);
  const delays: number[] = [];
  for (const now of [10, 20_000, 40_000]) {
    const outcome = backoffOnFailure(state, now, options, noJitter);
    state = outcome.next;
    delays.push(outcome.delayMs);
  }
  // Only the first failure came after a run; the later ones never started, so there is no quiet run.
  t.deepEqual(delays, [0, 200, 400]);
});

test('resetAfterMs defaults to (min+max)/2 and can be set', (t) => {
  t.is(resetAfterMs(options), 550);
  t.is(resetAfterMs({ ...options, resetAfterMs: 42 }), 42);
});

function sequence(values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] ?? 0;
}
