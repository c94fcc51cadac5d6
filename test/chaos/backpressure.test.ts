import test from 'ava';
import { BACKPRESSURE_PHASE_DEFAULTS, runBackpressurePhase } from './backpressure.js';
import { chaosSeed, replayHint } from './chaos-seed.js';

test('backpressure: a 20 s ThingWorx outage fills a small uplink queue to its cap while actors die; sources pause, nothing is lost, RSS stays bounded', async (t) => {
  t.timeout(180_000, 'the backpressure phase (outage, convergence and drain)');
  const seed = chaosSeed();
  t.log(`backpressure start ${replayHint(seed)}`);
  let outcome: Awaited<ReturnType<typeof runBackpressurePhase>>;
  try {
    outcome = await runBackpressurePhase({ seed });
  } catch (error) {
    t.fail(`the backpressure phase itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)} — ${replayHint(seed)}`);
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
  t.true(evidence.maxQueueReadings <= evidence.laneCapReadings, 'and never went past it');
  t.true(evidence.busyQueueFull > 0 && evidence.pausedCollectors.length > 0, 'Busy answered, sources paused');
  t.true(memory.maxRssMb < BACKPRESSURE_PHASE_DEFAULTS.rssCapMb, `RSS ${memory.maxRssMb} MB`);
  t.is(account.lost, 0);
  t.is(account.sent, account.acked);
});
