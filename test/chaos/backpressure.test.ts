import test from 'ava';
import { BACKPRESSURE_PHASE_DEFAULTS, type BackpressureEvidence, backpressureViolations, runBackpressurePhase } from './backpressure.js';
import { chaosSeed, replayHint } from './chaos-seed.js';

test('backpressure: a 20 s ThingWorx outage fills a small uplink queue to its cap while actors die; sources pause, nothing is lost, RSS stays bounded', async (t) => {
  t.timeout(180_000, 'the backpressure phase (outage, convergence and drain)');
  const seed = chaosSeed();
  t.log(`backpressure start ${replayHint(seed)}`);
  let outcome: Awaited<ReturnType<typeof runBackpressurePhase>>;
  try {
    outcome = await runBackpressurePhase({ seed });
  } catch (error) {
    t.fail(
      `the backpressure phase itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)} — ${replayHint(seed)}`,
    );
    return;
  }
  console.log(outcome.summaryLine);
  t.log(outcome.summaryLine);
  t.log(outcome.details);
  if (outcome.violations.length > 0) t.log(`adapter log tail:\n${outcome.recentLogs.slice(-60).join('\n')}`);
  t.deepEqual(outcome.violations, [], `invariants broken — ${replayHint(seed)}`);
  // The invariants above say so too; stated here so the test reads as what it proves.
  const { evidence, memory, account } = outcome;
  t.true(evidence.maxQueueReadings >= evidence.laneCapReadings * BACKPRESSURE_PHASE_DEFAULTS.atCapShare, 'the queue reached its cap');
  // Routine readings stop at the lane cap; health alerts may use the reserve above it, up to the configured cap.
  t.true(evidence.maxQueueReadings <= BACKPRESSURE_PHASE_DEFAULTS.maxQueuedReadings, 'and never went past it');
  t.true(evidence.busyQueueFull > 0 && evidence.pausedCollectors.length > 0, 'Busy answered, sources paused');
  t.true(memory.maxRssMb < BACKPRESSURE_PHASE_DEFAULTS.rssCapMb, `RSS ${memory.maxRssMb} MB`);
  t.is(account.lost, 0);
  t.is(account.sent, account.acked);
});

test('backpressure evidence: a queue short of its cap, no Busy for a full queue, or no paused Beats or push source each fail the phase', (t) => {
  const reached: BackpressureEvidence = {
    maxQueueReadings: 1_894,
    laneCapReadings: 1_900,
    busyQueueFull: 9,
    busyAnswers: 9,
    maxWaitingSenders: 4,
    pausedCollectors: ['p03', 'p07'],
    beatsPauses: 8,
    pushPauses: 196,
    uplinkSamples: 100,
  };
  t.deepEqual(backpressureViolations(reached), []);
  const broken = (change: Partial<BackpressureEvidence>) => backpressureViolations({ ...reached, ...change });
  t.regex(broken({ maxQueueReadings: 1_600 }).join(), /never reached its cap: at most 1600 readings, cap 1900/);
  t.regex(broken({ busyQueueFull: 0 }).join(), /never answered Busy because its queue was full/);
  t.regex(broken({ pausedCollectors: [] }).join(), /no sender waited for room/);
  t.regex(broken({ beatsPauses: 0 }).join(), /no Beats connection was paused/);
  t.regex(broken({ pushPauses: 0 }).join(), /no push connection was paused/);
  t.regex(broken({ uplinkSamples: 0 }).join(), /never answered a status sample/);
});
