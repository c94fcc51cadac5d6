import type { DesiredModel } from './desired-model.js';
import type { ObservedAlert, ObservedProperty, ObservedState, ObservedThing } from './planner.js';
import { type ProvisionRead, READS } from './services.js';

/**
 * Decoders of what ThingWorx answers to the provisioning reads (services.ts READS). Pure: parsed JSON in, typed facts
 * or a reason out. Fields the server leaves out stay undefined, and the planner leaves those aspects alone.
 */

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ObservedEntity {
  template?: string;
  enabled?: boolean;
  valueStream?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const flag = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);

/** An InfoTable's rows; anything else is refused. */
function rowsOf(table: unknown, what: string): Decoded<Record<string, unknown>[]> {
  if (!isObject(table) || !Array.isArray(table.rows)) return { ok: false, reason: `${what}: not an InfoTable with rows` };
  const rows = table.rows.filter(isObject);
  if (rows.length !== table.rows.length) return { ok: false, reason: `${what}: a row is not an object` };
  return { ok: true, value: rows };
}

/** The entity JSON of `GET /Thingworx/Things/<T>`. */
export function decodeThingEntity(json: unknown): Decoded<ObservedEntity> {
  if (!isObject(json)) return { ok: false, reason: 'Thing: not a JSON object' };
  const template = text(json.thingTemplate);
  const enabled = flag(json.isEnabled) ?? flag(json.enabled);
  const valueStream = text(json.valueStream);
  return {
    ok: true,
    value: { ...(template ? { template } : {}), ...(enabled !== undefined ? { enabled } : {}), ...(valueStream ? { valueStream } : {}) },
  };
}

/** GetPropertyDefinitions: one row per property, at least name and baseType. */
export function decodePropertyDefinitions(json: unknown): Decoded<Map<string, ObservedProperty>> {
  const rows = rowsOf(json, 'GetPropertyDefinitions');
  if (!rows.ok) return rows;
  const properties = new Map<string, ObservedProperty>();
  for (const row of rows.value) {
    const name = text(row.name);
    const baseType = text(row.baseType);
    if (name === undefined || baseType === undefined)
      return { ok: false, reason: 'GetPropertyDefinitions: a row without name or baseType' };
    const aspects = isObject(row.aspects) ? row.aspects : {};
    const logged = flag(row.isLogged) ?? flag(row.logged) ?? flag(aspects.isLogged);
    properties.set(name, { name, baseType, ...(logged !== undefined ? { logged } : {}) });
  }
  return { ok: true, value: properties };
}

/** GetAlertDefinitions for one property: one row per alert; `alertAttributes` is an InfoTable of one row. */
export function decodeAlertDefinitions(json: unknown, property: string): Decoded<ObservedAlert[]> {
  const rows = rowsOf(json, 'GetAlertDefinitions');
  if (!rows.ok) return rows;
  const alerts: ObservedAlert[] = [];
  for (const row of rows.value) {
    const name = text(row.name) ?? text(row.alertName);
    if (name === undefined) return { ok: false, reason: 'GetAlertDefinitions: a row without a name' };
    const attributes = rowsOf(row.alertAttributes, 'alertAttributes');
    const first = attributes.ok ? attributes.value[0] : undefined;
    const alertType = text(row.alertType);
    const enabled = flag(row.enabled);
    alerts.push({
      name,
      property: text(row.property) ?? property,
      ...(alertType ? { alertType } : {}),
      ...(typeof row.priority === 'number' ? { priority: row.priority } : {}),
      ...(enabled !== undefined ? { enabled } : {}),
      ...(first && 'value' in first ? { value: first.value } : {}),
    });
  }
  return { ok: true, value: alerts };
}

/** A reading of one entity: its parsed JSON answer, or undefined when ThingWorx answers 404. Throws on other failures. */
export type ReadEntity = (read: ProvisionRead, what: string) => Promise<unknown | undefined>;

/** Thrown when an answer cannot be understood. */
export class ObservedDecodeError extends Error {
  readonly code = 'TWX_PROVISION_UNEXPECTED';
}

function decoded<T>(result: Decoded<T>): T {
  if (!result.ok) throw new ObservedDecodeError(result.reason);
  return result.value;
}

async function observeThing(read: ReadEntity, name: string, alertProperties: readonly string[]): Promise<ObservedThing> {
  const entity = await read(READS.thing(name), `reading Thing ${name}`);
  if (entity === undefined) return { exists: false };
  const facts = decoded(decodeThingEntity(entity));
  const definitions = await read(READS.propertyDefinitions(name), `reading the properties of ${name}`);
  const properties = definitions === undefined ? new Map<string, ObservedProperty>() : decoded(decodePropertyDefinitions(definitions));
  const alerts = new Map<string, ObservedAlert>();
  for (const property of alertProperties) {
    // A property that does not exist yet has no alerts to ask about.
    if (!properties.has(property)) continue;
    const answer = await read(READS.alertDefinitions(name, property), `reading the alerts of ${name}.${property}`);
    if (answer === undefined) continue;
    for (const alert of decoded(decodeAlertDefinitions(answer, property))) alerts.set(alert.name, alert);
  }
  return { exists: true, ...facts, properties, alerts };
}

/** What ThingWorx holds of the desired entities, read one entity at a time through `read`. */
export async function observe(desired: DesiredModel, read: ReadEntity): Promise<ObservedState> {
  const stream = await read(READS.thing(desired.valueStream.name), `reading value stream ${desired.valueStream.name}`);
  const things = new Map<string, ObservedThing>();
  for (const thing of desired.things) {
    things.set(thing.name, await observeThing(read, thing.name, [...new Set(thing.alerts.map((alert) => alert.property))]));
  }
  return { valueStreamExists: stream !== undefined, things };
}
