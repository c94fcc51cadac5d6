/**
 * `npm run bench`: runs every benchmark in this folder one after another (never in parallel: the
 * machine is small and shared) and prints one JSON document. Each benchmark measures its own
 * baseline in the same run, so the ratios are what to compare across runs, not the absolute times.
 */
import { cpus, totalmem } from 'node:os';

interface BenchmarkModule {
  runBenchmark(): Promise<Record<string, unknown>>;
}

const BENCHMARKS: Record<string, () => Promise<BenchmarkModule>> = {
  lumberjack: () => import('./lumberjack.js'),
  'push-acks': () => import('./push-acks.js'),
  loglines: () => import('./loglines.js'),
  uplink: () => import('./uplink.js'),
  'end-to-end': () => import('./end-to-end.js'),
  'demo-soak': () => import('./demo-soak.js'),
};

/** Run only when named (`npm run bench demo-soak`): ten minutes is too long for the default set. */
const ONLY_WHEN_NAMED = new Set(['demo-soak']);

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`);
    process.exit(64);
  }
  const selected = only.length > 0 ? only : Object.keys(BENCHMARKS).filter((name) => !ONLY_WHEN_NAMED.has(name));
  const results: Record<string, unknown> = {};
  for (const name of selected) {
    process.stderr.write(`bench: running ${name}…\n`);
    const load = BENCHMARKS[name];
    if (!load) continue;
    const module = await load();
    results[name] = await module.runBenchmark();
  }
  const report = {
    node: process.version,
    cpus: cpus().length,
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    at: new Date().toISOString(),
    results,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await main();
