import test from 'ava';
import {
  ACTOR_FAULT_KINDS,
  buildSchedule,
  FAULT_KINDS,
  type FaultKind,
  type FaultStep,
  injectionsByKind,
  SCHEDULE_DEFAULTS,
} from './schedule.js';
import { seededRandom } from '../../sim/seeded-random.js';

const PRINTERS = Array.from({ length: 20 }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);
const SHAPE = { durationMs: 60_000, printers: PRINTERS };

test('one seed gives one schedule: built twice it is identical, step for step', (t) => {
  for (const seed of [0, 1, 42, 2 ** 31 + 7, 4_294_967_295]) {
    t.deepEqual(buildSchedule(seed, SHAPE), buildSchedule(seed, SHAPE), `seed ${seed}`);
  }
});

test('different seeds give different schedules', (t) => {
  const fingerprints = new Set<string>();
  for (let seed = 1; seed <= 50; seed += 1) fingerprints.add(JSON.stringify(buildSchedule(seed, SHAPE)));
  t.is(fingerprints.size, 50);
  const [a, b] = [buildSchedule(1, SHAPE), buildSchedule(2, SHAPE)];
  t.notDeepEqual(
    a.map((step) => step.atMs),
    b.map((step) => step.atMs),
  );
});

test('a minute-long schedule holds every fault kind, against every printer-scoped target it names', (t) => {
  for (let seed = 100; seed < 140; seed += 1) {
    const steps = buildSchedule(seed, SHAPE);
    const counts = injectionsByKind(steps);
    t.deepEqual(
      FAULT_KINDS.filter((kind) => !counts[kind]),
      [],
      `seed ${seed} leaves kinds out`,
    );
    for (const step of steps) {
      const printer = 'printer' in step.action ? step.action.printer : undefined;
      if (printer !== undefined) t.true(PRINTERS.includes(printer), `seed ${seed}: unknown printer ${printer}`);
    }
  }
});

test('durational faults never overlap on one channel, are all cleared inside the run, and outages stay rare', (t) => {
  const channel = (step: FaultStep): string | undefined => {
    const { action } = step;
    if (action.type === 'pip-answering') return `pip:${action.printer}`;
    return action.type.startsWith('twx-') ? action.type : undefined;
  };
  for (let seed = 200; seed < 240; seed += 1) {
    const steps = buildSchedule(seed, SHAPE);
    t.true(
      steps.every((step, i) => i === 0 || steps[i - 1]!.atMs <= step.atMs),
      `seed ${seed}: not in time order`,
    );
    t.true(steps.every((step) => step.atMs >= SCHEDULE_DEFAULTS.startAfterMs && step.atMs <= SHAPE.durationMs));
    const open = new Map<string, number>();
    for (const step of steps) {
      const name = channel(step);
      if (name === undefined) continue;
      if (step.phase === 'inject') {
        t.false(open.has(name), `seed ${seed}: ${name} injected twice at ${step.atMs}`);
        open.set(name, step.atMs);
      } else {
        t.true(open.has(name), `seed ${seed}: ${name} cleared while off at ${step.atMs}`);
        open.delete(name);
      }
    }
    t.deepEqual([...open.keys()], [], `seed ${seed}: faults left on at the end`);
    t.true((injectionsByKind(steps)['twx-outage'] ?? 0) <= SCHEDULE_DEFAULTS.maxOutagesPerMinute);
  }
});

test('mulberry32 is the published sequence, so a seed replays on any Node version', (t) => {
  const random = seededRandom(1);
  // First outputs of seededRandom(1) × 2^32, as any reference implementation gives them.
  t.deepEqual(
    Array.from({ length: 3 }, () => Math.round(random() * 4_294_967_296)),
    [2_693_262_067, 11_749_833, 2_265_367_787],
  );
});

test('a schedule limited to some kinds holds only those, each of them, and nothing durational when none is allowed', (t) => {
  const kinds = ACTOR_FAULT_KINDS;
  for (let seed = 1; seed <= 20; seed += 1) {
    const steps = buildSchedule(seed, { durationMs: 20_000, printers: PRINTERS.slice(0, 8), kinds });
    const counts = injectionsByKind(steps);
    t.deepEqual(
      Object.keys(counts).filter((kind) => !kinds.includes(kind as FaultKind)),
      [],
      `seed ${seed}`,
    );
    t.deepEqual(
      kinds.filter((kind) => !counts[kind]),
      [],
      `seed ${seed} leaves actor kinds out`,
    );
    t.true(
      steps.every((step) => step.phase === 'inject'),
      'actor faults are instant: no clear steps',
    );
  }
  t.deepEqual(buildSchedule(7, SHAPE), buildSchedule(7, { ...SHAPE, kinds: FAULT_KINDS }), 'all kinds is the default schedule');
  t.throws(() => buildSchedule(7, { ...SHAPE, kinds: [] }), { instanceOf: RangeError });
});
