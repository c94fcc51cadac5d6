/**
 * The ThingWorx stand-in in its own process for the end-to-end bench. In the bench process it shared
 * one JavaScript thread with the twenty simulated printers, and that thread, not the adapter, set the
 * ceiling: at 20,000 events/s it was busy or waiting for a CPU all the time. Here it has its own
 * thread, as a real ThingWorx has its own machine. The bench asks it over the IPC channel for what it
 * needs of the accepted rows: latency percentiles per window (computed here, so the rows never cross
 * over), and the rows themselves once, for the nominal phase's loss and duplicate check.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startThingworxStandIn } from '../sim/thingworx/stand-in.js';
import type { RecordColumns } from '../sim/thingworx/thing-store.js';
import {
  type BenchClockParameters,
  createBenchClock,
  cpuSecondsOf,
  type Percentiles,
  percentiles,
  runQueueWaitSecondsOf,
} from './measures.js';

const CHILD_FLAG = '--bench-stand-in';
const APP_KEY_ENV = 'BENCH_STAND_IN_APP_KEY';
const SELF = fileURLToPath(import.meta.url);
/** The rig is not under test: a larger young generation spends less of the machine on its garbage. */
const STAND_IN_NODE_FLAGS = ['--max-semi-space-size=32'];

interface ChildSettings {
  certFile: string;
  keyFile: string;
  clock: BenchClockParameters;
}

type Question = { op: 'clear' } | { op: 'latencies'; from: number; to: number } | { op: 'rows' };
type Request = Question & { id: number };
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Every accepted row, column by column (structured clone carries the typed arrays whole). */
export type StandInRows = RecordColumns;

export interface StandInProcess {
  /** Origin for the adapter, e.g. `https://127.0.0.1:40123`. */
  readonly url: string;
  readonly pid: number;
  clearRecords(): Promise<void>;
  /** Arrival − production of every simulated-event row that arrived in [from, to) (wall-clock ms). */
  rowLatencies(from: number, to: number): Promise<Percentiles>;
  rows(): Promise<StandInRows>;
  cpuSeconds(): number;
  runQueueWaitSeconds(): number;
  /** SIGTERM; resolves once it has exited. */
  stop(): Promise<void>;
}

export function startStandInProcess(options: {
  appKey: string;
  certFile: string;
  keyFile: string;
  clock: BenchClockParameters;
  timeoutMs: number;
}): Promise<StandInProcess> {
  const settings: ChildSettings = { certFile: options.certFile, keyFile: options.keyFile, clock: options.clock };
  const child: ChildProcess = spawn(
    process.execPath,
    [...STAND_IN_NODE_FLAGS, '--import', 'tsx', SELF, CHILD_FLAG, JSON.stringify(settings)],
    {
      env: { ...process.env, [APP_KEY_ENV]: options.appKey },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    },
  );
  const { pid, stderr } = child;
  if (pid === undefined || !stderr) return Promise.reject(new Error('could not start the stand-in process'));
  let stderrTail = '';
  stderr.setEncoding('utf8');
  stderr.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-2_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  void exited.then(() => {
    for (const { reject } of pending.values()) reject(new Error(`the stand-in process exited: ${stderrTail}`));
    pending.clear();
  });

  const ask = <T>(question: Question): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...question, id });
    });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the stand-in process did not start within ${options.timeoutMs} ms: ${stderrTail}`));
    }, options.timeoutMs);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the stand-in process exited before it was ready: ${stderrTail}`));
    });
    child.on('message', (message: { ready?: string } | Reply) => {
      if ('ready' in message && typeof message.ready === 'string') {
        clearTimeout(timer);
        resolve({
          url: message.ready,
          pid,
          clearRecords: () => ask({ op: 'clear' }),
          rowLatencies: (from, to) => ask({ op: 'latencies', from, to }),
          rows: () => ask({ op: 'rows' }),
          cpuSeconds: () => cpuSecondsOf(pid),
          runQueueWaitSeconds: () => runQueueWaitSecondsOf(pid),
          stop: () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
        return;
      }
      const reply = message as Reply;
      const waiter = pending.get(reply.id);
      if (waiter === undefined) return;
      pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`stand-in process: ${reply.error}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The child

async function runStandInChild(settings: ChildSettings): Promise<void> {
  const appKey = process.env[APP_KEY_ENV];
  if (appKey === undefined || appKey === '') throw new Error(`${APP_KEY_ENV} is not set`);
  const clock = createBenchClock(settings.clock);
  const standIn = await startThingworxStandIn({
    appKey,
    things: 'any',
    tls: { cert: readFileSync(settings.certFile), key: readFileSync(settings.keyFile) },
  });

  // Columns, not standIn.records: that would build a record object for each of hundreds of thousands of rows.
  const latencies = (from: number, to: number): Percentiles => {
    const { time, arrivedAt } = standIn.recordColumns();
    const values: number[] = [];
    for (let index = 0; index < time.length; index++) {
      const arrived = arrivedAt[index]!;
      const produced = time[index]!;
      if (arrived >= from && arrived < to && clock.isDeviceTime(produced)) values.push(arrived - clock.wallTimeOf(produced));
    }
    return percentiles(values);
  };

  const answer = (request: Request): unknown => {
    switch (request.op) {
      case 'clear':
        standIn.clearRecords();
        return null;
      case 'latencies':
        return latencies(request.from, request.to);
      case 'rows':
        return standIn.recordColumns();
    }
  };

  process.on('message', (request: Request) => {
    let reply: Reply;
    try {
      reply = { id: request.id, ok: true, result: answer(request) };
    } catch (error) {
      reply = { id: request.id, ok: false, error: (error as Error).message };
    }
    process.send?.(reply);
  });
  const stop = () => {
    void standIn.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  // The bench died without stopping it: nothing is left behind.
  process.once('disconnect', stop);
  process.send?.({ ready: standIn.url });
}

const flagAt = process.argv.indexOf(CHILD_FLAG);
if (flagAt !== -1 && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runStandInChild(JSON.parse(process.argv[flagAt + 1] ?? '{}') as ChildSettings);
}
