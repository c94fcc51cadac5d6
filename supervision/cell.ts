import type { Logger } from '../config/logging.js';
import { actorAddress, type ReplyAddress } from './address.js';
import type { ActorContext, ExitReason } from './behaviour.js';
import { allows, type CellEvent, type CellPhase, handlesMessages, isReachable, ownsPath, transition } from './cell-state.js';
import { withinDeadline } from './deadline.js';
import type { ActorKind, RegistryEntry } from './entry.js';
import { describeError, type ErrorInfo, SupervisionError } from './errors.js';
import { type Envelope, type EnvelopeKind, EnvelopeQueue } from './envelope.js';
import { askActor, describeRef, type NactRef, sendTo, spawnActor, stopActor } from './nact-bridge.js';
import type { Registry } from './registry.js';
import { type Runnable, runQueue } from './run-queue.js';
import { MAILBOX_DEFAULTS } from '../config/defaults.js';

/** What an ask dispatches to nact to get its reply ref; the message itself goes into the cell's FIFO. */
const NOTHING = Symbol('nothing');

/** What `await` would wait for: a handler's result is awaited only when it is one. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return false;
  return typeof (value as { then?: unknown }).then === 'function';
}

const KILLED: ErrorInfo = { message: 'stopped from outside its supervisor', code: 'ACTOR_KILLED' };

/** What runs inside a cell: a worker's behaviour, or a supervisor. State is opaque to the cell. */
export interface CellHooks {
  readonly kind: ActorKind;
  init(ctx: ActorContext<unknown>, self: Cell): unknown;
  handle(state: unknown, msg: unknown, ctx: ActorContext<unknown>): unknown;
  /** Runs exactly once per incarnation, however it ended, even if init never finished. */
  terminate(end: CellEnd): void | Promise<void>;
  /** The actor's parent vanished from under it: nothing below may touch nact by path any more. */
  detach?(): void;
}

export interface CellEnd {
  state: unknown;
  reason: ExitReason;
  ctx: ActorContext<unknown>;
  /** Init finished: there is a state to clean up. */
  initialized: boolean;
  /**
   * The actor is still in the nact tree (an ordered stop from inside), so its children can still be
   * stopped in order. Otherwise nact has already dropped it, and its children with it.
   */
  attached: boolean;
}

export interface ExitInfo {
  reason: ExitReason;
  /** Messages that were queued and never handled. */
  droppedMessages: number;
}

export interface CellOptions {
  parent: NactRef;
  entry: RegistryEntry;
  registry: Registry;
  logger: Logger;
  hooks: CellHooks;
  /** Bound on terminate when the end was not ordered (crash, kill). */
  terminateMs: number;
  /** Called when this incarnation ended without its supervisor ordering it (crash, kill, normal stop). */
  onUnexpectedExit: (cell: Cell, exit: ExitInfo) => void;
}

/**
 * One incarnation of a supervised actor: a nact actor (its place in the tree, its path, asks) plus
 * the wrapper that owns its mailbox and runs it from the run queue, answers pings, arms chaos
 * crashes, owns its timers and reports its end exactly once.
 */
export class Cell implements Runnable {
  readonly ref: NactRef;
  readonly path: string;
  /** Resolves when init finished; rejects if the incarnation ended before that. */
  readonly started: Promise<void>;
  /** Resolves once, when the incarnation has ended and terminate has run (or was abandoned). */
  readonly exited: Promise<ExitInfo>;
  mailboxDepth = 0;

  private readonly queue = new EnvelopeQueue();
  /** Reused for every envelope taken off the queue. */
  private readonly taken: Envelope = { kind: 'probe', body: undefined, sender: undefined };
  /** In the run queue, running a batch, or awaiting a handler: whatever is queued will be picked up. */
  private scheduled = false;
  private readonly entry: RegistryEntry;
  private readonly registry: Registry;
  private readonly hooks: CellHooks;
  private readonly options: CellOptions;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly baseContext: ActorContext<unknown>;
  /** The lifecycle: the one value every method checks, changed only through `moveOn` (cell-state.ts). */
  private phase: CellPhase = 'starting';
  /** The behaviour's state, once init returned one (whatever the phase then: a kill may come first). */
  private held: { state: unknown } | undefined;
  /** `started` has been resolved or rejected. */
  private startSettled = false;
  /** Chaos: the next ping, probe or behaviour message throws. */
  private crashArmed = false;
  /** Why it ends, as far as known; `exitReason` reads these once, when it finishes. */
  private crashError: ErrorInfo | undefined;
  /** Set by the supervisor before it stops this incarnation (shutdown, strategy restart). */
  private stopOrder: ExitReason | undefined;
  /** Set by the actor itself: ctx.stop() (normal) or a supervisor giving up (escalated). */
  private selfStop: ExitReason | undefined;
  /** terminate runs once per incarnation, from inside (stop) or at the finish, whichever comes first. */
  private terminateStarted = false;
  /** The reason it finished with: what a late init's state is terminated under. */
  private finalReason: ExitReason | undefined;
  private resolveStarted!: () => void;
  private rejectStarted!: (error: Error) => void;
  private resolveExited!: (exit: ExitInfo) => void;

  constructor(options: CellOptions) {
    this.options = options;
    this.entry = options.entry;
    this.registry = options.registry;
    this.hooks = options.hooks;
    this.path = options.entry.path;
    this.log = options.logger.child({ actor: this.path });
    this.started = new Promise<void>((resolve, reject) => {
      this.resolveStarted = resolve;
      this.rejectStarted = reject;
    });
    // A start failure is reported to whoever awaits `started`; nobody must be forced to.
    this.started.catch(() => undefined);
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.resolveExited = resolve;
    });
    const name = this.path.slice(this.path.lastIndexOf('/') + 1);
    this.ref = spawnActor(options.parent, name, {
      receive: (message, sender) => this.receive(message, sender),
      crashed: (error) => this.crashed(error),
      stopped: () => void this.finish(),
    });
    this.baseContext = this.createContext();
    this.entry.cell = this;
    // Sent before anyone else can reach the new ref, so init is always the first message.
    this.send('init', undefined);
  }

  /** Where this incarnation is in its life (see cell-state.ts). */
  get lifecycle(): CellPhase {
    return this.phase;
  }

  /** Running: init done, not ended, reachable. */
  get isRunning(): boolean {
    return this.held !== undefined && isReachable(this.phase);
  }

  /** The one place the phase changes; a transition not drawn throws INVALID_TRANSITION. */
  private moveOn(event: CellEvent): void {
    this.phase = transition(this.phase, event, this.path);
  }

  /** Queue an envelope to this incarnation. False once it has ended. */
  send(kind: EnvelopeKind, body: unknown): boolean {
    if (!isReachable(this.phase)) return false;
    this.enqueue(kind, body, undefined);
    return true;
  }

  /**
   * Queue behind everything sent before it, and get a turn in the run queue unless one is coming.
   * Returns what an ask dispatches to nact for its reply ref: NOTHING.
   */
  private enqueue(kind: EnvelopeKind, body: unknown, sender: unknown): typeof NOTHING {
    if (kind !== 'raw') this.mailboxDepth += 1;
    this.queue.push(kind, body, sender);
    if (!this.scheduled) {
      this.scheduled = true;
      runQueue.schedule(this);
    }
    return NOTHING;
  }

  ask(build: (replyTo: ReplyAddress) => unknown, timeoutMs: number): Promise<unknown> {
    return askActor(this.ref, (replyTo) => this.enqueue('user', build(replyTo as ReplyAddress), replyTo), timeoutMs).catch(
      (error: unknown) => {
        const timedOut = error instanceof Error && error.message === 'Query Timeout';
        throw timedOut
          ? new SupervisionError('ASK_TIMEOUT', `no answer from ${this.path} within ${timeoutMs} ms`, {
              path: this.path,
              timeoutMs,
            })
          : new SupervisionError('NOT_RUNNING', `no actor running at ${this.path}`, { path: this.path });
      },
    );
  }

  async ping(timeoutMs: number): Promise<boolean> {
    try {
      const answer = await askActor(this.ref, (replyTo) => this.enqueue('ping', undefined, replyTo), timeoutMs);
      return answer === true;
    } catch {
      return false;
    }
  }

  /** Chaos: nact `stop` from outside; the wrapper sees it only through afterStop, like any stray stop. */
  kill(): boolean {
    if (!allows(this.phase, 'kill')) return false;
    this.moveOn('kill');
    stopActor(this.ref);
    return true;
  }

  armCrash(): boolean {
    if (!isReachable(this.phase)) return false;
    this.crashArmed = true;
    // Always a probe: what is queued may never be handled (a message counted for a path that
    // vanished), and an armed crash must not linger until some later, unrelated message.
    return this.send('probe', undefined);
  }

  /** Supervisor: stop after what is already queued, then terminate. Await `exited`, bounded by shutdownMs. */
  orderStop(reason: ExitReason): void {
    this.stopOrder ??= reason;
    // Unreachable (its parent vanished): nobody can deliver a stop, so end it here.
    if (this.phase === 'detached') {
      void this.finish();
      return;
    }
    // Fails only when it is already on its way out; then afterStop (or abandon) finishes it.
    this.send('stop', undefined);
  }

  /**
   * Supervisor: end it now. Attached: nact-stop it too (its handler may be stuck); the terminate
   * hook keeps running in the background if it already started. Resolves when the cell has finished.
   */
  abandon(reason: ExitReason): Promise<ExitInfo> {
    this.stopOrder ??= reason;
    if (isReachable(this.phase)) stopActor(this.ref);
    return this.finish();
  }

  /** Its supervisor is gone from the nact tree: this incarnation and everything below is unreachable. */
  detach(): void {
    if (!allows(this.phase, 'detach')) return;
    this.moveOn('detach');
    this.hooks.detach?.();
  }

  /** From inside the actor: end after the current message. */
  stopSelf(reason: ExitReason): void {
    this.selfStop ??= reason;
  }

  private createContext(): ActorContext<unknown> {
    return {
      path: this.path,
      self: actorAddress(this.path),
      log: this.log,
      registry: this.registry,
      signal: this.abort.signal,
      ref: this.ref as ReplyAddress,
      sender: undefined,
      reply: () => false,
      tellSelf: (msg) => this.send('user', msg),
      schedule: (msg, delayMs) => this.schedule(msg, delayMs),
      stop: () => this.stopSelf({ kind: 'normal' }),
    };
  }

  private messageContext(sender: unknown): ActorContext<unknown> {
    if (describeRef(sender)?.kind !== 'temp') return this.baseContext;
    const replyTo = sender as ReplyAddress;
    return {
      ...this.baseContext,
      sender: replyTo,
      reply: (value) => {
        sendTo(replyTo, value);
        return true;
      },
    };
  }

  private schedule(msg: unknown, delayMs: number): () => void {
    if (!isReachable(this.phase)) return () => undefined;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.send('user', msg);
    }, delayMs);
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** A message nact delivered: an ask's NOTHING, or a raw dispatch to the ref that bypassed the registry. */
  private receive(message: unknown, sender: unknown): void {
    if (message === NOTHING) return;
    // A zombie continuation or a message racing the end: this incarnation does no more work.
    if (!isReachable(this.phase)) return;
    // Uncounted, but in the same FIFO: still one message at a time, in order.
    this.enqueue('raw', message, sender);
  }

  /** The run queue's turn. Never throws: a throw or rejection from a handler is this incarnation's crash. */
  runBatch(): void {
    try {
      this.drain();
    } catch (error) {
      this.crash(error);
    }
  }

  private readonly afterAsyncHandler = (): void => this.drainLater();
  private readonly crashFromAsyncHandler = (error: unknown): void => this.crash(error);

  /**
   * Handle up to drainBatch queued envelopes, in order. An async handler ends the batch: after it,
   * the rest waits for a fresh turn, and a continuation that outlives a kill (a zombie) never
   * handles another message.
   */
  private drain(): void {
    const taken = this.taken;
    for (let handled = 0; handled < MAILBOX_DEFAULTS.drainBatch; handled += 1) {
      // Nothing is handled after a kill or a crash (what is left counts as dropped).
      if (this.phase === 'killed' || this.phase === 'leaving') return;
      if (!this.queue.shiftInto(taken)) {
        this.scheduled = false;
        return;
      }
      const { kind, body, sender } = taken;
      taken.body = undefined;
      taken.sender = undefined;
      if (kind !== 'raw') this.mailboxDepth -= 1;
      // Ended or unreachable: what is queued is taken off unhandled.
      if (!isReachable(this.phase)) continue;
      const pending = this.handleEnvelope(kind, body, sender);
      if (pending) {
        pending.then(this.afterAsyncHandler, this.crashFromAsyncHandler);
        return;
      }
    }
    this.drainLater();
  }

  /** More is queued: yield, and continue on a fresh turn in the run queue. */
  private drainLater(): void {
    if (this.queue.isEmpty) {
      this.scheduled = false;
      return;
    }
    // Ended: nothing more is handled (what is left counts as dropped), and this path may soon be a successor's.
    if (!handlesMessages(this.phase)) return;
    runQueue.schedule(this);
  }

  private handleEnvelope(kind: EnvelopeKind, body: unknown, sender: unknown): void | Promise<void> {
    switch (kind) {
      case 'init':
        return this.runInit();
      case 'stop':
        return this.endFromInside(this.stopOrder ?? { kind: 'shutdown' });
      case 'ping':
        this.throwIfCrashArmed();
        this.messageContext(sender).reply(true);
        return;
      case 'probe':
        this.throwIfCrashArmed();
        return;
      case 'user':
      case 'raw':
        return this.handleUser(body, sender);
      default: {
        const unknown: never = kind;
        throw new Error(`unknown envelope ${String(unknown)}`);
      }
    }
  }

  private async runInit(): Promise<void> {
    const state = await this.hooks.init(this.baseContext, this);
    if (this.phase === 'finished') {
      await this.terminateLateInit(state);
      return;
    }
    this.held = { state };
    if (this.phase === 'detached') return;
    // A kill that came while init ran ends it on afterStop; until then, what init built is this incarnation's.
    if (this.phase === 'starting') this.moveOn('init-done');
    this.markStarted();
    await this.afterMessage();
  }

  /** ctx.stop() (or a supervisor giving up) takes effect once the current message is done. */
  private afterMessage(): void | Promise<void> {
    if (this.selfStop && this.phase !== 'finished') return this.endFromInside(this.selfStop);
  }

  /** Returns a promise only when the behaviour's handler did, or when the message ends the incarnation. */
  private handleUser(body: unknown, sender: unknown): void | Promise<void> {
    this.throwIfCrashArmed();
    this.entry.recordMessage(this.registry.clock());
    const next = this.hooks.handle(this.held?.state, body, this.messageContext(sender));
    if (isThenable(next)) return Promise.resolve(next).then(this.afterAsyncUserMessage);
    this.keepState(next);
    return this.afterMessage();
  }

  /** One callback, allocated once: an async handler's message costs no closure of its own. */
  private readonly afterAsyncUserMessage = (state: unknown): void | Promise<void> => {
    this.keepState(state);
    return this.afterMessage();
  };

  private keepState(next: unknown): void {
    if (this.phase === 'finished' || this.held === undefined) return;
    this.held.state = next;
    this.entry.messagesHandled += 1;
  }

  private throwIfCrashArmed(): void {
    if (!this.crashArmed) return;
    this.crashArmed = false;
    throw new SupervisionError('INJECTED_CRASH', `crash injected into ${this.path}`, { path: this.path });
  }

  private markStarted(): void {
    this.startSettled = true;
    if (this.entry.cell === this) {
      this.entry.startedAt = this.registry.clock();
      this.registry.setStatus(this.entry, 'running');
    }
    this.resolveStarted();
  }

  /** Ordered or self-requested end: terminate while still in the nact tree, then leave it. */
  private async endFromInside(reason: ExitReason): Promise<void> {
    this.moveOn('stop');
    await this.runTerminate(reason, true);
    this.leaveTree();
  }

  /** A handler or init threw or rejected: record it and leave the tree (nact never sees the throw). */
  private crash(error: unknown): void {
    this.crashed(error);
    this.leaveTree();
  }

  private crashed(error: unknown): void {
    // Throws of zombie continuations after the end change nothing.
    if (this.phase === 'finished') return;
    this.crashError ??= describeError(error);
  }

  /**
   * End this incarnation from inside: it handles nothing more, its nact actor is stopped, and
   * nact's afterStop finishes it. nact's `stop(ref)` resolves the ref by path, so it is only used
   * while the path is still this incarnation's (not killed, not ending, not detached): a successor
   * may own it after that. Whenever nact cannot reach the actor (killed, detached, an ancestor
   * already out of the tree), afterStop never comes, so finish is also scheduled here, as nact's
   * own stop of the actor would have done; whichever comes first finishes it.
   */
  private leaveTree(): void {
    if (this.phase === 'finished') return;
    const stopByPath = ownsPath(this.phase);
    this.moveOn('leave');
    if (stopByPath) stopActor(this.ref);
    setImmediate(() => void this.finish());
  }

  private exitReason(): ExitReason {
    if (this.stopOrder) return this.stopOrder;
    if (this.crashError && this.held === undefined) return { kind: 'start-failed', error: this.crashError };
    if (this.crashError) return { kind: 'crashed', error: this.crashError };
    if (this.selfStop) return this.selfStop;
    if (this.held === undefined) {
      return { kind: 'start-failed', error: { message: `${this.path} stopped during init`, code: 'START_ABORTED' } };
    }
    return { kind: 'killed' };
  }

  /** Idempotent end of the incarnation: from afterStop, abandon, or a vanished parent. */
  private finish(): Promise<ExitInfo> {
    if (this.phase === 'finished') return this.exited;
    this.moveOn('finish');
    // nact does not stop children with their parent: whatever still lives below is unreachable now,
    // and must not send by path (that path may soon belong to a successor).
    this.hooks.detach?.();
    this.abort.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const reason = this.exitReason();
    this.finalReason = reason;
    const exit: ExitInfo = { reason, droppedMessages: Math.max(0, this.mailboxDepth) };
    this.mailboxDepth = 0;
    this.queue.clear();
    // The entry outlives incarnations: only the current one may write to it.
    if (this.entry.cell === this) {
      this.entry.cell = undefined;
      this.registry.setStatus(this.entry, 'stopped');
      const error = 'error' in reason ? reason.error : reason.kind === 'killed' ? KILLED : undefined;
      if (error) this.entry.lastError = { ...error, at: this.registry.clock() };
    }
    if (!this.startSettled) {
      this.startSettled = true;
      const error = 'error' in reason ? reason.error : { message: `${this.path} ended during init` };
      this.rejectStarted(new SupervisionError('START_ABORTED', error.message, { path: this.path, cause: error }));
    }
    void this.completeFinish(exit);
    return this.exited;
  }

  private async completeFinish(exit: ExitInfo): Promise<void> {
    const terminated = this.runTerminate(exit.reason, false);
    const bounded = await withinDeadline(terminated, this.options.terminateMs);
    if (!bounded.done) {
      this.log.warn({ terminateMs: this.options.terminateMs }, 'terminate did not finish in time; abandoned');
    }
    this.resolveExited(exit);
    // A start failure is reported through `started`; an ordered stop is awaited by the supervisor.
    if (this.held !== undefined && !this.stopOrder) this.options.onUnexpectedExit(this, exit);
  }

  /**
   * init finished after the incarnation had already ended (start timeout, kill): what it built
   * (sockets, timers) is handed to terminate all the same.
   */
  private async terminateLateInit(state: unknown): Promise<void> {
    const reason = this.finalReason ?? { kind: 'shutdown' };
    try {
      await this.hooks.terminate({ state, reason, ctx: this.baseContext, initialized: true, attached: false });
    } catch (error) {
      this.log.warn({ err: describeError(error), reason: reason.kind }, 'terminate after late init failed');
    }
  }

  /** terminate runs exactly once; its failure is logged here, where it is handled. */
  private async runTerminate(reason: ExitReason, attached: boolean): Promise<void> {
    if (this.terminateStarted) return;
    this.terminateStarted = true;
    try {
      await this.hooks.terminate({
        state: this.held?.state,
        reason,
        ctx: this.baseContext,
        initialized: this.held !== undefined,
        attached,
      });
    } catch (error) {
      this.log.warn({ err: describeError(error), reason: reason.kind }, 'terminate failed');
    }
  }
}
