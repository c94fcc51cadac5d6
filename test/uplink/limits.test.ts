import test from 'ava';
import { resolveUplinkLimits, UplinkLimitError } from '../../actors/uplink/limits.js';
import { backoffDelayMs } from '../../supervision/backoff.js';
import { DEFAULT_UPLINK_LIMITS } from '../../config/defaults.js';

test('defaults apply where nothing is overridden, backoff merged field by field', (t) => {
  const limits = resolveUplinkLimits({ maxRowsPerCall: 50, backoff: { maxMs: 5000 } });
  t.is(limits.maxRowsPerCall, 50);
  t.is(limits.maxQueuedReadings, DEFAULT_UPLINK_LIMITS.maxQueuedReadings);
  t.deepEqual(limits.backoff, { ...DEFAULT_UPLINK_LIMITS.backoff, maxMs: 5000 });
});

test('a bad limit fails with a stable code naming the limit', (t) => {
  for (const [overrides, limit] of [
    [{ maxQueuedReadings: 0 }, 'maxQueuedReadings'],
    [{ maxInFlight: 1.5 }, 'maxInFlight'],
    [{ flushIntervalMs: -1 }, 'flushIntervalMs'],
    [{ perThingShare: 0 }, 'perThingShare'],
    [{ alertReserve: 1 }, 'alertReserve'],
    [{ backoff: { minMs: Number.NaN } }, 'backoff.minMs'],
  ] as const) {
    const error = t.throws(() => resolveUplinkLimits(overrides), { instanceOf: UplinkLimitError });
    t.is(error?.code, 'UPLINK_BAD_LIMIT');
    t.is(error?.limit, limit);
  }
});

const policy = DEFAULT_UPLINK_LIMITS.backoff;
const fixed = (value: number) => () => value;

test('delay doubles from the minimum and stops at the maximum', (t) => {
  t.deepEqual(
    [0, 1, 2, 3].map((attempt) => backoffDelayMs(attempt, policy, fixed(0))),
    [500, 1000, 2000, 4000],
  );
  t.is(backoffDelayMs(7, policy, fixed(0)), 60_000);
  t.is(backoffDelayMs(5000, policy, fixed(0)), 60_000, 'huge attempt counts do not overflow');
});

test('jitter adds at most its fraction of the delay', (t) => {
  t.is(backoffDelayMs(1, policy, fixed(0.999_999)), 1200);
  t.is(backoffDelayMs(1, policy, fixed(0.5)), 1100);
  t.is(backoffDelayMs(20, policy, fixed(0.999_999)), 72_000);
});
