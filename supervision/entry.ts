import type { Cell } from './cell.js';
import type { ErrorInfo } from './errors.js';
import { withinWindow } from './intensity.js';

export type ActorKind = 'supervisor' | 'worker';
export type ActorStatus = 'running' | 'restarting' | 'backoff' | 'stopped' | 'failed';

/** One row of `registry.snapshot()`: plain data, safe to serialise for the CLI. */
export interface ActorSnapshot {
  path: string;
  kind: ActorKind;
  status: ActorStatus;
  restarts: { total: number; inWindow: number };
  lastError: (ErrorInfo & { at: number }) | null;
  startedAt: number | null;
  messagesHandled: number;
  /** Messages queued and not yet picked up by the current incarnation. */
  mailboxDepth: number;
  lastMessageAt: number | null;
}

/** What a supervisor offers the registry for one of its children. */
export interface ChildControl {
  requestRestart(): boolean;
}

/** The registry's mutable record for one path; it outlives incarnations. Internal to supervision/. */
export class RegistryEntry {
  status: ActorStatus = 'restarting';
  /** The incarnation currently starting or running there, if any. */
  cell: Cell | undefined;
  control: ChildControl | undefined;
  restartsTotal = 0;
  restartTimes: number[] = [];
  /** The supervisor's intensity period: what "restarts in the current window" means. */
  windowMs: number;
  lastError: (ErrorInfo & { at: number }) | null = null;
  startedAt: number | null = null;
  messagesHandled = 0;
  /** NaN until the first message. Never null: a number-only field is updated in place, with no heap number per message. */
  private lastMessageAtMs = Number.NaN;

  constructor(
    readonly path: string,
    readonly kind: ActorKind,
    windowMs: number,
  ) {
    this.windowMs = windowMs;
  }

  recordMessage(at: number): void {
    this.lastMessageAtMs = at;
  }

  recordRestart(now: number): void {
    this.restartsTotal += 1;
    this.restartTimes = [...withinWindow(this.restartTimes, now, this.windowMs), now];
  }

  snapshot(now: number): ActorSnapshot {
    return {
      path: this.path,
      kind: this.kind,
      status: this.status,
      restarts: { total: this.restartsTotal, inWindow: withinWindow(this.restartTimes, now, this.windowMs).length },
      lastError: this.lastError ? { ...this.lastError } : null,
      startedAt: this.startedAt,
      messagesHandled: this.messagesHandled,
      mailboxDepth: this.cell?.mailboxDepth ?? 0,
      lastMessageAt: Number.isNaN(this.lastMessageAtMs) ? null : this.lastMessageAtMs,
    };
  }
}
