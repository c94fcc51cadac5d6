import test from 'ava';
import { HealthError } from '../../domain/health/errors.js';
import { createLivenessTracker, type LivenessSource } from '../../domain/health/liveness.js';
import type { Reading } from '../../domain/readings.js';
import { LIVENESS_DEFAULTS } from '../../config/defaults.js';

const T0 = 1_764_238_500_000;
const thresholds = { staleAfterMs: { filebeat: 60_000, metricbeat: 30_000, poll: 20_000, push: 30_000 } };

test('nothing seen yet is offline', (t) => {
  const tracker = createLivenessTracker(['filebeat', 'metricbeat', 'poll']);
  t.is(tracker.printerState(T0, thresholds), 'offline');
});

test('online when every expected source is fresh, degraded when some are, offline when none', (t) => {
  const tracker = createLivenessTracker(['filebeat', 'metricbeat', 'poll']);
  tracker.seen('filebeat', T0);
  tracker.seen('metricbeat', T0);
  t.is(tracker.printerState(T0, thresholds), 'degraded', 'poll never seen');
  tracker.seen('poll', T0);
  t.is(tracker.printerState(T0, thresholds), 'online');
  t.is(tracker.printerState(T0 + 20_000, thresholds), 'online', 'an age equal to the threshold is still fresh');
  t.is(tracker.printerState(T0 + 20_001, thresholds), 'degraded', 'poll went stale');
  t.is(tracker.printerState(T0 + 30_001, thresholds), 'degraded', 'only filebeat left');
  t.is(tracker.printerState(T0 + 60_001, thresholds), 'offline');
});

test('the answer depends only on what was recorded and the given now', (t) => {
  const tracker = createLivenessTracker(['push']);
  tracker.seen('push', T0);
  const at = T0 + 10_000;
  t.is(tracker.printerState(at, thresholds), tracker.printerState(at, thresholds));
  t.is(tracker.printerState(T0 + 31_000, thresholds), 'offline');
  t.is(tracker.printerState(at, thresholds), 'online', 'asking about a later time changed nothing');
  t.is(tracker.printerState(T0 - 5_000, thresholds), 'online', 'a now before the last sighting (clock step) counts as fresh');
});

test('a failure after the last sighting makes a source failing until it is seen again', (t) => {
  const tracker = createLivenessTracker(['metricbeat', 'poll']);
  tracker.seen('metricbeat', T0);
  tracker.seen('poll', T0);
  tracker.failed('poll', T0 + 1_000);
  t.is(tracker.printerState(T0 + 2_000, thresholds), 'degraded');
  t.like(
    tracker.sources(T0 + 2_000, thresholds).find((source) => source.source === 'poll'),
    { failing: true, fresh: false, lastSeenAt: T0, lastFailedAt: T0 + 1_000 },
  );
  tracker.seen('poll', T0 + 3_000);
  t.is(tracker.printerState(T0 + 4_000, thresholds), 'online');
  tracker.failed('metricbeat', T0 + 5_000);
  tracker.failed('poll', T0 + 5_000);
  t.is(tracker.printerState(T0 + 5_000, thresholds), 'offline', 'every source failing');
});

test('an older sighting reported late does not move last-seen backwards', (t) => {
  const tracker = createLivenessTracker(['filebeat']);
  tracker.seen('filebeat', T0 + 50_000);
  tracker.seen('filebeat', T0);
  t.is(tracker.sources(T0 + 100_000, thresholds)[0]?.lastSeenAt, T0 + 50_000);
  t.is(tracker.printerState(T0 + 100_000, thresholds), 'online');
});

/** One reading of item X from p01, produced and received at `at`. */
function reading(source: Reading['source'], quality: Reading['quality'], at: number): Reading {
  return { printer: 'p01', item: 'X', value: 1, time: at, receivedAt: at, quality, source };
}

test('readings feed the tracker: GOOD counts as seen, a BAD poll reading as a failure', (t) => {
  const tracker = createLivenessTracker(['metricbeat', 'poll']);
  tracker.observe(reading('metricbeat', 'BAD', T0));
  tracker.observe(reading('poll', 'GOOD', T0));
  t.is(tracker.printerState(T0, thresholds), 'online', 'a BAD Beat value still proves the Beat is alive');
  tracker.observe(reading('poll', 'BAD', T0 + 1_000));
  t.is(tracker.printerState(T0 + 1_000, thresholds), 'degraded');
  tracker.observe(reading('health', 'GOOD', T0 + 2_000));
  tracker.observe(reading('push', 'GOOD', T0 + 2_000));
  t.deepEqual(
    tracker.sources(T0 + 2_000, thresholds).map((source) => source.source),
    ['metricbeat', 'poll'],
    'unexpected sources are not tracked',
  );
});

test('observeAll records a batch exactly as observe does reading by reading', (t) => {
  // Runs of one source and mixed ones, a BAD poll between GOOD ones, an older reading after a newer one, and
  // sources that are not expected or have no liveness.
  const batch = [
    reading('poll', 'GOOD', T0 + 5_000),
    reading('poll', 'BAD', T0 + 6_000),
    reading('poll', 'GOOD', T0 + 4_000),
    reading('metricbeat', 'BAD', T0 + 3_000),
    reading('health', 'GOOD', T0 + 7_000),
    reading('push', 'GOOD', T0 + 7_000),
    reading('poll', 'BAD', T0 + 2_000),
    reading('filebeat', 'UNKNOWN', T0 + 1_000),
  ];
  const byReading = createLivenessTracker(['filebeat', 'metricbeat', 'poll']);
  for (const one of batch) byReading.observe(one);
  const whole = createLivenessTracker(['filebeat', 'metricbeat', 'poll']);
  whole.observeAll(batch);
  t.deepEqual(whole.sources(T0 + 8_000, thresholds), byReading.sources(T0 + 8_000, thresholds));
  t.like(whole.sources(T0 + 8_000, thresholds)[2], { source: 'poll', failing: true, lastSeenAt: T0 + 5_000, lastFailedAt: T0 + 6_000 });
});

test('sources left out of the thresholds keep their defaults', (t) => {
  const tracker = createLivenessTracker(['metricbeat']);
  tracker.seen('metricbeat', T0);
  const limit = LIVENESS_DEFAULTS.staleAfterMs.metricbeat;
  t.is(tracker.printerState(T0 + limit, { staleAfterMs: { poll: 1 } }), 'online');
  t.is(tracker.printerState(T0 + limit + 1), 'offline');
});

test('no expected source, an unknown source or a negative threshold is refused', (t) => {
  t.throws(() => createLivenessTracker([]), { instanceOf: HealthError, message: /at least one/ });
  t.like(
    t.throws(() => createLivenessTracker(['carrier-pigeon' as LivenessSource])),
    { code: 'HEALTH_NO_SOURCES', context: { source: 'carrier-pigeon' } },
  );
  const tracker = createLivenessTracker(['poll']);
  t.like(
    t.throws(() => tracker.printerState(T0, { staleAfterMs: { poll: -1 } })),
    { code: 'HEALTH_THRESHOLD_INVALID', context: { source: 'poll' } },
  );
});
