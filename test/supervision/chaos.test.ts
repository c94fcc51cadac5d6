import test from 'ava';
import { silentLogger } from '../../config/logging.js';
import {
  actorAddress,
  type Behaviour,
  type ChildSpec,
  type RestartStrategy,
  startTree,
  supervisorSpec,
  type TreeEscalation,
  workerSpec,
} from '../../supervision/index.js';
import { assertStaysTrue } from '../support/observe.js';
import { seededRandom, sleep, waitUntilStable } from './support.js';

const PRINTERS = 20;
const ACTIONS = 1_000;
const WORKERS = ['collector', 'poller', 'health'] as const;
const STRATEGIES: RestartStrategy[] = ['one_for_one', 'one_for_all', 'rest_for_one'];

/** What the workers report about themselves, to catch zombies and leaks. */
class Census {
  /** Live incarnation per path: set by init, cleared by terminate. */
  readonly live = new Map<string, number>();
  started = 0;
  terminated = 0;
  violations: string[] = [];
  private nextId = 0;

  born(path: string): number {
    const id = ++this.nextId;
    if (this.live.has(path)) this.violations.push(`${path}: two live incarnations`);
    this.live.set(path, id);
    this.started += 1;
    return id;
  }

  died(path: string, id: number): void {
    if (this.live.get(path) === id) this.live.delete(path);
    this.terminated += 1;
  }
}

type WorkerMsg = { type: 'tick' } | { type: 'batch' };
interface WorkerState {
  id: number;
  ended: boolean;
}

/** collector receives batches; poller and health tick on their own timers; health also feeds the collector by path. */
function worker(role: (typeof WORKERS)[number], census: Census): Behaviour<WorkerState, WorkerMsg> {
  const periodMs = role === 'poller' ? 5 : 10;
  return {
    init(ctx) {
      const state = { id: census.born(ctx.path), ended: false };
      if (role !== 'collector') ctx.schedule({ type: 'tick' }, periodMs);
      return state;
    },
    handle(state, msg, ctx) {
      if (state.ended) census.violations.push(`${ctx.path}#${state.id}: handled ${msg.type} after terminate`);
      if (msg.type === 'tick') {
        if (role === 'health') ctx.registry.tell(actorAddress<WorkerMsg>(ctx.path.replace(/health$/, 'collector')), { type: 'batch' });
        ctx.schedule({ type: 'tick' }, periodMs);
      }
      return state;
    },
    terminate(state, _reason, ctx) {
      if (state.ended) census.violations.push(`${ctx.path}#${state.id}: terminated twice`);
      state.ended = true;
      census.died(ctx.path, state.id);
    },
  };
}

function fleetTree(census: Census): ChildSpec {
  const printers = Array.from({ length: PRINTERS }, (_, index) => {
    const id = `p${String(index + 1).padStart(2, '0')}`;
    const flags = {
      strategy: STRATEGIES[index % STRATEGIES.length],
      intensity: 5,
      periodMs: 1_000,
      backoff: { minMs: 2, maxMs: 20 },
    };
    return supervisorSpec(
      id,
      flags,
      WORKERS.map((role) => workerSpec(role, worker(role, census))),
      { park: { retryMs: 20 } },
    );
  });
  return supervisorSpec('adapter', { intensity: 1 }, [
    // Printer supervisors are killed and crashed directly here too; those deaths count at the fleet.
    supervisorSpec('fleet', { intensity: 100_000, periodMs: 5_000, backoff: { minMs: 2, maxMs: 20 } }, printers),
  ]);
}

test('20 printer subtrees survive 1,000 random kills and crashes and converge to all running, with no zombies', async (t) => {
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 2_147_483_647);
  const context = `seed ${seed} (rerun with CHAOS_SEED=${seed})`;
  t.log(context);
  const random = seededRandom(seed);
  const census = new Census();
  const escalations: TreeEscalation[] = [];
  const tree = await startTree(fleetTree(census), {
    logger: silentLogger(),
    random,
    onEscalate: (escalation) => escalations.push(escalation),
  });
  const { registry } = tree;
  try {
    const paths = registry.snapshot().map((row) => row.path);
    t.is(paths.length, 2 + PRINTERS * (1 + WORKERS.length), context);

    let applied = 0;
    for (let action = 0; action < ACTIONS; action += 1) {
      const printer = `adapter/fleet/p${String(1 + Math.floor(random() * PRINTERS)).padStart(2, '0')}`;
      const pick = random();
      const target = pick < 0.1 ? printer : `${printer}/${WORKERS[Math.floor(random() * WORKERS.length)]}`;
      const hit = random() < 0.5 ? registry.killByPath(target) : registry.crashByPath(target);
      if (hit) applied += 1;
      registry.tell(actorAddress<WorkerMsg>(`${printer}/collector`), { type: 'batch' });
      // Seeded jitter between actions is the scenario (timers and I/O in between, or just a turn), not a wait.
      if (random() < 0.5) await sleep(1);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
    t.true(applied >= ACTIONS / 3, `${applied} of ${ACTIONS} actions hit a running actor; ${context}`);

    await waitUntilStable(
      registry,
      () => registry.snapshot().every((row) => row.status === 'running'),
      `convergence, ${context}`,
      200,
      25_000,
    );
    const pings = await Promise.all(paths.map(async (path) => [path, await registry.ping(path, 5_000)] as const));
    t.deepEqual(
      pings.filter(([, answered]) => !answered).map(([path]) => path),
      [],
      `every actor the registry calls running answers ping; ${context}`,
    );
    const workerPaths = paths.filter((path) => /\/(collector|poller|health)$/.test(path)).sort();
    t.deepEqual([...census.live.keys()].sort(), workerPaths, `exactly one live incarnation per worker; ${context}`);
    // No late violation (two incarnations at once) after convergence: a named window, begun once every actor answered.
    await assertStaysTrue(() => census.violations.length === 0, 50, 'no census violation');
    t.deepEqual(census.violations, [], context);
    t.deepEqual(escalations, [], context);
    const restarts = registry.snapshot().reduce((sum, row) => sum + row.restarts.total, 0);
    t.true(restarts > 0, context);
    t.log(`${applied} hits, ${restarts} restarts, ${census.started} incarnations`);
  } finally {
    await tree.stop();
  }
  t.is(census.live.size, 0, `every incarnation terminated on shutdown; ${context}`);
  t.is(census.terminated, census.started, context);
  t.deepEqual(census.violations, [], context);
});
