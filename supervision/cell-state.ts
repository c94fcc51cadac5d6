import { SupervisionError } from './errors.js';

/**
 * Where one incarnation (a Cell) is in its life. One value, as `ws` keeps one `readyState`: every
 * method of the cell reads it, and it changes only through `transition` below.
 *
 * - `starting`: init is queued or running.
 * - `running`: init finished; the cell handles its mailbox.
 * - `stopping`: an ordered or self-requested stop: terminate runs while the actor is still in the nact tree.
 * - `leaving`: crashed, or terminated from inside: it handles nothing more, its nact stop is on its way.
 * - `killed`: nact-stopped from outside (chaos, a stray stop): it handles nothing more; afterStop finishes it.
 * - `detached`: its parent left the nact tree: unreachable, nothing queued is handled, nothing by path.
 * - `finished`: ended once and for all: timers cleared, queue dropped, terminate run (or abandoned).
 */
export type CellPhase = 'starting' | 'running' | 'stopping' | 'leaving' | 'killed' | 'detached' | 'finished';

/**
 * What moves a cell:
 * - `init-done`: init returned a state;
 * - `stop`: the stop envelope (ordered) or ctx.stop() (self) is being carried out from inside;
 * - `leave`: a crash, or the end of an inside stop: out of the nact tree;
 * - `kill`: nact `stop` from outside;
 * - `detach`: the parent vanished from the nact tree;
 * - `finish`: nact's afterStop, an abandon, or the end scheduled by `leave`.
 */
export type CellEvent = 'init-done' | 'stop' | 'leave' | 'kill' | 'detach' | 'finish';

/**
 * Every transition drawn (supervision/README.md has the diagram). A self-loop is drawn where the
 * event may come and changes nothing about where the cell is (a second kill, a zombie
 * continuation's crash, terminate asked for from inside an unreachable incarnation).
 */
export const CELL_TRANSITIONS: Readonly<Record<CellPhase, Readonly<Partial<Record<CellEvent, CellPhase>>>>> = {
  starting: { 'init-done': 'running', leave: 'leaving', kill: 'killed', detach: 'detached', finish: 'finished' },
  running: { stop: 'stopping', leave: 'leaving', kill: 'killed', detach: 'detached', finish: 'finished' },
  stopping: { leave: 'leaving', kill: 'killed', detach: 'detached', finish: 'finished' },
  leaving: { leave: 'leaving', kill: 'leaving', detach: 'detached', finish: 'finished' },
  killed: { stop: 'killed', leave: 'leaving', kill: 'killed', detach: 'detached', finish: 'finished' },
  detached: { stop: 'detached', leave: 'detached', finish: 'finished' },
  finished: {},
};

/** Whether `event` is drawn from `from`. */
export function allows(from: CellPhase, event: CellEvent): boolean {
  return CELL_TRANSITIONS[from][event] !== undefined;
}

/** The phase `event` leads to from `from`; a transition not drawn is a bug of the cell: INVALID_TRANSITION. */
export function transition(from: CellPhase, event: CellEvent, path = ''): CellPhase {
  const to = CELL_TRANSITIONS[from][event];
  if (to === undefined) {
    throw new SupervisionError('INVALID_TRANSITION', `cell ${path}: no transition from ${from} on ${event}`, { path, from, event });
  }
  return to;
}

/** Reachable: it accepts envelopes, timers and chaos (what is queued may still be dropped at its end). */
export function isReachable(phase: CellPhase): boolean {
  return phase !== 'detached' && phase !== 'finished';
}

/**
 * Its nact path is still its own: nact's `stop(ref)` resolves a ref by path, so the cell may stop
 * itself through it only in these phases (afterwards a successor may own the path).
 */
export function ownsPath(phase: CellPhase): boolean {
  return phase === 'starting' || phase === 'running' || phase === 'stopping';
}

/** It takes envelopes off its queue: what is left after a kill or a crash counts as dropped. */
export function handlesMessages(phase: CellPhase): boolean {
  return ownsPath(phase);
}
