/**
 * `3dconnect run` with one more actor whose init never returns, the way an init stuck in a retry
 * loop (a timer) or in a read that never ends (a FIFO with no writer) would. Spawned by
 * failed-start.test.ts: `node --import tsx THIS timer|FIFO_PATH run --config FILE`.
 */
import { readFile } from 'node:fs/promises';
import { processIo } from '../../cli/command.js';
import { runDaemon } from '../../cli/run.js';
import { workerSpec } from '../../supervision/index.js';

/** Short, so the test does not wait the default 10 s; the mechanism is the same. */
const STUCK_START_TIMEOUT_MS = 1_000;

// `run` is the subcommand's name, as cli/start.js receives it; runDaemon takes what follows it.
const [how = 'timer', subcommand, ...args] = process.argv.slice(2);
if (subcommand !== 'run') throw new Error(`expected: THIS timer|FIFO_PATH run --config FILE, got ${subcommand}`);

const stuck = workerSpec(
  'stuck',
  {
    init: () =>
      how === 'timer'
        ? new Promise<never>(() => {
            setInterval(() => {}, 60_000);
          })
        : readFile(how).then(() => {
            throw new Error('the FIFO was read: the test meant it to block');
          }),
    handle: (state: never) => state,
  },
  { startTimeoutMs: STUCK_START_TIMEOUT_MS },
);

process.exitCode = await runDaemon(args, processIo(), { extra: [stuck] });
