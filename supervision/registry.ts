import { type ActorAddress, type Address, actorAddress, type ReplyAddress } from './address.js';
import { type ActorKind, type ActorSnapshot, type ActorStatus, RegistryEntry } from './entry.js';
import { type ErrorInfo, SupervisionError } from './errors.js';
import { describeRef, sendTo } from './nact-bridge.js';
import type { ReconcileRequest, ReconcileResult } from './supervisor.js';
import { REGISTRY_DEFAULTS } from '../config/defaults.js';

export type RegistryEvent = { type: 'status'; path: string; status: ActorStatus } | { type: 'escalated'; path: string; error: ErrorInfo };

export interface RegistryOptions {
  /** Time source for every timestamp and window; injectable for tests. */
  clock?: () => number;
}

/**
 * Every supervised actor by path, and the way to reach it: restarts create new nact refs, so
 * senders address actors by path here. Also the operator and chaos hooks.
 */
export class Registry {
  readonly clock: () => number;
  private readonly entries = new Map<string, RegistryEntry>();
  private readonly listeners = new Set<(event: RegistryEvent) => void>();

  constructor(options: RegistryOptions = {}) {
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Send to an actor's address, an actor's ref, or an ask's reply ref. The address says what the actor
   * there handles, so a message it does not handle does not compile. False when nothing is running
   * there now (or the ref belongs to an incarnation that has ended). True is not a delivery receipt.
   */
  tell<M>(to: ActorAddress<M, unknown>, msg: NoInfer<M>): boolean;
  tell(to: ReplyAddress, msg: unknown): boolean;
  tell(to: Address, msg: unknown): boolean {
    return this.tellUnchecked(to, msg);
  }

  /**
   * Unsafe: sends anything to a bare path or a ref, unchecked by the compiler. Every `tell` ends here,
   * so chaos tests wrap this one method to watch or inject messages an actor does not expect; the
   * adapter itself sends through typed addresses.
   */
  tellUnchecked(to: string | ReplyAddress, msg: unknown): boolean {
    if (typeof to === 'string') return this.runningCell(to)?.send('user', msg) ?? false;
    const target = describeRef(to);
    if (target?.kind === 'temp') {
      sendTo(to, msg);
      return true;
    }
    if (target?.kind !== 'actor') return false;
    const cell = this.runningCell(target.path);
    // A ref names one incarnation: a message meant for a dead one must not reach its successor.
    return cell !== undefined && cell.ref === to ? cell.send('user', msg) : false;
  }

  /**
   * Ask the actor at `to` and wait for its answer (`ctx.reply(value)`, or `registry.tell(replyTo, value)`
   * when `msg` is a function building the message around the reply-to address). The answer's type is
   * the address's. Rejects with NOT_RUNNING or ASK_TIMEOUT.
   */
  async ask<M, R>(to: ActorAddress<M, R>, msg: NoInfer<M | ((replyTo: ReplyAddress) => M)>, timeoutMs: number): Promise<R> {
    const cell = this.runningCell(to);
    if (!cell) throw new SupervisionError('NOT_RUNNING', `no actor running at ${to}`, { path: to });
    const build = typeof msg === 'function' ? (msg as (replyTo: ReplyAddress) => M) : () => msg;
    return (await cell.ask(build, timeoutMs)) as R;
  }

  /** True when the actor at `path` is running and its wrapper answered within `timeoutMs` (no zombie). */
  async ping(path: string, timeoutMs: number = REGISTRY_DEFAULTS.pingTimeoutMs): Promise<boolean> {
    const cell = this.runningCell(path);
    return cell ? cell.ping(timeoutMs) : false;
  }

  /** Chaos: stop the actor from outside with nact's `stop`, as a stray caller would. */
  killByPath(path: string): boolean {
    const cell = this.entries.get(path)?.cell;
    return cell ? cell.kill() : false;
  }

  /** Chaos: the actor's next message throws; if it has nothing queued, it is sent one so it crashes promptly. */
  crashByPath(path: string): boolean {
    const cell = this.entries.get(path)?.cell;
    return cell ? cell.armCrash() : false;
  }

  /** Operator: the actor's supervisor restarts it as if it had died (counts as a restart). False for the root or unknown paths. */
  restart(path: string): boolean {
    return this.entries.get(path)?.control?.requestRestart() ?? false;
  }

  /** Every known actor, ordered by path. */
  snapshot(): ActorSnapshot[] {
    const now = this.clock();
    return [...this.entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((entry) => entry.snapshot(now));
  }

  get(path: string): ActorSnapshot | undefined {
    return this.entries.get(path)?.snapshot(this.clock());
  }

  /** Status changes and escalations as they happen (the CLI's watch, tests' waits). Returns unsubscribe. */
  onChange(listener: (event: RegistryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @internal supervision/: the entry for a path, created on first use. */
  entry(path: string, kind: ActorKind, windowMs: number): RegistryEntry {
    let entry = this.entries.get(path);
    if (!entry) {
      entry = new RegistryEntry(path, kind, windowMs);
      this.entries.set(path, entry);
    }
    entry.windowMs = windowMs;
    return entry;
  }

  /** Brings a supervisor's children in line with its (function) child list: see ChildList. */
  async reconcile(path: string, timeoutMs: number = REGISTRY_DEFAULTS.reconcileTimeoutMs): Promise<ReconcileResult> {
    const entry = this.entries.get(path);
    if (entry?.kind !== 'supervisor') {
      throw new SupervisionError('NOT_RUNNING', `no supervisor at ${path}`, { path });
    }
    return this.ask(actorAddress<ReconcileRequest, ReconcileResult>(path), { type: 'reconcile' }, timeoutMs);
  }

  /** @internal supervision/: a child removed for good, with everything below it. */
  forget(path: string): void {
    for (const known of [...this.entries.keys()]) {
      if (known === path || known.startsWith(`${path}/`)) this.entries.delete(known);
    }
    this.emit({ type: 'status', path, status: 'stopped' });
  }

  /** @internal supervision/ */
  setStatus(entry: RegistryEntry, status: ActorStatus): void {
    if (entry.status === status) return;
    entry.status = status;
    this.emit({ type: 'status', path: entry.path, status });
  }

  /** @internal supervision/ */
  emit(event: RegistryEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A faulty listener must not break supervision bookkeeping; surface it outside this call.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private runningCell(path: string) {
    const entry = this.entries.get(path);
    return entry?.status === 'running' && entry.cell?.isRunning ? entry.cell : undefined;
  }
}
