/**
 * The latest log-worthy events of the fleet (alerts raised and cleared, restarts, refusals, Things
 * held and released), found by comparing the control actor's successive samples of the tree, and kept
 * in a bounded ring so every caller of the `events` view sees the same recent history. Pure.
 */
import { FLEET_EVENTS_DEFAULTS } from '../../config/defaults.js';

export type FleetEventKind = 'alert-raised' | 'alert-cleared' | 'restart' | 'refused' | 'held' | 'released';

export interface FleetEvent {
  at: number;
  kind: FleetEventKind;
  /** The printer, actor path, peer or Thing the event is about. */
  subject: string;
  /** The alert (with its item), the error that caused a restart, how many windows were refused … */
  detail: string;
}

export interface LastAlert {
  name: string;
  item: string | null;
  state: 'raised' | 'cleared';
  at: number;
}

export interface FleetSample {
  at: number;
  /** Every actor's restart count, from the registry. */
  actors: ReadonlyArray<{ path: string; restarts: { total: number }; lastError: { message: string; code?: string } | null }>;
  printers: ReadonlyArray<{
    id: string;
    /** The health actor's path, to tell a restarted tracker from cleared alerts. */
    healthPath: string;
    /** Undefined when the health actor did not answer (restarting, busy). */
    activeAlerts?: ReadonlyArray<{ alert: string; item?: string }>;
  }>;
  refusals: ReadonlyArray<{ reason: string; peer: string; count: number }>;
  /** Held Things, undefined when the uplink did not answer. */
  holds?: ReadonlyArray<{ thing: string; reason: string; status: number }>;
}

export interface FleetEventTotals {
  alertsRaised: number;
  alertsCleared: number;
  restarts: number;
  refusedWindows: number;
}

function alertKey(alert: { alert: string; item?: string }): string {
  return alert.item === undefined ? alert.alert : `${alert.alert}\u0000${alert.item}`;
}

function alertText(alert: { alert: string; item?: string }): string {
  return alert.item === undefined ? alert.alert : `${alert.alert} (${alert.item})`;
}

export class FleetEvents {
  readonly #capacity: number;
  #ring: FleetEvent[] = [];
  #primed = false;
  readonly #restarts = new Map<string, number>();
  readonly #alerts = new Map<string, Map<string, { alert: string; item?: string }>>();
  readonly #refused = new Map<string, number>();
  #holds = new Map<string, string>();
  readonly #lastAlert = new Map<string, LastAlert>();
  readonly #totals: FleetEventTotals = { alertsRaised: 0, alertsCleared: 0, restarts: 0, refusedWindows: 0 };

  constructor(limits: { capacity: number } = FLEET_EVENTS_DEFAULTS) {
    this.#capacity = limits.capacity;
  }

  #push(event: FleetEvent): void {
    // Only events after the first sample: what was already there when the daemon (or this actor) started is not news.
    if (!this.#primed) return;
    this.#ring.push(event);
    if (this.#ring.length > this.#capacity) this.#ring.splice(0, this.#ring.length - this.#capacity);
  }

  /** Compares one sample with the previous one and records what changed. */
  observe(sample: FleetSample): void {
    const { at } = sample;
    const restarted = new Set<string>();
    for (const actor of sample.actors) {
      const before = this.#restarts.get(actor.path);
      this.#restarts.set(actor.path, actor.restarts.total);
      if (before !== undefined && actor.restarts.total > before) restarted.add(actor.path);
    }
    // A restarted subtree restarts its children: name the topmost path only.
    for (const path of restarted) {
      if ([...restarted].some((other) => other !== path && path.startsWith(`${other}/`))) continue;
      const actor = sample.actors.find((a) => a.path === path);
      const error = actor?.lastError;
      const detail = error ? `${error.code === undefined ? '' : `${error.code} `}${error.message}` : 'restarted';
      if (this.#primed) this.#totals.restarts += 1;
      this.#push({ at, kind: 'restart', subject: path, detail });
    }

    for (const printer of sample.printers) {
      if (printer.activeAlerts === undefined) continue;
      const now = new Map(printer.activeAlerts.map((alert) => [alertKey(alert), alert]));
      const before = this.#alerts.get(printer.id);
      this.#alerts.set(printer.id, now);
      // A new health incarnation starts with no alert: its empty set is not a clear.
      if (before === undefined || restarted.has(printer.healthPath) || [...restarted].some((p) => printer.healthPath.startsWith(`${p}/`))) {
        continue;
      }
      for (const [key, alert] of now) {
        if (before.has(key)) continue;
        if (this.#primed) this.#totals.alertsRaised += 1;
        this.#lastAlert.set(printer.id, { name: alert.alert, item: alert.item ?? null, state: 'raised', at });
        this.#push({ at, kind: 'alert-raised', subject: printer.id, detail: alertText(alert) });
      }
      for (const [key, alert] of before) {
        if (now.has(key)) continue;
        if (this.#primed) this.#totals.alertsCleared += 1;
        this.#lastAlert.set(printer.id, { name: alert.alert, item: alert.item ?? null, state: 'cleared', at });
        this.#push({ at, kind: 'alert-cleared', subject: printer.id, detail: alertText(alert) });
      }
    }

    for (const refusal of sample.refusals) {
      const key = `${refusal.reason}\u0000${refusal.peer}`;
      const before = this.#refused.get(key) ?? 0;
      this.#refused.set(key, refusal.count);
      const added = refusal.count - before;
      if (added <= 0) continue;
      if (this.#primed) this.#totals.refusedWindows += added;
      this.#push({ at, kind: 'refused', subject: refusal.peer, detail: `${added} window${added === 1 ? '' : 's'} (${refusal.reason})` });
    }

    if (sample.holds !== undefined) {
      const holds = new Map(sample.holds.map((hold) => [hold.thing, `${hold.status} ${hold.reason}`]));
      for (const [thing, why] of holds) {
        if (this.#holds.get(thing) !== why) this.#push({ at, kind: 'held', subject: thing, detail: why });
      }
      for (const thing of this.#holds.keys()) {
        if (!holds.has(thing)) this.#push({ at, kind: 'released', subject: thing, detail: 'sending again' });
      }
      this.#holds = holds;
    }
    this.#primed = true;
  }

  /** Newest last; at most `limit` of them. */
  recent(limit = this.#capacity): FleetEvent[] {
    return this.#ring.slice(Math.max(0, this.#ring.length - limit));
  }

  lastAlert(printer: string): LastAlert | undefined {
    return this.#lastAlert.get(printer);
  }

  /** Counted since this log started (the control actor's first sample). */
  totals(): FleetEventTotals {
    return { ...this.#totals };
  }
}
