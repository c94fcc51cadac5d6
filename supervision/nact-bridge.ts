/**
 * The only file that touches nact. nact's typings are loose (and omit `sender`), so its values are
 * decoded here into what the rest of supervision/ relies on.
 */
import { dispatch, query, type Ref, spawn, start, stop } from 'nact';

export type NactRef = Ref<unknown>;

/**
 * nact owns the tree (paths, spawn, stop, afterStop) and asks; supervision/'s run queue, not nact's
 * mailbox, runs the messages. So nact sees little traffic: an ask's placeholder, or a raw dispatch.
 */
export interface ActorHooks {
  /** A message nact delivered, in order. `sender` is the asker's temporary ref, if any. Must not throw. */
  receive(message: unknown, sender: unknown): void;
  /** nact's crash hook (receive threw after all): the supervisor (ours) decides what happens next, so nact is told to stop. */
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
  // The value becomes nact's state, which nothing reads.
  const receive = (_state: unknown, message: unknown, ctx: unknown): undefined => {
    hooks.receive(message, (ctx as { sender?: unknown }).sender);
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

/**
 * What nact would otherwise allocate as the sender of every plain dispatch (its `new Nobody()`
 * default): one shared, frozen copy of the same shape.
 */
const NO_SENDER = Object.freeze({
  type: 'nobody',
  system: Object.freeze({ name: undefined }),
  path: Object.freeze({ parts: Object.freeze([]) }),
});

/** nact's typings omit dispatch's third argument (the sender); the runtime takes it. */
const dispatchFrom = dispatch as (ref: NactRef, message: unknown, sender: unknown) => void;

export function sendTo(ref: NactRef, message: unknown): void {
  dispatchFrom(ref, message, NO_SENDER);
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
