import type { RestartBackoff } from './backoff.js';
import type { Behaviour } from './behaviour.js';
import { SupervisionError } from './errors.js';
import type { RestartStrategy } from './strategy.js';
import { CHILD_DEFAULTS, SUPERVISOR_DEFAULTS } from '../config/defaults.js';

export type RestartType = 'permanent' | 'transient' | 'temporary';

export interface SupervisorFlags {
  strategy: RestartStrategy;
  /** More than `intensity` restarts within `periodMs` make the supervisor give up and escalate. */
  intensity: number;
  periodMs: number;
  backoff: RestartBackoff;
}

export type SupervisorFlagsInput = Partial<Omit<SupervisorFlags, 'backoff'>> & { backoff?: Partial<RestartBackoff> };

/** When this child escalates or fails to start, park it instead of counting it as a restart. */
export interface ParkPolicy {
  retryMs: number;
}

export type ChildStart =
  | { kind: 'worker'; behaviour: Behaviour<unknown, unknown> }
  | { kind: 'supervisor'; flags?: SupervisorFlagsInput; children: ChildList };

/**
 * A supervisor's children: fixed, or read again by every incarnation and by `registry.reconcile`,
 * so a live reconfiguration (SIGHUP) survives the supervisor's own restarts.
 */
export type ChildList = readonly ChildSpec[] | (() => readonly ChildSpec[]);

export function currentChildren(children: ChildList): readonly ChildSpec[] {
  return typeof children === 'function' ? children() : children;
}

/** A child spec is data: what to start, when to restart it, how long it may take to stop. */
export interface ChildSpec {
  /** The actor's name under its supervisor; a path segment (letters, digits, `-_.` …, no `/`). */
  id: string;
  start: ChildStart;
  restart?: RestartType;
  /** How long an ordered stop (drain + terminate) may take before the child is abandoned. */
  shutdownMs?: number;
  /** How long init (for a supervisor: starting all its children) may take. */
  startTimeoutMs?: number;
  park?: ParkPolicy;
  /**
   * What the child was built from (e.g. its configuration, serialised). `registry.reconcile` replaces
   * a running child whose fingerprint changed and leaves the others alone.
   */
  fingerprint?: string;
}

export interface ResolvedChildSpec {
  id: string;
  start: ChildStart;
  restart: RestartType;
  shutdownMs: number;
  startTimeoutMs: number;
  park: ParkPolicy | undefined;
  fingerprint: string | undefined;
}

export type ChildOptions = Omit<ChildSpec, 'id' | 'start'>;

export function workerSpec<S, M>(id: string, behaviour: Behaviour<S, M>, options: ChildOptions = {}): ChildSpec {
  return { id, start: { kind: 'worker', behaviour }, ...options };
}

export function supervisorSpec(id: string, flags: SupervisorFlagsInput, children: ChildList, options: ChildOptions = {}): ChildSpec {
  return { id, start: { kind: 'supervisor', flags, children }, ...options };
}

export function resolveChild(spec: ChildSpec): ResolvedChildSpec {
  const defaults = CHILD_DEFAULTS[spec.start.kind];
  return {
    id: spec.id,
    start: spec.start,
    restart: spec.restart ?? CHILD_DEFAULTS.restart,
    shutdownMs: spec.shutdownMs ?? defaults.shutdownMs,
    startTimeoutMs: spec.startTimeoutMs ?? defaults.startTimeoutMs,
    park: spec.park,
    fingerprint: spec.fingerprint,
  };
}

export function resolveFlags(flags: SupervisorFlagsInput = {}): SupervisorFlags {
  return {
    strategy: flags.strategy ?? SUPERVISOR_DEFAULTS.strategy,
    intensity: flags.intensity ?? SUPERVISOR_DEFAULTS.intensity,
    periodMs: flags.periodMs ?? SUPERVISOR_DEFAULTS.periodMs,
    backoff: { ...SUPERVISOR_DEFAULTS.backoff, ...flags.backoff },
  };
}

// nact's own rule for actor names; a name is one segment of a registry path.
const ACTOR_NAME = /^[a-z0-9\-$_.+!*'(),]+$/i;
const STRATEGIES: readonly string[] = ['one_for_one', 'one_for_all', 'rest_for_one'];
const RESTART_TYPES: readonly string[] = ['permanent', 'transient', 'temporary'];

function invalid(path: string, field: string, detail: string): SupervisionError {
  return new SupervisionError('INVALID_CHILD_SPEC', `child spec ${path}: ${field} ${detail}`, { path, field });
}

function checkDuration(path: string, field: string, value: number | undefined, allowZero = false): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw invalid(path, field, `must be a ${allowZero ? 'non-negative' : 'positive'} number of ms`);
  }
}

/** Checks a whole tree of specs before anything starts; throws INVALID_CHILD_SPEC naming the path. */
export function validateSpec(spec: ChildSpec, parentPath = ''): void {
  const path = parentPath ? `${parentPath}/${spec.id}` : spec.id;
  if (typeof spec.id !== 'string' || !ACTOR_NAME.test(spec.id)) throw invalid(path, 'id', 'must be a valid actor name');
  if (spec.restart !== undefined && !RESTART_TYPES.includes(spec.restart)) throw invalid(path, 'restart', 'is unknown');
  checkDuration(path, 'shutdownMs', spec.shutdownMs);
  checkDuration(path, 'startTimeoutMs', spec.startTimeoutMs);
  checkDuration(path, 'park.retryMs', spec.park?.retryMs, true);
  if (spec.start.kind === 'worker') {
    if (typeof spec.start.behaviour?.init !== 'function' || typeof spec.start.behaviour.handle !== 'function') {
      throw invalid(path, 'start.behaviour', 'needs init and handle');
    }
    return;
  }
  const flags = resolveFlags(spec.start.flags);
  if (!STRATEGIES.includes(flags.strategy)) throw invalid(path, 'flags.strategy', 'is unknown');
  if (!Number.isInteger(flags.intensity) || flags.intensity < 0) throw invalid(path, 'flags.intensity', 'must be an integer ≥ 0');
  checkDuration(path, 'flags.periodMs', flags.periodMs);
  checkDuration(path, 'flags.backoff.minMs', flags.backoff.minMs, true);
  checkDuration(path, 'flags.backoff.maxMs', flags.backoff.maxMs, true);
  if (flags.backoff.maxMs < flags.backoff.minMs) throw invalid(path, 'flags.backoff.maxMs', 'must be ≥ minMs');
  if (!(flags.backoff.jitter >= 0)) throw invalid(path, 'flags.backoff.jitter', 'must be ≥ 0');
  const seen = new Set<string>();
  for (const child of currentChildren(spec.start.children)) {
    if (seen.has(child.id)) throw invalid(`${path}/${child.id}`, 'id', 'is not unique among its siblings');
    seen.add(child.id);
    validateSpec(child, path);
  }
}
