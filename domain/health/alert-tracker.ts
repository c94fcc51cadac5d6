import type { Reading, ReadingValue } from '../readings.js';
import { HealthError } from './errors.js';
import { type AlertRule, type CompiledAlertRule, compileAlertRule, conditionHolds, holdingRule } from './rules.js';

export interface AlertTransition {
  alert: string;
  item: string;
  printer: string;
  state: 'raised' | 'cleared';
  /** The value that caused the transition. */
  value: ReadingValue;
  /** The reading's time. */
  time: number;
  severity: string;
}

export interface ActiveAlert {
  alert: string;
  item: string;
  printer: string;
  severity: string;
  value: ReadingValue;
  raisedAt: number;
}

/** An excursion that meets its condition but has not yet held for its rule's raiseAfterMs. */
export interface PendingAlert {
  alert: string;
  item: string;
  printer: string;
  /** The time of the first reading of the excursion. */
  since: number;
  /** The latest value seen in the excursion. */
  value: ReadingValue;
}

export interface AlertTracker {
  /**
   * Evaluates every rule for this reading's item. Returns a `raised` when a condition has become true
   * (and, with raiseAfterMs, has held that long by the readings' time), a `cleared` when a raised alert's
   * condition, against its limit moved back by the hysteresis, stops being true; nothing otherwise.
   * Only GOOD readings count: a BAD or UNKNOWN value says nothing about the printer, and ends an
   * excursion still waiting out its raiseAfterMs (it was not seen to hold). Readings are taken in arrival order.
   */
  observe(reading: Reading): readonly AlertTransition[];
  /**
   * Raises the waiting excursions that have held for their raiseAfterMs by `now` (the clock that set
   * the readings' receivedAt), for an item that stays beyond its limit without new readings. An
   * excursion has held for: (its latest reading's time − its first reading's time) + (now − that
   * latest reading's receivedAt); the raise is dated first time + raiseAfterMs.
   */
  due(now: number): readonly AlertTransition[];
  /** Alerts raised and not yet cleared, for the CLI. */
  active(): ActiveAlert[];
  /** Excursions waiting out their raiseAfterMs, for the CLI. */
  pending(): PendingAlert[];
}

/** What observe answers for the usual reading, shared: an array per reading was garbage for nothing. */
const NO_TRANSITIONS: readonly AlertTransition[] = Object.freeze([]);

interface RuleEntry {
  rule: CompiledAlertRule;
  /** What a raised alert is held by: the rule with its limit moved back by the hysteresis. */
  holding: CompiledAlertRule;
  index: number;
}

interface Excursion {
  entry: RuleEntry;
  printer: string;
  since: number;
  lastTime: number;
  lastReceivedAt: number;
  value: ReadingValue;
}

/** Throws HEALTH_RULE_INVALID for a bad rule or a second rule with the same alert name on one item. */
export function createAlertTracker(rules: readonly AlertRule[]): AlertTracker {
  const compiled = rules.map((rule, index) => compileAlertRule(rule, index));
  const rulesByItem = new Map<string, RuleEntry[]>();
  compiled.forEach((rule, index) => {
    const forItem = rulesByItem.get(rule.item) ?? [];
    if (forItem.some((other) => other.rule.alert === rule.alert)) {
      throw new HealthError('HEALTH_RULE_INVALID', 'alert name used twice on one item', {
        ruleIndex: index,
        alert: rule.alert,
        field: 'alert',
      });
    }
    forItem.push({ rule, holding: holdingRule(rule), index });
    rulesByItem.set(rule.item, forItem);
  });
  // key: printer + rule index; a present entry means the alert is raised
  const raised = new Map<string, ActiveAlert>();
  // key as above; excursions waiting out their raiseAfterMs
  const waiting = new Map<string, Excursion>();
  // The keys, built once per printer and rule rather than for every reading an alert rule watches.
  const keysByPrinter = new Map<string, string[]>();

  function keyOf(printer: string, index: number): string {
    let keys = keysByPrinter.get(printer);
    if (keys === undefined) {
      keys = [];
      keysByPrinter.set(printer, keys);
    }
    let key = keys[index];
    if (key === undefined) {
      key = `${printer}\u0000${index}`;
      keys[index] = key;
    }
    return key;
  }

  function transition(
    rule: CompiledAlertRule,
    printer: string,
    state: AlertTransition['state'],
    value: ReadingValue,
    time: number,
  ): AlertTransition {
    return { alert: rule.alert, item: rule.item, printer, state, value, time, severity: rule.severity };
  }

  function raise(key: string, rule: CompiledAlertRule, printer: string, value: ReadingValue, time: number): AlertTransition {
    raised.set(key, { alert: rule.alert, item: rule.item, printer, severity: rule.severity, value, raisedAt: time });
    return transition(rule, printer, 'raised', value, time);
  }

  /** The transition this reading causes for one rule, if any. */
  function step(entry: RuleEntry, reading: Reading): AlertTransition | undefined {
    const { rule } = entry;
    const key = keyOf(reading.printer, entry.index);
    const active = raised.get(key);
    if (active !== undefined) {
      if (conditionHolds(entry.holding, reading.value) !== false) return undefined;
      raised.delete(key);
      // Never dated before its raise (a raise by due() is dated by estimate): ThingWorx keeps the newer row as the current value.
      return transition(rule, reading.printer, 'cleared', reading.value, Math.max(reading.time, active.raisedAt));
    }
    const holds = conditionHolds(rule, reading.value);
    if (holds === undefined) return undefined;
    if (!holds) {
      waiting.delete(key);
      return undefined;
    }
    if (rule.raiseAfterMs === 0) return raise(key, rule, reading.printer, reading.value, reading.time);
    let excursion = waiting.get(key);
    if (excursion === undefined) {
      excursion = {
        entry,
        printer: reading.printer,
        since: reading.time,
        lastTime: reading.time,
        lastReceivedAt: reading.receivedAt,
        value: reading.value,
      };
      waiting.set(key, excursion);
    } else {
      excursion.lastTime = Math.max(excursion.lastTime, reading.time);
      excursion.lastReceivedAt = reading.receivedAt;
      excursion.value = reading.value;
    }
    if (reading.time - excursion.since < rule.raiseAfterMs) return undefined;
    waiting.delete(key);
    return raise(key, rule, reading.printer, reading.value, reading.time);
  }

  function observe(reading: Reading): readonly AlertTransition[] {
    const forItem = rulesByItem.get(reading.item);
    if (forItem === undefined) return NO_TRANSITIONS;
    if (reading.quality !== 'GOOD') {
      if (waiting.size > 0) for (const entry of forItem) waiting.delete(keyOf(reading.printer, entry.index));
      return NO_TRANSITIONS;
    }
    let transitions: AlertTransition[] | undefined;
    for (const entry of forItem) {
      const changed = step(entry, reading);
      if (changed === undefined) continue;
      transitions ??= [];
      transitions.push(changed);
    }
    return transitions ?? NO_TRANSITIONS;
  }

  function due(now: number): readonly AlertTransition[] {
    if (waiting.size === 0) return NO_TRANSITIONS;
    let transitions: AlertTransition[] | undefined;
    for (const [key, excursion] of waiting) {
      const { rule } = excursion.entry;
      const heldFor = excursion.lastTime - excursion.since + Math.max(0, now - excursion.lastReceivedAt);
      if (heldFor < rule.raiseAfterMs) continue;
      waiting.delete(key);
      transitions ??= [];
      transitions.push(raise(key, rule, excursion.printer, excursion.value, excursion.since + rule.raiseAfterMs));
    }
    return transitions ?? NO_TRANSITIONS;
  }

  return {
    observe,
    due,
    active: () => [...raised.values()].map((alert) => ({ ...alert })),
    pending: () =>
      [...waiting.values()].map(({ entry, printer, since, value }) => ({
        alert: entry.rule.alert,
        item: entry.rule.item,
        printer,
        since,
        value,
      })),
  };
}
