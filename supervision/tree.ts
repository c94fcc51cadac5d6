import type { Logger } from '../config/logging.js';
import type { ExitReason } from './behaviour.js';
import { Cell, type ExitInfo } from './cell.js';
import { withinDeadline } from './deadline.js';
import { describeError, SupervisionError } from './errors.js';
import { startSystem, stopSystem } from './nact-bridge.js';
import { Registry } from './registry.js';
import { type ChildSpec, resolveChild, resolveFlags, validateSpec } from './spec.js';
import { supervisorHooks } from './supervisor.js';

/** The root gave up (or died): the daemon logs this and exits non-zero. */
export interface TreeEscalation {
  path: string;
  reason: ExitReason;
}

export interface TreeOptions {
  logger: Logger;
  registry?: Registry;
  /** Called at most once, when the root supervisor ends abnormally. Default: log at fatal. */
  onEscalate?: (escalation: TreeEscalation) => void;
  /** Jitter source for every backoff in the tree; injectable for tests. */
  random?: () => number;
}

export interface Tree {
  readonly registry: Registry;
  readonly rootPath: string;
  /** Resolves when the root has ended, for whatever reason. */
  readonly done: Promise<ExitInfo>;
  /** Ordered shutdown: children in reverse start order, each within its shutdownMs; then the nact system. */
  stop(): Promise<void>;
}

/**
 * Start a supervision tree: validate the specs, start the root supervisor and, in order, everything
 * under it. Rejects with TREE_START_FAILED (after cleaning up) when the tree cannot start.
 */
export async function startTree(rootSpec: ChildSpec, options: TreeOptions): Promise<Tree> {
  validateSpec(rootSpec);
  if (rootSpec.start.kind !== 'supervisor') {
    throw new SupervisionError('INVALID_CHILD_SPEC', `the root ${rootSpec.id} must be a supervisor`, {
      path: rootSpec.id,
      field: 'start',
    });
  }
  const { logger } = options;
  const registry = options.registry ?? new Registry();
  const spec = resolveChild(rootSpec);
  const flags = resolveFlags(rootSpec.start.flags);
  const deps = { registry, logger, random: options.random ?? Math.random };
  const system = startSystem();
  let stopping = false;
  const onEscalate =
    options.onEscalate ??
    ((escalation: TreeEscalation) => logger.fatal({ root: escalation.path, reason: escalation.reason }, 'supervision tree gave up'));

  const rootEntry = registry.entry(spec.id, 'supervisor', flags.periodMs);
  const root = new Cell({
    parent: system,
    entry: rootEntry,
    registry,
    logger,
    hooks: supervisorHooks(spec.id, flags, rootSpec.start.children, deps),
    terminateMs: spec.shutdownMs,
    onUnexpectedExit: (_cell, exit) => {
      stopSystem(system);
      if (stopping) return;
      stopping = true;
      if (exit.reason.kind === 'normal') return;
      registry.setStatus(rootEntry, 'failed');
      onEscalate({ path: spec.id, reason: exit.reason });
    },
  });

  const started = await withinDeadline(
    root.started.then(
      () => true,
      () => false,
    ),
    spec.startTimeoutMs,
  );
  if (!started.done || !started.value) {
    stopping = true;
    const exit = await root.abandon({
      kind: 'start-failed',
      error: { message: `${spec.id} did not start within ${spec.startTimeoutMs} ms`, code: 'START_TIMEOUT' },
    });
    stopSystem(system);
    const cause = 'error' in exit.reason ? exit.reason.error : describeError(new Error(exit.reason.kind));
    throw new SupervisionError('TREE_START_FAILED', `supervision tree ${spec.id} failed to start: ${cause.message}`, {
      path: spec.id,
      cause,
    });
  }

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const wasRunning = !stopping;
      stopping = true;
      if (wasRunning) {
        root.orderStop({ kind: 'shutdown' });
        const ended = await withinDeadline(root.exited, spec.shutdownMs);
        if (!ended.done) {
          logger.warn({ root: spec.id, shutdownMs: spec.shutdownMs }, 'supervision tree did not stop in time; abandoned');
          void root.abandon({ kind: 'shutdown' });
        }
      }
      stopSystem(system);
    })();
    return stopped;
  };

  return { registry, rootPath: spec.id, done: root.exited, stop };
}
