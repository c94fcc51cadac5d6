import test from 'ava';
import { chaosSeed, replayHint } from './chaos-seed.js';
import { runChaos } from './run.js';

/**
 * The chaos run once more with the uplink on the AlwaysOn session (issue 16): the same monkey, the same stand-in faults
 * (outages, resets, 5xx, latency, Retry-After), which over AlwaysOn end or stall the whole session rather than one
 * request. Shorter than chaos.test.ts: it proves the second transport keeps the same guarantees, not the tree again.
 */
const CHAOS_MS = 30_000;

test('chaos over AlwaysOn: 30 s of actor kills and ThingWorx faults lose nothing and heal', async (t) => {
  t.timeout(210_000, 'the chaos run (30 s of faults, then convergence and drain)');
  const seed = chaosSeed();
  t.log(`chaos start (alwayson) ${replayHint(seed)}`);
  let outcome: Awaited<ReturnType<typeof runChaos>>;
  try {
    outcome = await runChaos({ seed, durationMs: CHAOS_MS, transport: 'alwayson' });
  } catch (error) {
    t.fail(`the chaos run itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)} — ${replayHint(seed)}`);
    return;
  }
  t.log(outcome.summaryLine);
  t.log(outcome.details);
  if (outcome.violations.length > 0) t.log(`adapter log tail:\n${outcome.recentLogs.slice(-60).join('\n')}`);
  t.deepEqual(outcome.violations, [], `invariants broken — ${replayHint(seed)}`);
});
