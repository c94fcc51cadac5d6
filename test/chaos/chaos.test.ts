import test from 'ava';
import { runChaos } from './run.js';
import { chaosSeed, replayHint } from './chaos-seed.js';

/** At least a minute of faults on every CI run, with a fresh seed unless CHAOS_SEED replays one. */
const CHAOS_MS = 60_000;

test('chaos: 60 s of actor kills and crashes, ThingWorx and printer faults over 20 printers at load lose nothing and heal', async (t) => {
  t.timeout(240_000, 'the chaos run (60 s of faults, then convergence and drain)');
  const seed = chaosSeed();
  console.log(`chaos start ${replayHint(seed)}`);
  t.log(`chaos start ${replayHint(seed)}`);
  let outcome: Awaited<ReturnType<typeof runChaos>>;
  try {
    outcome = await runChaos({ seed, durationMs: CHAOS_MS });
  } catch (error) {
    t.fail(`the chaos run itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)} — ${replayHint(seed)}`);
    return;
  }
  console.log(outcome.summaryLine);
  t.log(outcome.summaryLine);
  t.log(outcome.details);
  if (outcome.violations.length > 0) t.log(`adapter log tail:\n${outcome.recentLogs.slice(-60).join('\n')}`);
  t.deepEqual(outcome.violations, [], `invariants broken — ${replayHint(seed)}`);
  t.notRegex(outcome.summaryLine, / restarts=0 /, `nothing restarted — ${replayHint(seed)}`);
});
