import type { Behaviour } from './behaviour.js';
import type { CellHooks } from './cell.js';

/** A worker cell runs the behaviour; terminate is only for an incarnation whose init finished. */
export function workerHooks(behaviour: Behaviour<unknown, unknown>): CellHooks {
  return {
    kind: 'worker',
    init: (ctx) => behaviour.init(ctx),
    handle: (state, msg, ctx) => behaviour.handle(state, msg, ctx),
    terminate: async ({ state, reason, ctx, initialized }) => {
      if (initialized) await behaviour.terminate?.(state, reason, ctx);
    },
  };
}
