import { silentLogger } from '../../config/logging.js';
import {
  actorAddress,
  type ActorSnapshot,
  type Behaviour,
  type ChildSpec,
  type ExitReason,
  type Registry,
  startTree,
  supervisorSpec,
  type Tree,
} from '../../supervision/index.js';

/** Resolve when `predicate` holds, re-checking on every registry change and every 10 ms. */
export function waitUntil(registry: Registry, predicate: () => boolean, label: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate()) {
      resolve();
      return;
    }
    const check = () => {
      if (!predicate()) return;
      cleanup();
      resolve();
    };
    const unsubscribe = registry.onChange(check);
    const poll = setInterval(check, 10);
    const expire = setTimeout(() => {
      cleanup();
      const rows = registry.snapshot().map((row) => `${row.path}=${row.status}`);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label}; registry: ${rows.join(', ')}`));
    }, timeoutMs);
    function cleanup() {
      unsubscribe();
      clearInterval(poll);
      clearTimeout(expire);
    }
  });
}

/**
 * Resolve once `predicate` has held for `stableMs` with no registry event in between: after chaos,
 * one instant of "all running" can precede a crash that was already on its way.
 */
export async function waitUntilStable(
  registry: Registry,
  predicate: () => boolean,
  label: string,
  stableMs: number,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await waitUntil(registry, predicate, label, Math.max(1, deadline - Date.now()));
    let changed = false;
    const unsubscribe = registry.onChange(() => {
      changed = true;
    });
    // A named stability window: any registry event during it restarts the wait, so it cannot pass vacuously.
    await sleep(stableMs);
    unsubscribe();
    if (!changed && predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label} to hold steadily`);
  }
}

export function statusOf(registry: Registry, path: string): ActorSnapshot['status'] | undefined {
  return registry.get(path)?.status;
}

export function waitForStatus(registry: Registry, path: string, status: ActorSnapshot['status'], timeoutMs?: number) {
  return waitUntil(registry, () => statusOf(registry, path) === status, `${path} ${status}`, timeoutMs);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The chaos test prints its seed so a failure can be replayed. */
export { seededRandom } from '../../sim/seeded-random.js';

/** What a probe worker did, in order, across all its incarnations. */
export interface Journal {
  events: string[];
  inits: number;
  terminations: Array<{ path: string; reason: ExitReason['kind'] }>;
}

export const newJournal = (): Journal => ({ events: [], inits: 0, terminations: [] });

export type ProbeMsg = { type: 'noop' } | { type: 'echo'; value: unknown } | { type: 'stop-normally' };

/** The address of a probe at `path`. */
export const probeAt = (path: string) => actorAddress<ProbeMsg>(path);

/** A worker that records its lifecycle; `initDelayMs` makes ordered start observable. */
export function probe(name: string, journal: Journal, options: { initDelayMs?: number } = {}): Behaviour<{ name: string }, ProbeMsg> {
  return {
    async init() {
      journal.events.push(`init-begin ${name}`);
      if (options.initDelayMs) await sleep(options.initDelayMs);
      journal.inits += 1;
      journal.events.push(`init-end ${name}`);
      return { name };
    },
    handle(state, msg, ctx) {
      switch (msg.type) {
        case 'noop':
          return state;
        case 'echo':
          ctx.reply(msg.value);
          return state;
        case 'stop-normally':
          ctx.stop();
          return state;
      }
    },
    terminate(state, reason, ctx) {
      journal.events.push(`terminate ${state.name} ${reason.kind}`);
      journal.terminations.push({ path: ctx.path, reason: reason.kind });
    },
  };
}

/** Restart flags quick enough for tests. */
export const FAST = { intensity: 20, periodMs: 5_000, backoff: { minMs: 10, maxMs: 50 } };

/** Runs `run` against a tree of `children` under one FAST root supervisor, and stops the tree after. */
export async function withTree(children: ChildSpec[], run: (tree: Tree) => Promise<void>): Promise<void> {
  const tree = await startTree(supervisorSpec('root', FAST, children), { logger: silentLogger() });
  try {
    await run(tree);
  } finally {
    await tree.stop();
  }
}
