import type { ValueType } from '../readings.js';

/**
 * The properties one alert writes on its printer's Thing, in one batch and in this order: the
 * companions first, so that when ThingWorx evaluates the alert property (and a subscription to its
 * alert reads the Thing) the severity and the offending value are already current (PROTOCOLS.md, alerts).
 */
export const ALERT_COMPANION_SUFFIXES = Object.freeze({ severity: '_Severity', value: '_Value' });

export interface AlertPropertyNames {
  /** BOOLEAN: true while raised. */
  alert: string;
  /** STRING: the rule's configured severity. */
  severity: string;
  /** The watched item's type: the value that raised or cleared the alert. */
  value: string;
}

export function alertPropertyNames(alert: string): AlertPropertyNames {
  return { alert, severity: `${alert}${ALERT_COMPANION_SUFFIXES.severity}`, value: `${alert}${ALERT_COMPANION_SUFFIXES.value}` };
}

/** What a Thing must define for one alert rule on an item of type `itemType` (for provisioning). */
export function alertPropertyDefinitions(alert: string, itemType: ValueType): { name: string; type: ValueType }[] {
  const names = alertPropertyNames(alert);
  return [
    { name: names.severity, type: 'STRING' },
    { name: names.value, type: itemType },
    { name: names.alert, type: 'BOOLEAN' },
  ];
}
