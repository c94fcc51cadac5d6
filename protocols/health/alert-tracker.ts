import type { Reading, ReadingValue } from '../readings.js';
import { HealthError } from './errors.js';
import { type AlertRule, type CompiledAlertRule, compileAlertRule, conditionHolds } from './rules.js';

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

export interface AlertTracker {
  /**
   * Evaluates every rule for this reading's item. Returns a `raised` when a condition becomes true,
   * a `cleared` when it stops being true, nothing while it stays as it was. Only GOOD readings count:
   * a BAD or UNKNOWN value says nothing about the printer. Readings are taken in arrival order.
   */
  observe(reading: Reading): readonly AlertTransition[];
  /** Alerts raised and not yet cleared, for the CLI. */
  active(): ActiveAlert[];
}

/** What observe answers for the usual reading, shared: an array per reading was garbage for nothing. */
const NO_TRANSITIONS: readonly AlertTransition[] = Object.freeze([]);

/** Throws HEALTH_RULE_INVALID for a bad rule or a second rule with the same alert name on one item. */
export function createAlertTracker(rules: readonly AlertRule[]): AlertTracker {
  const compiled = rules.map((rule, index) => compileAlertRule(rule, index));
  const rulesByItem = new Map<string, { rule: CompiledAlertRule; index: number }[]>();
  compiled.forEach((rule, index) => {
    const forItem = rulesByItem.get(rule.item) ?? [];
    if (forItem.some((other) => other.rule.alert === rule.alert)) {
      throw new HealthError('HEALTH_RULE_INVALID', 'alert name used twice on one item', {
        ruleIndex: index,
        alert: rule.alert,
        field: 'alert',
      });
    }
    forItem.push({ rule, index });
    rulesByItem.set(rule.item, forItem);
  });
  // key: printer + rule index; a present entry means the alert is raised
  const raised = new Map<string, ActiveAlert>();
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

  function observe(reading: Reading): readonly AlertTransition[] {
    if (reading.quality !== 'GOOD') return NO_TRANSITIONS;
    const forItem = rulesByItem.get(reading.item);
    if (forItem === undefined) return NO_TRANSITIONS;
    let transitions: AlertTransition[] | undefined;
    for (const { rule, index } of forItem) {
      const holds = conditionHolds(rule, reading.value);
      if (holds === undefined) continue;
      const key = keyOf(reading.printer, index);
      const wasRaised = raised.has(key);
      if (holds === wasRaised) continue;
      const transition: AlertTransition = {
        alert: rule.alert,
        item: rule.item,
        printer: reading.printer,
        state: holds ? 'raised' : 'cleared',
        value: reading.value,
        time: reading.time,
        severity: rule.severity,
      };
      if (holds) {
        raised.set(key, { alert: rule.alert, item: rule.item, printer: reading.printer, severity: rule.severity, value: reading.value, raisedAt: reading.time });
      } else {
        raised.delete(key);
      }
      transitions ??= [];
      transitions.push(transition);
    }
    return transitions ?? NO_TRANSITIONS;
  }

  return { observe, active: () => [...raised.values()].map((alert) => ({ ...alert })) };
}
