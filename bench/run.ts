/**
 * `npm run bench`: runs every benchmark in this folder one after another (never in parallel: the
 * machine is small and shared) and prints one JSON document. Each benchmark measures its own
 * baseline in the same run, so the ratios are what to compare across runs, not the absolute times.
 * `npm run bench end-to-end -- --against GIT-REF` measures this tree and that commit's build in one
 * run (bench/build-at-ref.ts) and gives the ratios between them.
 */
import { cpus, totalmem } from 'node:os';
import { parseBenchArguments } from './arguments.js';

interface BenchmarkModule {
  runBenchmark(options?: { against?: string }): Promise<Record<string, unknown>>;
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
  const args = parseBenchArguments(process.argv.slice(2), Object.keys(BENCHMARKS));
  if ('problem' in args) {
    process.stderr.write(`npm run bench: ${args.problem}\n`);
    process.exit(64);
  }
  const options = args.against === undefined ? {} : { against: args.against };
  const selected = args.names.length > 0 ? args.names : Object.keys(BENCHMARKS).filter((name) => !ONLY_WHEN_NAMED.has(name));
  const results: Record<string, unknown> = {};
  for (const name of selected) {
    process.stderr.write(`bench: running ${name}…\n`);
    const load = BENCHMARKS[name];
    if (!load) continue;
    const module = await load();
    results[name] = await module.runBenchmark(options);
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
