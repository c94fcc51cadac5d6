import { DecodedRows, decodePropertyWrite, decodeUpdatePropertyValues } from './infotable-decoder.js';
import type { ModelReply, ProvisionedModel } from './provisioned-model.js';
import type { Route } from './routes.js';
import type { ThingStore } from './thing-store.js';

/**
 * What the stand-in does for a request that passed the checks in routes.ts: Thing GET, property
 * GET/PUT, and the UpdatePropertyValues service. Bodies are JSON text already capped by the server.
 * ThingWorx answers a service that fails on its input with 500, and so does the stand-in.
 */

export interface Reply {
  status: number;
  body: string;
  contentType: string;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const TEXT_TYPE = 'text/plain;charset=UTF-8';
/** An accepted write: ThingWorx answers 200 with an empty body. */
const OK: Reply = Object.freeze({ status: 200, body: '', contentType: JSON_TYPE });

/** One request's rows on their way to the store; handling is synchronous, so one serves every request. */
const decodedRows = new DecodedRows();

/** Every Thing has these; `name` is what the adapter's session check reads. */
const BUILT_IN_PROPERTIES = new Set(['name', 'description', 'thingTemplate']);

export function text(status: number, message: string): Reply {
  return { status, body: message, contentType: TEXT_TYPE };
}

export function routeTakesBody(route: Route, method: string): boolean {
  return (
    (route.kind === 'property' && method === 'PUT') ||
    ((route.kind === 'service' || route.kind === 'resource-service') && method === 'POST')
  );
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

function builtIn(thing: string, property: string): string {
  return property === 'name' ? thing : property === 'thingTemplate' ? 'GenericThing' : '';
}

function propertyTable(property: string, baseType: string, value: unknown): Reply {
  const table = {
    dataShape: { fieldDefinitions: { [property]: { name: property, baseType } } },
    rows: [{ [property]: value }],
  };
  return { status: 200, body: JSON.stringify(table), contentType: JSON_TYPE };
}

function fromModel(reply: ModelReply): Reply {
  return { status: reply.status, body: reply.body, contentType: reply.json ? JSON_TYPE : TEXT_TYPE };
}

/** A provisioned Thing refuses a write naming a property it does not define (see provisioned-model.ts). */
function undefinedPropertyReply(thing: string, property: string): Reply {
  return text(404, `Property [${property}] not found on [${thing}]`);
}

/** A provisioning service's parameters: a JSON object, or none. */
function serviceParams(body: Buffer | undefined): { ok: true; value: unknown } | { ok: false } {
  return body === undefined || body.byteLength === 0 ? { ok: true, value: {} } : parseJson(body);
}

/**
 * `beforeStore` sees the decoded rows of a write just before they are stored (the stand-in's value-corruption
 * fault changes them there).
 */
export function handleRoute(
  route: Route,
  method: string,
  body: Buffer | undefined,
  store: ThingStore,
  model: ProvisionedModel,
  arrivedAt: number,
  beforeStore?: (rows: DecodedRows) => void,
): Reply {
  switch (route.kind) {
    case 'thing': {
      const provisioned = model.entity(route.thing);
      if (provisioned) return { status: 200, body: JSON.stringify(provisioned), contentType: JSON_TYPE };
      const thing = { name: route.thing, description: '', thingTemplate: 'GenericThing', isEnabled: true, isRunning: true };
      return { status: 200, body: JSON.stringify(thing), contentType: JSON_TYPE };
    }
    case 'property': {
      if (method === 'GET') {
        if (BUILT_IN_PROPERTIES.has(route.property)) return propertyTable(route.property, 'STRING', builtIn(route.thing, route.property));
        const latest = store.latestValue(route.thing, route.property);
        return latest
          ? propertyTable(route.property, latest.baseType, latest.value)
          : text(404, `Property [${route.property}] not found on [${route.thing}]`);
      }
      const parsed = parseJson(body ?? Buffer.alloc(0));
      if (!parsed.ok) return text(500, `Unable to parse the value of ${route.property}`);
      const write = decodePropertyWrite(parsed.value, route.property);
      if (!write.ok) return text(500, `Unable to write ${route.property} : ${write.reason}`);
      const { value, baseType } = write.value;
      if (model.undefinedProperty(route.thing, [route.property], 1) !== undefined)
        return undefinedPropertyReply(route.thing, route.property);
      decodedRows.reset();
      decodedRows.push(route.property, value, baseType, arrivedAt, 'GOOD');
      beforeStore?.(decodedRows);
      store.add(route.thing, arrivedAt, 'PUT', decodedRows);
      return OK;
    }
    case 'service': {
      if (route.service !== 'UpdatePropertyValues') {
        const params = serviceParams(body);
        if (!params.ok) return text(500, `Unable to Invoke Service ${route.service} on ${route.thing} : the parameters are not valid JSON`);
        const reply = model.thingService(route.thing, route.service, params.value);
        return reply ? fromModel(reply) : text(404, `Service [${route.service}] not found on [${route.thing}]`);
      }
      const failure = `Unable to Invoke Service UpdatePropertyValues on ${route.thing} : `;
      const parsed = parseJson(body ?? Buffer.alloc(0));
      if (!parsed.ok) return text(500, `${failure}the parameters are not valid JSON`);
      const rows = decodeUpdatePropertyValues(parsed.value, decodedRows);
      if (!rows.ok) return text(500, failure + rows.reason);
      const unknown = model.undefinedProperty(route.thing, decodedRows.names, decodedRows.count);
      if (unknown !== undefined) return undefinedPropertyReply(route.thing, unknown);
      beforeStore?.(decodedRows);
      store.add(route.thing, arrivedAt, 'UpdatePropertyValues', decodedRows);
      return OK;
    }
    case 'resource-service': {
      const params = serviceParams(body);
      if (!params.ok)
        return text(500, `Unable to Invoke Service ${route.service} on ${route.resource} : the parameters are not valid JSON`);
      const reply = model.resourceService(route.resource, route.service, params.value);
      return reply ? fromModel(reply) : text(404, `Service [${route.service}] not found on [${route.resource}]`);
    }
  }
}
