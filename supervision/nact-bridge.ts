/**
 * The only file that touches nact. nact's typings are loose (and omit `sender`), so its values are
 * decoded here into what the rest of supervision/ relies on.
 */
import { dispatch, query, type Ref, spawn, start, stop } from 'nact';

export type NactRef = Ref<unknown>;

export interface ActorHooks {
  /** One message, handled in order; a throw or rejection is a crash. `sender` is the asker's temporary ref, if any. */
  receive(message: unknown, sender: unknown): Promise<void>;
  /** nact's crash hook: the supervisor (ours) decides what happens next, so nact is told to stop. */
  crashed(error: unknown): void;
  /** nact's afterStop: the actor is gone from the tree. Runs for crashes, our stops and external kills. */
  stopped(): void;
}

export function startSystem(): NactRef {
  return start();
}

export function stopSystem(system: NactRef): void {
  stop(system);
}

/** `spawn`, never `spawnStateless`: the stateless variant ignores onCrash and resumes instead. */
export function spawnActor(parent: NactRef, name: string, hooks: ActorHooks): NactRef {
  const receive = async (_state: undefined, message: unknown, ctx: unknown): Promise<undefined> => {
    await hooks.receive(message, senderOf(ctx));
    return undefined;
  };
  return spawn(parent, receive, name, {
    onCrash: (_message, error, ctx) => {
      hooks.crashed(error);
      return ctx.stop;
    },
    afterStop: () => hooks.stopped(),
  });
}

export function stopActor(ref: NactRef): void {
  stop(ref);
}

export function sendTo(ref: NactRef, message: unknown): void {
  dispatch(ref, message);
}

export function askActor(ref: NactRef, makeMessage: (replyTo: NactRef) => unknown, timeoutMs: number): Promise<unknown> {
  return query(ref, makeMessage, timeoutMs);
}

export type RefTarget = { kind: 'actor'; path: string } | { kind: 'temp' };

/** What a nact ref points at: an actor (by registry path) or an ask's temporary reply slot. */
export function describeRef(ref: unknown): RefTarget | undefined {
  if (typeof ref !== 'object' || ref === null) return undefined;
  const { type, path } = ref as { type?: unknown; path?: unknown };
  if (type === 'temp') return { kind: 'temp' };
  if (type !== 'actor' || typeof path !== 'object' || path === null) return undefined;
  const parts: unknown = (path as { parts?: unknown }).parts;
  if (!Array.isArray(parts) || !parts.every((part) => typeof part === 'string')) return undefined;
  return { kind: 'actor', path: parts.join('/') };
}

function senderOf(ctx: unknown): unknown {
  return typeof ctx === 'object' && ctx !== null ? (ctx as { sender?: unknown }).sender : undefined;
}
