/** Which states read as good, worrying or bad, for every view the same. */
import type { ActorStatus } from './types.js';
import type { Tone } from './style.js';

export function actorStatusTone(status: ActorStatus): Tone {
  switch (status) {
    case 'running':
      return 'good';
    case 'restarting':
    case 'backoff':
      return 'warn';
    case 'failed':
      return 'bad';
    case 'stopped':
      return 'dim';
    default: {
      const unexpected: never = status;
      return unexpected;
    }
  }
}

const GOOD_STATES = new Set(['ready', 'running', 'online', 'idle', 'printing', 'building', 'connected']);
const WARN_STATES = new Set(['degraded', 'connecting', 'starting', 'restarting', 'backoff', 'stale', 'paused']);
const BAD_STATES = new Set(['unauthorized', 'failed', 'offline', 'error', 'unreachable', 'stopped']);

/** Free-text states (session, printer): coloured when the word is known, plain otherwise. */
export function stateTone(state: string): Tone {
  const word = state.toLowerCase();
  if (GOOD_STATES.has(word)) return 'good';
  if (WARN_STATES.has(word)) return 'warn';
  if (BAD_STATES.has(word)) return 'bad';
  return 'plain';
}
