/**
 * The PIP/1 operations the adapter may send (PROTOCOLS.md §5). Every one of them only reads.
 * The list is the allowlist: the type admits nothing else and the runtime list is frozen, so no
 * code path (and no message from ThingWorx) can make the client send an op that writes.
 */
export const READ_ONLY_OPS = Object.freeze(['identify', 'status', 'sensors', 'consumables'] as const);

export type PipOp = (typeof READ_ONLY_OPS)[number];

export function isReadOnlyOp(op: unknown): op is PipOp {
  return typeof op === 'string' && (READ_ONLY_OPS as readonly string[]).includes(op);
}
