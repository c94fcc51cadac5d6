/** `npm run bench end-to-end -- --against REF`: the arguments, and the ratios between the two builds' figures. */
import test from 'ava';
import { parseBenchArguments } from '../../bench/arguments.js';
import { buildAtRef } from '../../bench/build-at-ref.js';
import { type BuildFigures, costAtSharedRates, summarizeNominal, thisOverAgainst } from '../../bench/build-comparison.js';

const KNOWN = ['lumberjack', 'uplink', 'end-to-end', 'demo-soak'];

test('arguments: names alone run as before; --against goes with end-to-end only', (t) => {
  t.deepEqual(parseBenchArguments([], KNOWN), { names: [] });
  t.deepEqual(parseBenchArguments(['lumberjack', 'uplink'], KNOWN), { names: ['lumberjack', 'uplink'] });
  t.deepEqual(parseBenchArguments(['end-to-end', '--against', 'HEAD~1'], KNOWN), { names: ['end-to-end'], against: 'HEAD~1' });
  t.deepEqual(parseBenchArguments(['--against=main', 'end-to-end'], KNOWN), { names: ['end-to-end'], against: 'main' });
});

test('arguments: what is wrong is said, for a usage error', (t) => {
  const problem = (args: string[]) => {
    const parsed = parseBenchArguments(args, KNOWN);
    return 'problem' in parsed ? parsed.problem : undefined;
  };
  t.regex(problem(['bogus']) ?? '', /unknown benchmark\(s\): bogus; known: lumberjack, uplink, end-to-end, demo-soak/);
  t.regex(problem(['end-to-end', '--against']) ?? '', /--against/);
  t.regex(problem(['end-to-end', '--against=']) ?? '', /--against needs a git ref/);
  // Without a name it would run every benchmark, and only end-to-end compares builds.
  t.regex(problem(['--against', 'HEAD~1']) ?? '', /name only end-to-end/);
  t.regex(problem(['lumberjack', '--against', 'HEAD~1']) ?? '', /name only end-to-end/);
  t.regex(problem(['end-to-end', '--bogus']) ?? '', /--bogus/);
});

test('nominal runs of one build are averaged; each run is kept', (t) => {
  const run = (cpu: number, p99: number, rss: number) => ({ cpu: { childMsPerEvent: cpu }, latencyMs: { p99 }, rssMb: { steadyMax: rss } });
  t.deepEqual(summarizeNominal([run(0.1, 40, 80), run(0.12, 60, 90)]), {
    runs: 2,
    cpuMsPerEvent: 0.11,
    latencyP99Ms: 50,
    rssSteadyMaxMb: 85,
    cpuMsPerEventByRun: [0.1, 0.12],
  });
});

test('ladder CPU is compared only at the offered rates both builds measured', (t) => {
  const step = (offered: number, cpu: number) => ({ offeredEventsPerSecond: offered, cpu: { childMsPerEvent: cpu } });
  const shared = costAtSharedRates(
    [step(3000, 0.08), step(4500, 0.07), step(5510, 0.06)],
    [step(3000, 0.1), step(4500, 0.1), step(6750, 0.2)],
  );
  t.deepEqual(shared.atOfferedEventsPerSecond, [3000, 4500]);
  t.is(shared.a, 0.08);
  t.is(shared.b, 0.1);
  t.true(Math.abs(shared.aOverB - 0.8) < 1e-9);
});

test('ratios are this tree ÷ the other build; a figure missing on either side gives null', (t) => {
  const figures = (cpu: number, p99: number, rss: number, sustained: number, ladderCpu: number): BuildFigures => ({
    nominal: { runs: 2, cpuMsPerEvent: cpu, latencyP99Ms: p99, rssSteadyMaxMb: rss, cpuMsPerEventByRun: [cpu, cpu] },
    sustainedOfferedEventsPerSecond: sustained,
    steps: [{ offeredEventsPerSecond: 3000, cpu: { childMsPerEvent: ladderCpu } }],
  });
  t.deepEqual(thisOverAgainst(figures(0.09, 45, 84, 15_000, 0.06), figures(0.1, 50, 80, 10_000, 0.08)), {
    nominalCpuMsPerEvent: 0.9,
    nominalLatencyP99Ms: 0.9,
    nominalRssSteadyMaxMb: 1.05,
    sustainedOfferedEventsPerSecond: 1.5,
    ladderCpuMsPerEvent: 0.75,
  });
  // The other build kept up with no step, and its ladder never ran a rate this one did.
  const against: BuildFigures = { ...figures(0.1, 50, 80, 0, 0.08), steps: [] };
  const ratios = thisOverAgainst(figures(0.09, 45, 84, 15_000, 0.06), against);
  t.is(ratios.sustainedOfferedEventsPerSecond, null);
  t.is(ratios.ladderCpuMsPerEvent, null);
});

test('a ref that names no commit is refused before anything is checked out', (t) => {
  t.throws(() => buildAtRef(process.cwd(), 'no-such-ref-anywhere'), { message: /--against no-such-ref-anywhere: not a commit/ });
  t.throws(() => buildAtRef(process.cwd(), '--output=/tmp/x'), { message: /not a commit/ });
});
