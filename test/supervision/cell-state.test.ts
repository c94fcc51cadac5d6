import test from 'ava';
import type { Cell } from '../../supervision/cell.js';
import { allows, CELL_TRANSITIONS, type CellEvent, type CellPhase, transition } from '../../supervision/cell-state.js';
import { SupervisionError } from '../../supervision/errors.js';
import { type Registry, workerSpec } from '../../supervision/index.js';
import { FAST, newJournal, probe, waitForStatus, waitUntil, withTree } from './support.js';

const PHASES: readonly CellPhase[] = ['starting', 'running', 'stopping', 'leaving', 'killed', 'detached', 'finished'];
const EVENTS: readonly CellEvent[] = ['init-done', 'stop', 'leave', 'kill', 'detach', 'finish'];

/** The diagram in supervision/README.md, written out by hand: the table must say exactly this. */
const DRAWN: ReadonlyArray<readonly [CellPhase, CellEvent, CellPhase]> = [
  ['starting', 'init-done', 'running'],
  ['starting', 'leave', 'leaving'],
  ['starting', 'kill', 'killed'],
  ['starting', 'detach', 'detached'],
  ['starting', 'finish', 'finished'],
  ['running', 'stop', 'stopping'],
  ['running', 'leave', 'leaving'],
  ['running', 'kill', 'killed'],
  ['running', 'detach', 'detached'],
  ['running', 'finish', 'finished'],
  ['stopping', 'leave', 'leaving'],
  ['stopping', 'kill', 'killed'],
  ['stopping', 'detach', 'detached'],
  ['stopping', 'finish', 'finished'],
  ['leaving', 'leave', 'leaving'],
  ['leaving', 'kill', 'leaving'],
  ['leaving', 'detach', 'detached'],
  ['leaving', 'finish', 'finished'],
  ['killed', 'stop', 'killed'],
  ['killed', 'leave', 'leaving'],
  ['killed', 'kill', 'killed'],
  ['killed', 'detach', 'detached'],
  ['killed', 'finish', 'finished'],
  ['detached', 'stop', 'detached'],
  ['detached', 'leave', 'detached'],
  ['detached', 'finish', 'finished'],
];

test('every drawn transition is allowed and leads where the diagram says', (t) => {
  for (const [from, event, to] of DRAWN) {
    t.true(allows(from, event), `${from} --${event}-->`);
    t.is(transition(from, event), to, `${from} --${event}-->`);
  }
});

test('every transition not drawn is refused with INVALID_TRANSITION, naming the phase and the event', (t) => {
  const drawn = new Set(DRAWN.map(([from, event]) => `${from} ${event}`));
  let refused = 0;
  for (const from of PHASES) {
    for (const event of EVENTS) {
      if (drawn.has(`${from} ${event}`)) continue;
      t.false(allows(from, event), `${from} --${event}--> is not drawn`);
      const error = t.throws(() => transition(from, event, 'adapter/x'), { instanceOf: SupervisionError });
      t.is(error?.code, 'INVALID_TRANSITION');
      t.deepEqual(error?.context, { path: 'adapter/x', from, event });
      refused += 1;
    }
  }
  t.is(refused, PHASES.length * EVENTS.length - DRAWN.length);
  // The table draws nothing beyond the list above.
  const tabled = PHASES.flatMap((from) => Object.keys(CELL_TRANSITIONS[from]).map((event) => `${from} ${event}`));
  t.is(tabled.length, DRAWN.length);
});

test('finished is final and nothing leads back to starting', (t) => {
  for (const event of EVENTS) t.false(allows('finished', event), event);
  for (const from of PHASES) for (const event of EVENTS) if (allows(from, event)) t.not(transition(from, event), 'starting');
});

/** The incarnation running at `path` now (the registry's entry outlives it). */
function currentCell(registry: Registry, path: string): Cell {
  const cell = registry.entry(path, 'worker', FAST.periodMs).cell;
  if (cell === undefined) throw new Error(`nothing runs at ${path}`);
  return cell;
}

test('a cell reads its phase: killed at once on a kill, then finished, and once finished it refuses sends, kills and crashes', async (t) => {
  await withTree([workerSpec('p', probe('p', newJournal()), { restart: 'temporary' })], async ({ registry }) => {
    const path = 'root/p';
    await waitForStatus(registry, path, 'running');
    const cell = currentCell(registry, path);
    t.is(cell.lifecycle, 'running');
    t.true(cell.isRunning);
    t.true(registry.killByPath(path));
    t.is(cell.lifecycle, 'killed', 'the kill is the phase at once, before nact reports the stop');
    t.true(cell.send('probe', undefined), 'a killed cell still takes sends (dropped at its end)');
    await waitUntil(registry, () => cell.lifecycle === 'finished', 'the killed cell finished');
    t.false(cell.send('probe', undefined));
    t.false(cell.kill());
    t.false(cell.armCrash());
    t.false(cell.isRunning);
    t.is(registry.get(path)?.lastError?.code, 'ACTOR_KILLED');
  });
});
