import type { Logger } from '../config/logging.js';
import { type BackoffState, backoffOnFailure, backoffStarted, initialBackoffState } from './backoff.js';
import { type ActorContext, type ExitReason, isAbnormal } from './behaviour.js';
import { Cell, type CellEnd, type CellHooks, type ExitInfo } from './cell.js';
import { withinDeadline } from './deadline.js';
import type { ActorStatus, ChildControl, RegistryEntry } from './entry.js';
import { describeError, SupervisionError } from './errors.js';
import { recordRestart } from './intensity.js';
import type { Registry } from './registry.js';
import {
  type ChildList,
  currentChildren,
  type ResolvedChildSpec,
  resolveChild,
  resolveFlags,
  type SupervisorFlags,
  validateSpec,
} from './spec.js';
import type { ChildSpec } from './spec.js';
import { restartGroup } from './strategy.js';
import { workerHooks } from './worker.js';

/** What a supervisor needs besides its spec; shared by the whole tree. */
export interface SupervisionDeps {
  registry: Registry;
  /** Base logger; every actor logs through a child with `actor: path`. */
  logger: Logger;
  /** Jitter source for backoff; injectable for tests. */
  random: () => number;
}

type SupervisorMsg =
  | { type: 'child-exited'; cell: Cell; exit: ExitInfo }
  | { type: 'restart-due'; due: ReadonlyArray<{ id: string; token: number }> }
  | { type: 'park-retry-due'; id: string; token: number }
  | { type: 'restart-requested'; id: string }
  | ReconcileRequest;

/** Sent by registry.reconcile (an ask): bring the children in line with the current child list. */
export type ReconcileRequest = { type: 'reconcile' };

/** What a reconcile changed, by child id. */
export interface ReconcileResult {
  added: string[];
  removed: string[];
  replaced: string[];
}

interface ChildSlot {
  readonly spec: ResolvedChildSpec;
  readonly entry: RegistryEntry;
  /** This incarnation's hold on the entry: a newer supervisor incarnation replaces it. */
  readonly control: ChildControl;
  cell: Cell | undefined;
  backoff: BackoffState;
  /** Bumped whenever a pending restart for this child becomes obsolete (timers carry the token). */
  token: number;
  /** Not to be restarted by a strategy: it ended normally (transient) or was temporary. */
  ended: boolean;
  /** Waiting for its park retry; outside every strategy group. */
  parked: boolean;
}

/** Exits that park a child with a park policy instead of counting against this supervisor. */
const PARKABLE: ReadonlySet<ExitReason['kind']> = new Set(['escalated', 'start-failed']);

function shouldRestart(spec: ResolvedChildSpec, reason: ExitReason): boolean {
  switch (spec.restart) {
    case 'permanent':
      return true;
    case 'transient':
      return isAbnormal(reason);
    case 'temporary':
      return false;
  }
}

/** The cell hooks that make an actor an OTP-style supervisor: one instance per incarnation. */
export function supervisorHooks(path: string, flags: SupervisorFlags, children: ChildList, deps: SupervisionDeps): CellHooks {
  return new SupervisorRuntime(path, flags, children, deps);
}

export function hooksForChild(path: string, spec: ChildSpec, deps: SupervisionDeps): CellHooks {
  return spec.start.kind === 'worker'
    ? workerHooks(spec.start.behaviour)
    : supervisorHooks(path, resolveFlags(spec.start.flags), spec.start.children, deps);
}

class SupervisorRuntime implements CellHooks {
  readonly kind = 'supervisor';
  private readonly registry: Registry;
  private slots: ChildSlot[] = [];
  /** Every child incarnation not yet finished, in start order, including those on their way out. */
  private readonly live = new Set<Cell>();
  private restartTimes: number[] = [];
  private escalating = false;
  private detached = false;
  private ctx: ActorContext<unknown> | undefined;
  private self: Cell | undefined;

  constructor(
    private readonly path: string,
    private readonly flags: SupervisorFlags,
    private readonly children: ChildList,
    private readonly deps: SupervisionDeps,
  ) {
    this.registry = deps.registry;
  }

  async init(ctx: ActorContext<unknown>, self: Cell): Promise<undefined> {
    this.ctx = ctx;
    this.self = self;
    this.slots = currentChildren(this.children).map((child) => this.createSlot(resolveChild(child)));
    for (const slot of this.slots) {
      const failure = await this.startChild(slot);
      if (this.inactive) throw this.abortedStart();
      if (!failure) continue;
      if (slot.spec.park && PARKABLE.has(failure.reason.kind)) {
        this.park(slot, failure);
        continue;
      }
      // OTP: a child that cannot start makes its supervisor's start fail, after stopping the others.
      await this.stopChildren();
      const cause = 'error' in failure.reason ? failure.reason.error : { message: failure.reason.kind };
      throw new SupervisionError('CHILD_START_FAILED', `${slot.entry.path} failed to start: ${cause.message}`, {
        path: this.path,
        child: slot.entry.path,
        cause,
      });
    }
    return undefined;
  }

  async handle(_state: unknown, raw: unknown, ctx: ActorContext<unknown>): Promise<undefined> {
    // Giving up is final: nothing this incarnation still receives may restart anything.
    if (this.escalating || this.inactive) return undefined;
    const msg = raw as SupervisorMsg;
    switch (msg.type) {
      case 'child-exited': {
        const slot = this.slots.find((candidate) => candidate.cell === msg.cell);
        // A stale report: that incarnation was already dealt with (stopped by us, or superseded).
        if (!slot) return undefined;
        slot.cell = undefined;
        await this.childDown(slot, msg.exit);
        return undefined;
      }
      case 'restart-due': {
        const slots = msg.due.flatMap(({ id, token }) => {
          const slot = this.slot(id);
          return slot && slot.token === token && !slot.cell ? [slot] : [];
        });
        await this.startGroup(slots);
        return undefined;
      }
      case 'park-retry-due': {
        const slot = this.slot(msg.id);
        if (!slot || slot.token !== msg.token || !slot.parked || slot.cell) return undefined;
        slot.parked = false;
        await this.startGroup([slot]);
        return undefined;
      }
      case 'restart-requested':
        await this.restartRequested(msg.id);
        return undefined;
      case 'reconcile':
        ctx.reply(await this.reconcile());
        return undefined;
      default: {
        const unknown: never = msg;
        throw new Error(`unknown supervisor message ${JSON.stringify(unknown)}`);
      }
    }
  }

  async terminate({ attached }: CellEnd): Promise<void> {
    for (const slot of this.slots) slot.token += 1;
    if (attached) {
      await this.stopChildren();
    } else {
      // nact stops an actor without stopping its children: they are orphans now, unreachable by
      // path. Nothing below may touch nact any more; each child is ended by hand, last started first.
      this.detach();
      for (const slot of this.slots) slot.cell = undefined;
      for (const cell of [...this.live].reverse()) await cell.abandon({ kind: 'shutdown' });
    }
    for (const slot of this.slots) {
      this.setStatus(slot, 'stopped');
      if (this.owns(slot)) slot.entry.control = undefined;
    }
  }

  detach(): void {
    this.detached = true;
    for (const cell of this.live) cell.detach();
  }

  /** This incarnation has ended or lost its place in the tree: a zombie continuation must do nothing. */
  private get inactive(): boolean {
    return this.detached || this.context.signal.aborted;
  }

  private get context(): ActorContext<unknown> {
    if (!this.ctx) throw new Error(`supervisor ${this.path} used before init`);
    return this.ctx;
  }

  private get now(): number {
    return this.registry.clock();
  }

  private abortedStart(): SupervisionError {
    return new SupervisionError('START_ABORTED', `${this.path} ended while starting its children`, { path: this.path });
  }

  private createSlot(spec: ResolvedChildSpec): ChildSlot {
    const entry = this.registry.entry(`${this.path}/${spec.id}`, spec.start.kind, this.flags.periodMs);
    const control: ChildControl = {
      requestRestart: () => this.context.tellSelf({ type: 'restart-requested', id: spec.id }),
    };
    entry.control = control;
    return { spec, entry, control, cell: undefined, backoff: initialBackoffState(), token: 0, ended: false, parked: false };
  }

  /**
   * Entries outlive supervisor incarnations. A late continuation of an ended incarnation (a
   * shutdown that outlived its budget) must not overwrite what its successor reports.
   */
  private owns(slot: ChildSlot): boolean {
    return slot.entry.control === slot.control;
  }

  private setStatus(slot: ChildSlot, status: ActorStatus): void {
    if (this.owns(slot)) this.registry.setStatus(slot.entry, status);
  }

  private slot(id: string): ChildSlot | undefined {
    return this.slots.find((slot) => slot.spec.id === id);
  }

  /** Spawn the child and wait until it runs. Returns how it failed, or undefined once it is running. */
  private async startChild(slot: ChildSlot): Promise<ExitInfo | undefined> {
    if (this.inactive) return { reason: { kind: 'shutdown' }, droppedMessages: 0 };
    slot.ended = false;
    this.setStatus(slot, 'restarting');
    let cell: Cell;
    try {
      cell = new Cell({
        parent: this.context.ref,
        entry: slot.entry,
        registry: this.registry,
        logger: this.deps.logger,
        hooks: hooksForChild(slot.entry.path, slot.spec, this.deps),
        terminateMs: slot.spec.shutdownMs,
        onUnexpectedExit: (exited, exit) => {
          this.context.tellSelf({ type: 'child-exited', cell: exited, exit });
        },
      });
    } catch (error) {
      return { reason: { kind: 'start-failed', error: describeError(error) }, droppedMessages: 0 };
    }
    slot.cell = cell;
    this.live.add(cell);
    void cell.exited.then(() => this.live.delete(cell));
    const outcome = await withinDeadline(
      cell.started.then(
        () => true,
        () => false,
      ),
      slot.spec.startTimeoutMs,
    );
    if (outcome.done && outcome.value) {
      slot.backoff = backoffStarted(slot.backoff, this.now);
      return undefined;
    }
    if (slot.cell === cell) slot.cell = undefined;
    if (outcome.done) return cell.exited;
    const error = describeError(
      new SupervisionError('START_TIMEOUT', `${slot.entry.path} did not start within ${slot.spec.startTimeoutMs} ms`, {
        path: slot.entry.path,
        startTimeoutMs: slot.spec.startTimeoutMs,
      }),
    );
    // The stuck init is abandoned; whatever it builds later is handed to terminate by the cell.
    void cell.abandon({ kind: 'start-failed', error });
    return { reason: { kind: 'start-failed', error }, droppedMessages: 0 };
  }

  /** Start children in order, each running before the next; a failure is handled like a death. */
  private async startGroup(group: readonly ChildSlot[]): Promise<void> {
    const tokens = new Map(group.map((slot) => [slot, slot.token]));
    for (const slot of group) {
      if (this.inactive) return;
      // Someone else took this child over meanwhile (a newer restart, a park, an operator).
      if (slot.cell || slot.ended || slot.parked || slot.token !== tokens.get(slot)) continue;
      if (this.owns(slot)) slot.entry.recordRestart(this.now);
      const failure = await this.startChild(slot);
      if (this.inactive) return;
      if (failure) await this.childDown(slot, failure);
    }
  }

  /** A child is down (died, failed to start): decide, log once, act. */
  private async childDown(slot: ChildSlot, exit: ExitInfo): Promise<void> {
    if (this.inactive) return;
    const { reason } = exit;
    if (!shouldRestart(slot.spec, reason)) {
      slot.ended = true;
      this.setStatus(slot, 'stopped');
      this.logExit(slot, exit, 'not restarted');
      return;
    }
    if (slot.spec.park && PARKABLE.has(reason.kind)) {
      this.park(slot, exit);
      return;
    }
    await this.restartAfterFailure(slot, exit);
  }

  /** Counts against intensity, applies the strategy, waits the backoff, restarts in order. */
  private async restartAfterFailure(slot: ChildSlot, exit: ExitInfo): Promise<void> {
    const now = this.now;
    const counted = recordRestart(this.restartTimes, now, this.flags);
    this.restartTimes = counted.times;
    if (counted.exceeded) {
      this.logExit(slot, exit, 'restart intensity exceeded');
      await this.escalate(slot);
      return;
    }
    const indexes = restartGroup(this.flags.strategy, this.slots.length, this.slots.indexOf(slot));
    const group = indexes.flatMap((index) => {
      const member = this.slots[index];
      return member && (member === slot || (!member.ended && !member.parked)) ? [member] : [];
    });
    // Siblings in the group go down last-started first, exactly as in a shutdown.
    for (const member of [...group].reverse()) {
      if (member === slot || !member.cell) continue;
      await this.stopChild(member, { kind: 'shutdown' });
      if (this.inactive) return;
    }
    // OTP: a temporary sibling taken down by the strategy is not brought back.
    const restartable = group.filter((member) => member === slot || member.spec.restart !== 'temporary');
    for (const member of group) {
      if (restartable.includes(member)) continue;
      member.ended = true;
      this.setStatus(member, 'stopped');
    }
    const { delayMs, next } = backoffOnFailure(slot.backoff, now, this.flags.backoff, this.deps.random);
    slot.backoff = next;
    for (const member of restartable) member.token += 1;
    this.logExit(slot, exit, 'restarting', { delayMs, group: restartable.map((member) => member.spec.id) });
    if (delayMs === 0) {
      await this.startGroup(restartable);
      return;
    }
    for (const member of restartable) this.setStatus(member, 'backoff');
    const due = restartable.map((member) => ({ id: member.spec.id, token: member.token }));
    this.context.schedule({ type: 'restart-due', due }, delayMs);
  }

  /** A parked child is retried later without counting against this supervisor; siblings are untouched. */
  private park(slot: ChildSlot, exit: ExitInfo): void {
    const retryMs = slot.spec.park?.retryMs ?? 0;
    slot.parked = true;
    slot.token += 1;
    this.setStatus(slot, 'failed');
    this.logExit(slot, exit, 'parked', { retryMs });
    this.context.schedule({ type: 'park-retry-due', id: slot.spec.id, token: slot.token }, retryMs);
  }

  /** Operator restart: as if the child had died, so it counts and follows the strategy. */
  private async restartRequested(id: string): Promise<void> {
    const slot = this.slot(id);
    if (!slot) return;
    const exit: ExitInfo = { reason: { kind: 'restart-requested' }, droppedMessages: 0 };
    if (slot.cell) {
      await this.stopChild(slot, { kind: 'restart-requested' });
      if (this.inactive) return;
    } else {
      // Not running (backoff, parked, ended): cancel what was pending and start it now.
      slot.parked = false;
      slot.ended = false;
    }
    await this.restartAfterFailure(slot, exit);
  }

  /**
   * Live reconfiguration: children no longer listed are stopped and forgotten, new ones started, and
   * those whose fingerprint changed replaced. Nothing here counts as a restart, and a child whose
   * spec did not change is not touched at all.
   */
  private async reconcile(): Promise<ReconcileResult> {
    const desired = currentChildren(this.children);
    for (const child of desired) validateSpec(child, this.path);
    const wanted = new Set(desired.map((child) => child.id));
    const result: ReconcileResult = { added: [], removed: [], replaced: [] };
    for (const slot of [...this.slots].reverse()) {
      if (wanted.has(slot.spec.id)) continue;
      slot.token += 1;
      await this.stopChild(slot, { kind: 'shutdown' });
      this.registry.forget(slot.entry.path);
      result.removed.push(slot.spec.id);
    }
    const toStart: ChildSlot[] = [];
    const next: ChildSlot[] = [];
    for (const child of desired) {
      const resolved = resolveChild(child);
      const existing = this.slot(child.id);
      if (existing && existing.spec.fingerprint === resolved.fingerprint) {
        next.push(existing);
        continue;
      }
      if (existing) {
        existing.token += 1;
        await this.stopChild(existing, { kind: 'shutdown' });
        result.replaced.push(child.id);
      } else {
        result.added.push(child.id);
      }
      const slot = this.createSlot(resolved);
      next.push(slot);
      toStart.push(slot);
    }
    this.slots = next;
    for (const slot of toStart) {
      if (this.inactive) break;
      const failure = await this.startChild(slot);
      if (failure) await this.childDown(slot, failure);
    }
    this.log.info({ ...result }, 'children reconciled');
    return result;
  }

  /** Ordered stop with the child's shutdownMs; past it the child is abandoned and we move on. */
  private async stopChild(slot: ChildSlot, reason: ExitReason): Promise<void> {
    const cell = slot.cell;
    if (!cell) return;
    slot.cell = undefined;
    cell.orderStop(reason);
    const stopped = await withinDeadline(cell.exited, slot.spec.shutdownMs);
    if (!stopped.done) {
      this.log.warn({ child: slot.entry.path, shutdownMs: slot.spec.shutdownMs }, 'child did not stop in time; abandoned');
      void cell.abandon(reason);
    }
  }

  /** All children, last started first. */
  private async stopChildren(): Promise<void> {
    for (const slot of [...this.slots].reverse()) {
      slot.token += 1;
      await this.stopChild(slot, { kind: 'shutdown' });
      this.setStatus(slot, 'stopped');
    }
  }

  /** Too many restarts: stop every child, then this supervisor, and let the parent decide — once. */
  private async escalate(slot: ChildSlot): Promise<void> {
    this.escalating = true;
    const error = new SupervisionError(
      'RESTART_INTENSITY_EXCEEDED',
      `${this.path}: more than ${this.flags.intensity} restarts within ${this.flags.periodMs} ms (last: ${slot.entry.path})`,
      { path: this.path, child: slot.entry.path, intensity: this.flags.intensity, periodMs: this.flags.periodMs },
    );
    await this.stopChildren();
    const info = describeError(error);
    this.registry.emit({ type: 'escalated', path: this.path, error: info });
    this.self?.stopSelf({ kind: 'escalated', error: info });
  }

  private get log(): Logger {
    return this.context.log;
  }

  private logExit(slot: ChildSlot, exit: ExitInfo, decision: string, extra: Record<string, unknown> = {}): void {
    const { reason } = exit;
    const fields = {
      child: slot.entry.path,
      reason: reason.kind,
      ...('error' in reason ? { err: reason.error } : {}),
      droppedMessages: exit.droppedMessages,
      restartsInWindow: this.restartTimes.length,
      decision,
      ...extra,
    };
    const level = decision === 'restart intensity exceeded' ? 'error' : isAbnormal(reason) ? 'warn' : 'info';
    this.log[level](fields, `child ${reason.kind}: ${decision}`);
  }
}
