import test from 'ava';
import {
  type BackoffPolicy,
  type BackoffState,
  backoffDelayMs,
  backoffOnFailure,
  backoffStarted,
  initialBackoffState,
  type RestartBackoff,
  resetAfterMs,
  restartDelayMs,
} from '../../supervision/backoff.js';

const options: RestartBackoff = { minMs: 100, maxMs: 1_000, jitter: 0.2 };
const noJitter = () => 0;

test('the first restart after a quiet period waits no backoff', (t) => {
  t.is(
    restartDelayMs(0, options, () => 0.99),
    0,
  );
  const { delayMs, next } = backoffOnFailure(initialBackoffState(), 5_000, options, () => 0.99);
  t.is(delayMs, 0);
  t.is(next.consecutive, 1);
});

test('delays grow as min·2^n and are capped at max', (t) => {
  const delays = [1, 2, 3, 4, 5, 6].map((n) => restartDelayMs(n, options, noJitter));
  t.deepEqual(delays, [200, 400, 800, 1_000, 1_000, 1_000]);
  // 2^n overflows for huge n; the cap must still hold.
  t.is(restartDelayMs(5_000, options, noJitter), 1_000);
});

test('jitter stretches the delay by at most its fraction', (t) => {
  t.is(
    restartDelayMs(1, options, () => 1),
    240,
  );
  t.is(
    restartDelayMs(1, options, () => 0.5),
    220,
  );
  t.is(
    restartDelayMs(10, options, () => 1),
    1_200,
  );
  const random = sequence([0.1, 0.7, 0.3, 0.9]);
  for (let i = 0; i < 4; i += 1) {
    const delay = restartDelayMs(2, options, random);
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

// The one backoff every retrying part uses (restarts, uplink retries, printer/Beats/push reconnects).
const policy: BackoffPolicy = { minMs: 500, maxMs: 60_000, jitter: 0.2 };

test('backoffDelayMs: attempt 0 waits the minimum, then doubles up to the maximum', (t) => {
  t.deepEqual(
    [0, 1, 2, 3, 6, 7, 8].map((attempt) => backoffDelayMs(attempt, policy, noJitter)),
    [500, 1_000, 2_000, 4_000, 32_000, 60_000, 60_000],
  );
  t.is(backoffDelayMs(-3, policy, noJitter), 500, 'a negative attempt counts as the first');
});

test('backoffDelayMs: huge attempts neither overflow nor turn a zero minimum into NaN', (t) => {
  t.is(backoffDelayMs(5_000, policy, noJitter), 60_000);
  t.is(
    backoffDelayMs(Number.MAX_SAFE_INTEGER, policy, () => 0.5),
    66_000,
  );
  t.is(backoffDelayMs(5_000, { ...policy, minMs: 0 }, noJitter), 0);
});

test('backoffDelayMs: jitter adds up to its fraction of the capped delay, in whole ms, one draw per call', (t) => {
  let draws = 0;
  const counted = (value: number) => () => {
    draws += 1;
    return value;
  };
  t.is(backoffDelayMs(1, policy, counted(0.999_999)), 1_200);
  t.is(backoffDelayMs(1, policy, counted(0.5)), 1_100);
  t.is(backoffDelayMs(0, { minMs: 333, maxMs: 333, jitter: 0.2 }, counted(0.5)), 366, 'rounded');
  t.is(backoffDelayMs(20, policy, counted(0.999_999)), 72_000, 'jitter applies above the cap');
  t.is(backoffDelayMs(2, { ...policy, jitter: 0 }, counted(0.9)), 2_000);
  t.is(draws, 5);
});

function sequence(values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] ?? 0;
}
