import test from 'ava';
import { recordRestart, withinWindow } from '../../supervision/intensity.js';

test('OTP default 1 restart per 5 s: the second restart inside the window is one too many', (t) => {
  const options = { intensity: 1, periodMs: 5_000 };
  const first = recordRestart([], 1_000, options);
  t.false(first.exceeded);
  t.true(recordRestart(first.times, 5_999, options).exceeded);
  // Once the first restart has left the window, another one is allowed.
  t.false(recordRestart(first.times, 6_000, options).exceeded);
});

test('intensity counts restarts inside a sliding window', (t) => {
  const options = { intensity: 3, periodMs: 1_000 };
  let times: number[] = [];
  const verdicts: boolean[] = [];
  for (const now of [0, 100, 200, 1_050, 1_150, 1_160]) {
    const outcome = recordRestart(times, now, options);
    times = outcome.times;
    verdicts.push(outcome.exceeded);
  }
  // At 1_160 the window holds 200, 1_050, 1_150 and 1_160: four restarts.
  t.deepEqual(verdicts, [false, false, false, false, false, true]);
  t.deepEqual(withinWindow(times, 2_100, 1_000), [1_150, 1_160]);
});

test('intensity 0 means any restart escalates', (t) => {
  t.true(recordRestart([], 0, { intensity: 0, periodMs: 5_000 }).exceeded);
});
