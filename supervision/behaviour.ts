import type { Logger } from '../config/logging.js';
import type { ActorAddress, ReplyAddress } from './address.js';
import type { ErrorInfo } from './errors.js';
import type { Registry } from './registry.js';

/** Why an actor incarnation ended. `normal` and `shutdown` are the only normal exits. */
export type ExitReason =
  | { kind: 'normal' }
  | { kind: 'shutdown' }
  | { kind: 'crashed'; error: ErrorInfo }
  | { kind: 'start-failed'; error: ErrorInfo }
  | { kind: 'killed' }
  | { kind: 'escalated'; error: ErrorInfo }
  | { kind: 'restart-requested' };

export function isAbnormal(reason: ExitReason): boolean {
  return reason.kind !== 'normal' && reason.kind !== 'shutdown';
}

/** What every handler, init and terminate of a supervised actor gets. */
export interface ActorContext<M> {
  /** Registry path, e.g. `adapter/fleet/p01/collector`. */
  readonly path: string;
  /** The same path as this actor's typed address: what others (the uplink) answer to. */
  readonly self: ActorAddress<M>;
  /** pino child logger with `actor: path`. */
  readonly log: Logger;
  /** Address other actors by path: tell, ask, ping. */
  readonly registry: Registry;
  /** Aborted when this incarnation ends (stop, crash, kill): pass it to sockets, fetch, waits. */
  readonly signal: AbortSignal;
  /** This incarnation's nact ref: usable as a reply-to address; stale after a restart. */
  readonly ref: ReplyAddress;
  /** The asker of the message being handled (a temporary ref), if it came from `ask`. */
  readonly sender: ReplyAddress | undefined;
  /** Answer the `ask` that delivered the current message. False when there is no asker. */
  reply(value: unknown): boolean;
  /** Queue a message to this incarnation. False once it has ended. */
  tellSelf(msg: M): boolean;
  /** Deliver `msg` to this incarnation after `delayMs`; cancelled automatically when it ends. Returns a cancel function. */
  schedule(msg: M, delayMs: number): () => void;
  /** End this actor normally once the current handler returns (a transient child is then not restarted). */
  stop(): void;
}

/**
 * A worker: a state machine over its messages. `init` and `handle` may be async; a throw (or a
 * rejected promise) is a crash. `terminate` runs exactly once per incarnation that finished `init`,
 * whatever the end (shutdown, crash, kill): close sockets there.
 */
export interface Behaviour<S, M> {
  init(ctx: ActorContext<M>): S | Promise<S>;
  handle(state: S, msg: M, ctx: ActorContext<M>): S | Promise<S>;
  terminate?(state: S, reason: ExitReason, ctx: ActorContext<M>): void | Promise<void>;
}
