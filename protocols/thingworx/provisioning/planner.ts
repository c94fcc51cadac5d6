import type { DesiredModel, DesiredThing } from './desired-model.js';
import {
  addOrUpdateAlert,
  addPropertyDefinition,
  createThing,
  enableThing,
  type ProvisionCall,
  removePropertyDefinition,
  restartThing,
  setValueStream,
} from './services.js';
import { PROVISIONING_DEFAULTS } from '../../../config/defaults.js';

/**
 * The calls that bring ThingWorx from what it reports to what the configuration needs. Pure: desired model and
 * observed state in, a plan out. What ThingWorx does not report is left alone rather than rewritten on every run, so a
 * second run against a provisioned server plans nothing.
 */

export interface ObservedProperty {
  name: string;
  baseType: string;
  /** Absent when the server's answer did not say. */
  logged?: boolean;
}

export interface ObservedAlert {
  name: string;
  property: string;
  alertType?: string;
  priority?: number;
  enabled?: boolean;
  /** The `value` attribute of an EqualTo alert. */
  value?: unknown;
}

export type ObservedThing =
  | { exists: false }
  | {
      exists: true;
      template?: string;
      enabled?: boolean;
      valueStream?: string;
      properties: ReadonlyMap<string, ObservedProperty>;
      /** By alert name. */
      alerts: ReadonlyMap<string, ObservedAlert>;
    };

export interface ObservedState {
  valueStreamExists: boolean;
  /** A Thing missing from the map does not exist. */
  things: ReadonlyMap<string, ObservedThing>;
}

/** What exists in ThingWorx, differs from the configuration, and is not changed without being asked. */
export interface Conflict {
  entity: string;
  reason: string;
}

export interface Plan {
  calls: ProvisionCall[];
  conflicts: Conflict[];
  /** Differences that do not stop the adapter (a Thing on another template): said, not changed. */
  notes: Conflict[];
  /** Things, properties and alerts that are already right. */
  unchanged: number;
}

export interface PlanOptions {
  /**
   * A property of the wrong base type (or logging) is removed and added again. Off by default: ThingWorx has no
   * service that changes a base type, and a removed property loses its current value (its logged history stays).
   */
  replaceMismatched?: boolean;
}

/** Nothing exists: the plan for an empty server (what --dry-run shows). */
export const NOTHING_OBSERVED: ObservedState = { valueStreamExists: false, things: new Map() };

function planNewThing(thing: DesiredThing, valueStream: string): ProvisionCall[] {
  return [
    createThing(thing.name, PROVISIONING_DEFAULTS.thingTemplate, thing.description),
    ...thing.properties.map((property) => addPropertyDefinition(thing.name, property)),
    setValueStream(thing.name, valueStream),
    ...thing.alerts.map((alert) => addOrUpdateAlert(thing.name, alert)),
    enableThing(thing.name),
    restartThing(thing.name),
  ];
}

function planExistingThing(
  thing: DesiredThing,
  observed: Extract<ObservedThing, { exists: true }>,
  valueStream: string,
  options: PlanOptions,
  plan: Plan,
): void {
  const calls: ProvisionCall[] = [];
  if (observed.template !== undefined && observed.template !== PROVISIONING_DEFAULTS.thingTemplate) {
    // A Thing on another template works as long as it has the properties: said, not changed.
    plan.notes.push({ entity: thing.name, reason: `is based on ${observed.template}, not ${PROVISIONING_DEFAULTS.thingTemplate}` });
  }
  for (const property of thing.properties) {
    const found = observed.properties.get(property.name);
    if (found === undefined) {
      calls.push(addPropertyDefinition(thing.name, property));
      continue;
    }
    const wrongType = found.baseType !== property.baseType;
    const wrongLogging = found.logged !== undefined && found.logged !== property.logged;
    if (!wrongType && !wrongLogging) {
      plan.unchanged += 1;
      continue;
    }
    const reason = wrongType ? `is ${found.baseType}, the adapter sends ${property.baseType}` : `is ${found.logged ? '' : 'not '}logged`;
    if (options.replaceMismatched) {
      calls.push(removePropertyDefinition(thing.name, property.name), addPropertyDefinition(thing.name, property));
    } else {
      plan.conflicts.push({ entity: `${thing.name}.${property.name}`, reason });
    }
  }
  if (observed.valueStream !== undefined && observed.valueStream !== valueStream) calls.push(setValueStream(thing.name, valueStream));
  for (const alert of thing.alerts) {
    const found = observed.alerts.get(alert.name);
    const same =
      found !== undefined &&
      found.property === alert.property &&
      found.alertType === alert.alertType &&
      found.priority === alert.priority &&
      found.enabled === alert.enabled &&
      found.value === alert.value;
    if (same) plan.unchanged += 1;
    else calls.push(addOrUpdateAlert(thing.name, alert));
  }
  if (observed.enabled === false) calls.push(enableThing(thing.name));
  if (calls.length === 0) {
    plan.unchanged += 1;
    return;
  }
  // New definitions take effect when the Thing restarts.
  plan.calls.push(...calls, restartThing(thing.name));
}

export function planProvisioning(desired: DesiredModel, observed: ObservedState, options: PlanOptions = {}): Plan {
  const plan: Plan = { calls: [], conflicts: [], notes: [], unchanged: 0 };
  const stream = desired.valueStream;
  if (observed.valueStreamExists) {
    plan.unchanged += 1;
  } else {
    plan.calls.push(
      createThing(stream.name, PROVISIONING_DEFAULTS.valueStreamTemplate, stream.description),
      enableThing(stream.name),
      restartThing(stream.name),
    );
  }
  for (const thing of desired.things) {
    const found = observed.things.get(thing.name);
    if (found === undefined || !found.exists) plan.calls.push(...planNewThing(thing, stream.name));
    else planExistingThing(thing, found, stream.name, options, plan);
  }
  return plan;
}
