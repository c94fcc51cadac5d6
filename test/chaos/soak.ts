/**
 * `npm run soak -- --minutes N [--seed S] [--printers P]`: the CI chaos run, for longer. Same
 * system, same monkey, same invariants and summary line; exit 1 when an invariant breaks.
 * CHAOS_SEED replays a run too; CHAOS_LOG_LEVEL sets the level of the adapter log kept for failures.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './run.js';
import { chaosSeed, replayHint } from './chaos-seed.js';

const USAGE = 'usage: npm run soak -- --minutes N [--seed S] [--printers P]';

class UsageError extends Error {}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new UsageError(`--${name} must be a positive integer, got ${value}\n${USAGE}`);
  return parsed;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { minutes: { type: 'string' }, seed: { type: 'string' }, printers: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const minutes = positiveInteger('minutes', values.minutes, 10);
  const printers = positiveInteger('printers', values.printers, 20);
  const seed = values.seed === undefined ? chaosSeed() : chaosSeed({ CHAOS_SEED: values.seed });
  const at = () => new Date().toISOString().slice(11, 19);
  console.log(`${at()} soak start ${replayHint(seed)} minutes=${minutes} printers=${printers}`);
  const outcome = await runChaos({ seed, durationMs: minutes * 60_000, printers, progress: (line) => console.log(`${at()} ${line}`) });
  console.log(outcome.details);
  for (const violation of outcome.violations) console.log(`VIOLATION ${violation}`);
  if (outcome.violations.length > 0) console.log(`adapter log tail:\n${outcome.recentLogs.slice(-100).join('\n')}`);
  console.log(outcome.summaryLine);
  return outcome.violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Whatever straggles (a reconnect timer of a stopped simulator) must not keep a finished soak alive.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (error: unknown) => {
    if (error instanceof UsageError) console.error(error.message);
    else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(error instanceof UsageError ? 64 : 1);
  },
);
