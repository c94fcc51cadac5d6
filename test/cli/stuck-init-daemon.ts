/**
 * `3dconnect run` with one more actor whose init never returns and keeps a timer running, the way an
 * init stuck in a retry loop would. Spawned by failed-start.test.ts: `node --import tsx THIS --config FILE`.
 */
import { processIo } from '../../cli/command.js';
import { runDaemon } from '../../cli/run.js';
import { workerSpec } from '../../supervision/index.js';

/** Short, so the test does not wait the default 10 s; the mechanism is the same. */
export const STUCK_START_TIMEOUT_MS = 1_000;

const stuck = workerSpec(
  'stuck',
  {
    init: () =>
      new Promise<never>(() => {
        setInterval(() => {}, 60_000);
      }),
    handle: (state: never) => state,
  },
  { startTimeoutMs: STUCK_START_TIMEOUT_MS },
);

process.exitCode = await runDaemon(process.argv.slice(2), processIo(), { extra: [stuck] });
