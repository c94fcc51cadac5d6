import { seededRandom } from '../seeded-random.js';
import type { DecodedRows } from './infotable-decoder.js';

/**
 * Run-time fault controls of the stand-in and the per-request decision they lead to. No I/O:
 * the server asks `decide()` once per request, in arrival order. Two random draws are taken per
 * request whatever the settings, so one seed gives one sequence of decisions.
 */

export type OutageMode = 'reset' | 'hang';
export type ResetPoint = 'before' | 'after';

export interface StandInFaults {
  /** Delay added before every response. */
  setLatency(ms: number): void;
  /** This share of requests (0..1) is answered with `status` instead of being handled. */
  setErrorRate(rate: number, status?: number): void;
  /** The next `forRequests` requests (all, when absent) get `status` with `Retry-After: seconds`; null ends it. */
  setRetryAfter(seconds: number | null, forRequests?: number, status?: 503 | 429): void;
  /**
   * This share of requests ends in a TCP reset: 'before' handling (nothing recorded), or 'after'
   * the values were recorded (the client cannot know they were, and re-sends: a duplicate).
   */
  setResets(rate: number, point?: ResetPoint): void;
  /**
   * Full outage. 'reset': every connection is accepted then reset at once, and open keep-alive
   * connections are reset (the client sees ECONNRESET). 'hang': requests are read and never answered
   * (the client times out). The port stays bound either way, so recovery needs no new URL.
   */
  setOutage(on: boolean, mode?: OutageMode): void;
  /** From now on only this key is accepted. */
  rotateAppKey(newKey: string): void;
  /**
   * Silent corruption: from now on every NUMBER or INTEGER value written to `property` (to any property when
   * absent) is stored with `delta` added, and the write is answered 200 as usual. The adapter cannot tell; only a
   * check of values against what the printers sent can. `null` ends it.
   */
  setValueCorruption(delta: number | null, property?: string): void;
  /**
   * The key's user loses (true) or regains (false) its permissions on this Thing: every request for it is answered
   * 403, as ThingWorx answers a user without PropertyRead/ServiceInvoke on an entity, while other Things and the key
   * itself still work.
   */
  setForbidden(thing: string, forbidden: boolean): void;
}

export type FaultDecision =
  | { kind: 'handle'; resetAfter: boolean }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'status'; status: number; retryAfterSeconds?: number };

export interface FaultState {
  latencyMs: number;
  outage: OutageMode | undefined;
  corruption: { delta: number; property: string | undefined } | undefined;
}

/** Base-type codes of DecodedRows (infotable-decoder rowCode) whose value is a number that can be shifted. */
const NUMBER_CODE = 0;
const INTEGER_CODE = 1;

function rate(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be within 0..1, got ${value}`);
  return value;
}

export class FaultPlan {
  readonly state: FaultState = { latencyMs: 0, outage: undefined, corruption: undefined };
  private readonly random: () => number;
  private errorRate = 0;
  private errorStatus = 500;
  private resetRate = 0;
  private resetPoint: ResetPoint = 'before';
  private retryAfter: { seconds: number; remaining: number; status: number } | undefined;
  private readonly forbidden = new Set<string>();

  constructor(
    seed: number,
    private readonly onOutage: (mode: OutageMode | undefined) => void,
    private readonly onRotate: (newKey: string) => void,
  ) {
    this.random = seededRandom(seed);
  }

  readonly controls: StandInFaults = {
    setLatency: (ms) => {
      if (!(ms >= 0)) throw new RangeError(`latency must be >= 0, got ${ms}`);
      this.state.latencyMs = ms;
    },
    setErrorRate: (value, status = 500) => {
      this.errorRate = rate('error rate', value);
      this.errorStatus = status;
    },
    setRetryAfter: (seconds, forRequests, status = 503) => {
      this.retryAfter = seconds === null ? undefined : { seconds, remaining: forRequests ?? Number.POSITIVE_INFINITY, status };
    },
    setResets: (value, point = 'before') => {
      this.resetRate = rate('reset rate', value);
      this.resetPoint = point;
    },
    setOutage: (on, mode = 'reset') => {
      this.state.outage = on ? mode : undefined;
      this.onOutage(this.state.outage);
    },
    rotateAppKey: (newKey) => this.onRotate(newKey),
    setValueCorruption: (delta, property) => {
      if (delta !== null && !Number.isFinite(delta)) throw new RangeError(`corruption delta must be finite, got ${delta}`);
      this.state.corruption = delta === null ? undefined : { delta, property };
    },
    setForbidden: (thing, forbidden) => {
      if (forbidden) this.forbidden.add(thing);
      else this.forbidden.delete(thing);
    },
  };

  /** The key's user may not touch this Thing (setForbidden). */
  isForbidden(thing: string): boolean {
    return this.forbidden.has(thing);
  }

  /** Applies the value corruption in effect to rows about to be stored; how many were changed. */
  corrupt(rows: DecodedRows): number {
    const corruption = this.state.corruption;
    if (!corruption) return 0;
    let changed = 0;
    for (let row = 0; row < rows.count; row++) {
      const baseType = (rows.codes[row] as number) & 7;
      if (baseType !== NUMBER_CODE && baseType !== INTEGER_CODE) continue;
      if (corruption.property !== undefined && rows.names[row] !== corruption.property) continue;
      rows.numbers[row] = (rows.numbers[row] as number) + corruption.delta;
      changed++;
    }
    return changed;
  }

  decide(): FaultDecision {
    const resetDraw = this.random();
    const errorDraw = this.random();
    if (this.state.outage === 'hang') return { kind: 'hang' };
    if (this.state.outage === 'reset') return { kind: 'reset' };
    const reset = resetDraw < this.resetRate;
    if (reset && this.resetPoint === 'before') return { kind: 'reset' };
    if (this.retryAfter && this.retryAfter.remaining > 0) {
      this.retryAfter.remaining -= 1;
      return { kind: 'status', status: this.retryAfter.status, retryAfterSeconds: this.retryAfter.seconds };
    }
    if (errorDraw < this.errorRate) return { kind: 'status', status: this.errorStatus };
    return { kind: 'handle', resetAfter: reset };
  }
}
