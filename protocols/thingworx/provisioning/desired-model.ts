import { alertPropertyNames } from '../../../domain/health/companions.js';
import type { AdapterConfig } from '../../../config/types.js';
import type { ValueType } from '../../../domain/readings.js';
import { ADAPTER_HEALTH_PROPERTIES } from '../adapter-health.js';
import { PROVISIONING_DEFAULTS } from '../../../config/defaults.js';

/**
 * What ThingWorx must hold for this configuration, typed exactly as the adapter sends it. Pure: config in, entities out.
 *
 * Per printer Thing: one property per catalog item of its family (the item's base type), `PrinterState` (STRING),
 * and per operating limit the alert property (BOOLEAN, written true/false by the adapter's local check) with its
 * companions `<Alert>_Severity` (STRING) and `<Alert>_Value` (the item's type), written in the same batches as the alert.
 * The adapter's own Thing: its health properties (protocols/thingworx/adapter-health.ts). Every property is logged to
 * one value stream, so ThingWorx keeps the history; each alert property carries an EqualTo-true alert definition whose
 * priority comes from the limit's severity.
 */

/** ThingWorx's names for what makes a property fire a change (and be logged); see services.ts. */
export type DataChangeType = 'ALWAYS' | 'VALUE';

export interface DesiredProperty {
  name: string;
  baseType: ValueType;
  description: string;
  logged: boolean;
  persistent: boolean;
  dataChangeType: DataChangeType;
}

export interface DesiredAlert {
  /** The alert's name; the same as its property (one alert per alert property). */
  name: string;
  property: string;
  alertType: 'EqualTo';
  /** The value that raises it: the adapter writes true while the limit is exceeded. */
  value: boolean;
  priority: number;
  enabled: boolean;
  description: string;
}

export interface DesiredThing {
  name: string;
  description: string;
  properties: DesiredProperty[];
  alerts: DesiredAlert[];
}

export interface DesiredModel {
  /** The value stream (a Thing from the ValueStream template) every Thing logs to. */
  valueStream: { name: string; description: string };
  things: DesiredThing[];
}

export interface DesiredModelOptions {
  /** Value stream name; `3DConnect-<adapter.id>-History` by default. */
  valueStream?: string;
}

export function alertPriority(severity: string): number {
  return PROVISIONING_DEFAULTS.alertPriority[severity] ?? PROVISIONING_DEFAULTS.otherPriority;
}

function property(name: string, baseType: ValueType, description: string, dataChangeType: DataChangeType): DesiredProperty {
  return { name, baseType, description, logged: true, persistent: true, dataChangeType };
}

/** Health counters of the adapter's Thing, with the base types adapterHealthRows sends. */
const HEALTH_TYPES: Readonly<Record<keyof typeof ADAPTER_HEALTH_PROPERTIES, ValueType>> = {
  uptime: 'NUMBER',
  printersConnected: 'INTEGER',
  printersConfigured: 'INTEGER',
  queueReadings: 'NUMBER',
  queueBytes: 'NUMBER',
  delivered: 'NUMBER',
  droppedTotal: 'NUMBER',
  droppedByReason: 'STRING',
};

function adapterThing(config: AdapterConfig): DesiredThing {
  const keys = Object.keys(ADAPTER_HEALTH_PROPERTIES) as (keyof typeof ADAPTER_HEALTH_PROPERTIES)[];
  return {
    name: config.adapter.thing,
    description: `3D Connect adapter ${config.adapter.id}: its own health`,
    properties: keys.map((key) =>
      property(ADAPTER_HEALTH_PROPERTIES[key], HEALTH_TYPES[key], `adapter health: ${ADAPTER_HEALTH_PROPERTIES[key]}`, 'VALUE'),
    ),
    alerts: [],
  };
}

/** Desired entities for a validated configuration. Property order: catalog items, PrinterState, alerts with companions. */
export function desiredModel(config: AdapterConfig, options: DesiredModelOptions = {}): DesiredModel {
  const things: DesiredThing[] = [adapterThing(config)];
  for (const printer of config.printers) {
    const family = config.catalog.families[printer.family];
    const properties: DesiredProperty[] = [];
    const alerts: DesiredAlert[] = [];
    for (const [item, spec] of Object.entries(family?.items ?? {})) {
      const unit = spec.unit ? ` (${spec.unit})` : '';
      properties.push(property(item, spec.type, `${item}${unit}`, spec.lane === 'event' ? 'ALWAYS' : 'VALUE'));
    }
    properties.push(property(PROVISIONING_DEFAULTS.printerStateProperty, 'STRING', 'online, degraded or offline', 'VALUE'));
    for (const limit of printer.limits) {
      // The alert and its companions, typed as the health actor writes them (the value takes the item's type).
      const names = alertPropertyNames(limit.alert);
      const itemType = family?.items[limit.item]?.type ?? 'NUMBER';
      const rule = `${limit.type} on ${limit.item}`;
      properties.push(property(names.alert, 'BOOLEAN', `true while ${rule} holds (${limit.severity})`, 'ALWAYS'));
      properties.push(property(names.severity, 'STRING', `severity of ${limit.alert}`, 'ALWAYS'));
      properties.push(property(names.value, itemType, `the ${limit.item} value that raised or cleared ${limit.alert}`, 'ALWAYS'));
      alerts.push({
        name: limit.alert,
        property: limit.alert,
        alertType: 'EqualTo',
        value: true,
        priority: alertPriority(limit.severity),
        enabled: true,
        description: `${limit.severity}: ${rule}`,
      });
    }
    things.push({ name: printer.thing, description: `3D Connect printer ${printer.id} (${printer.family})`, properties, alerts });
  }
  return {
    valueStream: {
      name: options.valueStream ?? `3DConnect-${config.adapter.id}-History`,
      description: `History of the 3D Connect adapter ${config.adapter.id}'s Things`,
    },
    things,
  };
}
