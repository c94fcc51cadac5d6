import { DecodedRows, decodePropertyWrite, decodeUpdatePropertyValues } from './infotable-decoder.js';
import type { Route } from './routes.js';
import type { ThingStore } from './thing-store.js';
import { scanUpdatePropertyValues } from './update-body-scanner.js';

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
  return (route.kind === 'property' && method === 'PUT') || (route.kind === 'service' && method === 'POST');
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

/**
 * `beforeStore` sees the decoded rows of a write just before they are stored (the stand-in's value-corruption
 * fault changes them there).
 */
export function handleRoute(
  route: Route,
  method: string,
  body: Buffer | undefined,
  store: ThingStore,
  arrivedAt: number,
  beforeStore?: (rows: DecodedRows) => void,
): Reply {
  switch (route.kind) {
    case 'thing': {
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
      decodedRows.reset();
      decodedRows.push(route.property, value, baseType, arrivedAt, 'GOOD');
      beforeStore?.(decodedRows);
      store.add(route.thing, arrivedAt, 'PUT', decodedRows);
      return OK;
    }
    case 'service': {
      if (route.service !== 'UpdatePropertyValues') return text(404, `Service [${route.service}] not found on [${route.thing}]`);
      const bytes = body ?? Buffer.alloc(0);
      // The adapter's exact form is read straight from the bytes; anything else takes the general path.
      if (!scanUpdatePropertyValues(bytes, decodedRows)) {
        const failure = `Unable to Invoke Service UpdatePropertyValues on ${route.thing} : `;
        const parsed = parseJson(bytes);
        if (!parsed.ok) return text(500, `${failure}the parameters are not valid JSON`);
        const rows = decodeUpdatePropertyValues(parsed.value, decodedRows);
        if (!rows.ok) return text(500, failure + rows.reason);
      }
      beforeStore?.(decodedRows);
      store.add(route.thing, arrivedAt, 'UpdatePropertyValues', decodedRows);
      return OK;
    }
  }
}
