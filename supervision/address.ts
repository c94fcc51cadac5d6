import type { Ref } from 'nact';

declare const handles: unique symbol;
declare const replies: unique symbol;
declare const replyTo: unique symbol;

/**
 * A registry path that knows its actor's protocol: `M` is what the actor there handles, `R` what its
 * asks answer. The brand exists only for the compiler (at run time an address is its path string),
 * so `registry.tell(uplinkAddress, collectorMessage)` does not compile. `M` sits in a parameter
 * position: an address that takes more messages may stand where one taking fewer is expected (a
 * collector's address is a valid `ActorAddress<UplinkNotice>`), never the other way round.
 */
export type ActorAddress<M, R = unknown> = string & {
  readonly [handles]: (msg: M) => void;
  readonly [replies]: R;
};

/**
 * Declares what the actor at `path` handles. This is a claim the compiler cannot check, so it is made
 * once per actor kind, where the tree is laid out (actors/paths.ts), and by tests for their own trees.
 */
export function actorAddress<M, R = unknown>(path: string): ActorAddress<M, R> {
  return path as ActorAddress<M, R>;
}

/**
 * A nact ref: an ask's temporary reply-to (what the asker waits for was agreed by the ask, so it
 * carries no message type) or the ref of one actor incarnation (stale once that incarnation ends).
 * Branded so a path string, typed or not, is never taken for one.
 */
export type ReplyAddress = Ref<unknown> & { readonly [replyTo]: true };

/** Where a message can go: a typed path, or a ref. */
export type Address = ActorAddress<never> | ReplyAddress;
