/**
 * `npm run bench demo-soak`: the demo as a user starts it (`3dconnect demo --json`, 20 printers,
 * alerts and all) for ten minutes, with the RSS of its two processes sampled every second: the
 * adapter's own, and the demo's (simulators and ThingWorx stand-in). Memory is flat when the median
 * of the last minute is within 10 % of the median of the second minute (the first is warm-up).
 * SOAK_DURATION_S shortens the run for a try-out (the verdict then means little below 3 minutes).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { rssMbOfProcess } from '../sim/adapter-process.js';

export const DEMO_SOAK_BENCH = Object.freeze({
  durationS: Number(process.env.SOAK_DURATION_S ?? 600),
  sampleEveryMs: 1_000,
  /** The last minute's median may differ from the second minute's by this share at most. */
  flatWithin: 0.1,
  /** Past the duration: the drain and the summary. */
  graceMs: 120_000,
});

interface Sample {
  atS: number;
  demoMb: number;
  adapterMb: number;
}

function median(values: readonly number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const round = (value: number) => Math.round(value * 10) / 10;

function verdict(samples: readonly Sample[], pick: (sample: Sample) => number, durationS: number) {
  const secondMinute = median(samples.filter((s) => s.atS >= 60 && s.atS < 120).map(pick));
  const lastMinute = median(samples.filter((s) => s.atS >= durationS - 60 && s.atS < durationS).map(pick));
  const change = (lastMinute - secondMinute) / secondMinute;
  return {
    secondMinuteMedianMb: round(secondMinute),
    lastMinuteMedianMb: round(lastMinute),
    changePercent: round(change * 100),
    maxMb: round(Math.max(...samples.map(pick).filter((value) => Number.isFinite(value)))),
    flat: Math.abs(change) <= DEMO_SOAK_BENCH.flatWithin,
  };
}

export async function runBenchmark(): Promise<Record<string, unknown>> {
  const { durationS, sampleEveryMs } = DEMO_SOAK_BENCH;
  const cli = join(process.cwd(), 'cli', 'bin', '3dconnect.js');
  const child = spawn(process.execPath, [cli, 'demo', '--duration', String(durationS), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const demoPid = child.pid;
  if (demoPid === undefined || !child.stdout || !child.stderr) throw new Error('demo-soak: could not start the demo');
  let adapterPid: number | undefined;
  let runningAt: number | undefined;
  let stdout = '';
  const lastErr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    const pid = /^demo: the adapter runs as process (\d+)/.exec(line)?.[1];
    if (pid) adapterPid = Number(pid);
    if (line.startsWith('demo: control socket')) runningAt = Date.now();
    lastErr.push(line);
    if (lastErr.length > 20) lastErr.shift();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const samples: Sample[] = [];
  const sampler = setInterval(() => {
    if (runningAt === undefined || adapterPid === undefined) return;
    const atS = (Date.now() - runningAt) / 1000;
    if (atS > durationS) return;
    samples.push({ atS, demoMb: rssMbOfProcess(demoPid), adapterMb: rssMbOfProcess(adapterPid) });
  }, sampleEveryMs);
  const killer = setTimeout(() => child.kill('SIGKILL'), durationS * 1000 + DEMO_SOAK_BENCH.graceMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearInterval(sampler);
  clearTimeout(killer);
  let summary: Record<string, unknown> | undefined;
  try {
    summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
  } catch {
    summary = undefined;
  }
  const perMinute = Array.from({ length: Math.ceil(durationS / 60) }, (_, minute) => {
    const inMinute = samples.filter((s) => s.atS >= minute * 60 && s.atS < (minute + 1) * 60);
    return {
      minute: minute + 1,
      adapterMb: round(median(inMinute.map((s) => s.adapterMb))),
      demoMb: round(median(inMinute.map((s) => s.demoMb))),
    };
  });
  return {
    durationS,
    exitCode: code,
    samples: samples.length,
    adapter: verdict(samples, (s) => s.adapterMb, durationS),
    simulatorsAndStandIn: verdict(samples, (s) => s.demoMb, durationS),
    perMinuteMedians: perMinute,
    summary: summary ?? { error: 'no JSON summary', lastStderr: lastErr },
  };
}
