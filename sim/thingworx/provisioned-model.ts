/**
 * The entities created through the stand-in's provisioning services (protocols/thingworx/provisioning/services.ts):
 * CreateThing on EntityServices; AddPropertyDefinition, RemovePropertyDefinition, GetPropertyDefinitions,
 * SetValueStream, AddOrUpdateAlert, GetAlertDefinitions, EnableThing and RestartThing on a Thing. Pure: parameters in,
 * a status and body out.
 *
 * A Thing created here is strict, as a real one is: a write naming a property it does not define is refused. What
 * ThingWorx answers then is not documented by PTC; the stand-in answers 404 `Property [X] not found on [T]`, which is
 * what PROTOCOLS.md §2 lists for an unknown property and what it answers for a GET of one (an assumption). Things
 * registered when the stand-in starts keep accepting any property, as before.
 */
import { ALERT_TYPES as ALERT_RULE_TYPES } from '../../domain/health/rules.js';

export interface ModelReply {
  status: number;
  /** JSON text, or plain text for a refusal. */
  body: string;
  json: boolean;
}

export interface PropertyDefinition {
  name: string;
  baseType: string;
  description: string;
  logged: boolean;
  persistent: boolean;
  dataChangeType: string;
}

export interface AlertDefinition {
  name: string;
  property: string;
  alertType: string;
  description: string;
  priority: number;
  enabled: boolean;
  attributes: Record<string, unknown>;
}

export interface ProvisionedThing {
  name: string;
  template: string;
  description: string;
  enabled: boolean;
  running: boolean;
  valueStream: string;
  properties: Map<string, PropertyDefinition>;
  alerts: Map<string, AlertDefinition>;
}

const TEMPLATES: ReadonlySet<string> = new Set(['GenericThing', 'ValueStream']);
const BASE_TYPES: ReadonlySet<string> = new Set([
  'NUMBER',
  'INTEGER',
  'LONG',
  'STRING',
  'BOOLEAN',
  'DATETIME',
  'JSON',
  'INFOTABLE',
  'LOCATION',
]);
const DATA_CHANGE_TYPES: ReadonlySet<string> = new Set(['ALWAYS', 'NEVER', 'ON', 'OFF', 'VALUE']);
/** ThingWorx's alert types are the ones the adapter's limits use (domain/health/rules.ts). */
const ALERT_TYPES: ReadonlySet<string> = new Set(ALERT_RULE_TYPES);

const OK: ModelReply = Object.freeze({ status: 200, body: '', json: true });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refused(thing: string, service: string, reason: string): ModelReply {
  return { status: 500, body: `Unable to Invoke Service ${service} on ${thing} : ${reason}`, json: false };
}

function table(fields: Record<string, string>, rows: Record<string, unknown>[]): ModelReply {
  const fieldDefinitions = Object.fromEntries(Object.entries(fields).map(([name, baseType]) => [name, { name, baseType }]));
  return { status: 200, body: JSON.stringify({ dataShape: { fieldDefinitions }, rows }), json: true };
}

export class ProvisionedModel {
  readonly things = new Map<string, ProvisionedThing>();
  /** Write calls (every service but the Get… reads) by service name. */
  readonly writes = new Map<string, number>();

  has(thing: string): boolean {
    return this.things.has(thing);
  }

  /** The entity JSON of `GET /Thingworx/Things/<T>` for a provisioned Thing. */
  entity(thing: string): Record<string, unknown> | undefined {
    const found = this.things.get(thing);
    if (!found) return undefined;
    return {
      name: found.name,
      description: found.description,
      thingTemplate: found.template,
      isEnabled: found.enabled,
      isRunning: found.running,
      valueStream: found.valueStream,
    };
  }

  /** The first property name of a write that the provisioned Thing does not define; undefined when all are defined. */
  undefinedProperty(thing: string, names: readonly string[], count: number): string | undefined {
    const found = this.things.get(thing);
    if (!found) return undefined;
    for (let index = 0; index < count; index++) {
      const name = names[index] as string;
      if (!found.properties.has(name)) return name;
    }
    return undefined;
  }

  resourceService(resource: string, service: string, params: unknown): ModelReply | undefined {
    if (resource !== 'EntityServices' || service !== 'CreateThing') return undefined;
    this.count(service);
    if (!isObject(params)) return refused(resource, service, 'the parameters are not a JSON object');
    const { name, thingTemplateName, description } = params;
    if (typeof name !== 'string' || name === '') return refused(resource, service, 'name is required');
    if (typeof thingTemplateName !== 'string' || !TEMPLATES.has(thingTemplateName)) {
      return refused(resource, service, `ThingTemplate [${String(thingTemplateName)}] not found`);
    }
    if (this.things.has(name)) return refused(resource, service, `Thing [${name}] already exists`);
    this.things.set(name, {
      name,
      template: thingTemplateName,
      description: typeof description === 'string' ? description : '',
      enabled: false,
      running: false,
      valueStream: '',
      properties: new Map(),
      alerts: new Map(),
    });
    return OK;
  }

  /** A provisioning service on a provisioned Thing; undefined when the service is not one of them. */
  thingService(thing: string, service: string, params: unknown): ModelReply | undefined {
    const found = this.things.get(thing);
    if (!found) return undefined;
    const p = isObject(params) ? params : {};
    switch (service) {
      case 'GetPropertyDefinitions':
        return table(
          {
            name: 'STRING',
            baseType: 'STRING',
            description: 'STRING',
            isLogged: 'BOOLEAN',
            isPersistent: 'BOOLEAN',
            dataChangeType: 'STRING',
          },
          [...found.properties.values()].map((d) => ({
            name: d.name,
            baseType: d.baseType,
            description: d.description,
            isLogged: d.logged,
            isPersistent: d.persistent,
            dataChangeType: d.dataChangeType,
          })),
        );
      case 'GetAlertDefinitions': {
        const property = typeof p.property === 'string' ? p.property : undefined;
        const alerts = [...found.alerts.values()].filter((a) => property === undefined || a.property === property);
        return table(
          {
            name: 'STRING',
            property: 'STRING',
            alertType: 'STRING',
            description: 'STRING',
            priority: 'INTEGER',
            enabled: 'BOOLEAN',
            alertAttributes: 'INFOTABLE',
          },
          alerts.map((a) => ({
            name: a.name,
            property: a.property,
            alertType: a.alertType,
            description: a.description,
            priority: a.priority,
            enabled: a.enabled,
            alertAttributes: a.attributes,
          })),
        );
      }
      case 'AddPropertyDefinition':
        this.count(service);
        return this.addProperty(found, p);
      case 'RemovePropertyDefinition': {
        this.count(service);
        if (typeof p.name !== 'string' || !found.properties.delete(p.name))
          return refused(thing, service, `Property [${String(p.name)}] not found`);
        for (const [name, alert] of found.alerts) if (alert.property === p.name) found.alerts.delete(name);
        return OK;
      }
      case 'SetValueStream': {
        this.count(service);
        const stream = typeof p.name === 'string' ? this.things.get(p.name) : undefined;
        if (stream?.template !== 'ValueStream') return refused(thing, service, `Value stream [${String(p.name)}] not found`);
        found.valueStream = stream.name;
        return OK;
      }
      case 'AddOrUpdateAlert':
        this.count(service);
        return this.addAlert(found, p);
      case 'EnableThing':
        this.count(service);
        found.enabled = true;
        return OK;
      case 'RestartThing':
        this.count(service);
        if (!found.enabled) return refused(thing, service, `${thing} is not enabled`);
        found.running = true;
        return OK;
      default:
        return undefined;
    }
  }

  private addProperty(thing: ProvisionedThing, p: Record<string, unknown>): ModelReply {
    const service = 'AddPropertyDefinition';
    if (typeof p.name !== 'string' || p.name === '') return refused(thing.name, service, 'name is required');
    if (typeof p.type !== 'string' || !BASE_TYPES.has(p.type)) return refused(thing.name, service, `unknown base type ${String(p.type)}`);
    const dataChangeType = p.dataChangeType === undefined ? 'VALUE' : String(p.dataChangeType).toUpperCase();
    if (!DATA_CHANGE_TYPES.has(dataChangeType)) return refused(thing.name, service, `unknown data change type ${String(p.dataChangeType)}`);
    if (thing.properties.has(p.name)) return refused(thing.name, service, `Property [${p.name}] already exists`);
    thing.properties.set(p.name, {
      name: p.name,
      baseType: p.type,
      description: typeof p.description === 'string' ? p.description : '',
      logged: p.logged === true,
      persistent: p.persistent === true,
      dataChangeType,
    });
    return OK;
  }

  private addAlert(thing: ProvisionedThing, p: Record<string, unknown>): ModelReply {
    const service = 'AddOrUpdateAlert';
    const { alertName, alertType, property, attributes } = p;
    if (typeof alertName !== 'string' || alertName === '') return refused(thing.name, service, 'alertName is required');
    if (typeof property !== 'string' || !thing.properties.has(property))
      return refused(thing.name, service, `Property [${String(property)}] not found`);
    if (typeof alertType !== 'string' || !ALERT_TYPES.has(alertType))
      return refused(thing.name, service, `unknown alert type ${String(alertType)}`);
    if (!isObject(attributes) || !Array.isArray(attributes.rows) || !isObject(attributes.rows[0])) {
      return refused(thing.name, service, 'attributes must be an InfoTable with one row');
    }
    const baseType = thing.properties.get(property)?.baseType;
    const value = attributes.rows[0].value;
    if ((alertType === 'EqualTo' || alertType === 'NotEqualTo') && baseType === 'BOOLEAN' && typeof value !== 'boolean') {
      return refused(thing.name, service, 'an EqualTo alert on a BOOLEAN property needs a BOOLEAN value');
    }
    thing.alerts.set(alertName, {
      name: alertName,
      property,
      alertType,
      description: typeof p.description === 'string' ? p.description : '',
      priority: typeof p.priority === 'number' ? p.priority : 1,
      enabled: p.enabled !== false,
      attributes,
    });
    return OK;
  }

  private count(service: string): void {
    this.writes.set(service, (this.writes.get(service) ?? 0) + 1);
  }
}
