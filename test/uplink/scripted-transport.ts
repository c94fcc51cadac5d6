import type { DeliveryOutcome, ThingworxTransport, VtqRow } from '../../protocols/thingworx/types.js';

export const DELIVERED: DeliveryOutcome = { kind: 'delivered', status: 200 };

export interface RecordedCall {
  thing: string;
  rows: readonly VtqRow[];
  outcome: DeliveryOutcome | undefined;
  settle(outcome: DeliveryOutcome): void;
}

type Responder<A extends unknown[]> = (...args: A) => DeliveryOutcome | undefined;

/**
 * An in-memory ThingWorx: records every call and answers as the test scripts it. A responder that returns
 * undefined leaves the call pending until the test settles it, which is how tests hold calls "in flight".
 */
export class ScriptedTransport implements ThingworxTransport {
  readonly calls: RecordedCall[] = [];
  readonly checks: Array<{ thing: string; outcome: DeliveryOutcome | undefined }> = [];
  respond: Responder<[thing: string, rows: readonly VtqRow[]]> = () => DELIVERED;
  respondToCheck: Responder<[thing: string]> = () => DELIVERED;
  #inFlight = 0;
  maxConcurrentCalls = 0;
  closed = false;

  updatePropertyValues(thing: string, rows: readonly VtqRow[]): Promise<DeliveryOutcome> {
    return new Promise((resolve) => {
      const call: RecordedCall = {
        thing,
        // A copy, as the REST transport encodes the rows when called: the engine's queued rows are reused later
        // (a returned row may be conflated), and the record must show what this call sent.
        rows: rows.map(({ name, value, time, quality }) => ({ name, value, time, quality })),
        outcome: undefined,
        settle: (outcome) => {
          if (call.outcome !== undefined) throw new Error('call settled twice');
          call.outcome = outcome;
          this.#inFlight -= 1;
          resolve(outcome);
        },
      };
      this.calls.push(call);
      this.#inFlight += 1;
      this.maxConcurrentCalls = Math.max(this.maxConcurrentCalls, this.#inFlight);
      const outcome = this.respond(thing, call.rows);
      if (outcome !== undefined) call.settle(outcome);
    });
  }

  checkSession(thing: string): Promise<DeliveryOutcome> {
    const outcome = this.respondToCheck(thing) ?? DELIVERED;
    this.checks.push({ thing, outcome });
    return Promise.resolve(outcome);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  get pending(): RecordedCall[] {
    return this.calls.filter((call) => call.outcome === undefined);
  }

  /** Rows ThingWorx accepted, per Thing, in the order it accepted them. */
  deliveredRows(thing: string): VtqRow[] {
    return this.calls.filter((call) => call.thing === thing && call.outcome?.kind === 'delivered').flatMap((call) => call.rows);
  }
}
