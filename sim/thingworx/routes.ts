/**
 * The stand-in's request checks, in ThingWorx's order: authentication (401), the CSRF filter (403),
 * the entity (404), the user's permission on it (403), the verb (405), the Accept header (406). Pure: request facts in, a route or a
 * refusal out. Only the REST surface the adapter and `3dconnect provision` use is modelled.
 */

export type Route =
  | { kind: 'thing'; thing: string }
  | { kind: 'property'; thing: string; property: string }
  | { kind: 'service'; thing: string; service: string }
  /** A service of a resource, e.g. EntityServices' CreateThing (provisioning). */
  | { kind: 'resource-service'; resource: string; service: string };

export interface RequestFacts {
  method: string;
  /** The request target as sent (path and query). */
  target: string;
  /** Node's lower-cased header map. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type RouteDecision = { ok: true; route: Route } | { ok: false; status: number; message: string };

export interface RouteContext {
  /** Compares in constant time. */
  appKeyMatches(candidate: string): boolean;
  thingExists(thing: string): boolean;
  /** The key's user lacks permissions on this Thing. */
  thingForbidden?(thing: string): boolean;
}

/** ThingWorx names the permission it refused: `Not authorized for ServiceInvoke on UpdatePropertyValues in <Thing>`. */
function notAuthorized(route: Route, method: string): string {
  switch (route.kind) {
    case 'thing':
      return `Not authorized for Read on ${route.thing}`;
    case 'property':
      return `Not authorized for ${method === 'GET' ? 'PropertyRead' : 'PropertyWrite'} on ${route.property} in ${route.thing}`;
    case 'service':
      return `Not authorized for ServiceInvoke on ${route.service} in ${route.thing}`;
    case 'resource-service':
      return `Not authorized for ServiceInvoke on ${route.service} in ${route.resource}`;
  }
}

const PREFIX = '/Thingworx/Things/';
const RESOURCES_PREFIX = '/Thingworx/Resources/';
const ALLOWED_METHODS: Readonly<Record<Route['kind'], readonly string[]>> = {
  thing: ['GET'],
  property: ['GET', 'PUT'],
  service: ['POST'],
  'resource-service': ['POST'],
};

function header(facts: RequestFacts, name: string): string | undefined {
  const value = facts.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function parseResourcePath(pathname: string): Route | undefined {
  let parts: string[];
  try {
    parts = pathname.slice(RESOURCES_PREFIX.length).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [resource, section, service, ...rest] = parts;
  if (!resource || section !== 'Services' || !service || rest.length > 0) return undefined;
  return { kind: 'resource-service', resource, service };
}

function parsePath(pathname: string): Route | undefined {
  if (pathname.startsWith(RESOURCES_PREFIX)) return parseResourcePath(pathname);
  if (!pathname.startsWith(PREFIX)) return undefined;
  let parts: string[];
  try {
    parts = pathname.slice(PREFIX.length).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const [thing, section, name, ...rest] = parts;
  if (!thing || rest.length > 0) return undefined;
  if (section === undefined) return { kind: 'thing', thing };
  if (!name) return undefined;
  if (section === 'Properties') return { kind: 'property', thing, property: name };
  if (section === 'Services') return { kind: 'service', thing, service: name };
  return undefined;
}

/** JSON (with parameters such as charset) passes the CSRF filter; ThingWorx also lets XML through. */
function passesCsrfFilter(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || type === 'application/xml' || type === 'text/xml';
}

/** The stand-in answers JSON only. */
function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined) return true;
  return accept
    .split(',')
    .map((part) => part.split(';')[0]?.trim().toLowerCase())
    .some((type) => type === 'application/json' || type === 'application/*' || type === '*/*');
}

export function decideRoute(facts: RequestFacts, context: RouteContext): RouteDecision {
  const url = new URL(facts.target, 'http://stand-in');
  // ThingWorx 8.x–9.5 refuse a key in the query string even when the header is right.
  for (const name of url.searchParams.keys()) {
    if (name.toLowerCase() === 'appkey') return { ok: false, status: 401, message: 'appKey is not accepted in the query string' };
  }
  const appKey = header(facts, 'appkey');
  if (appKey === undefined || !context.appKeyMatches(appKey)) return { ok: false, status: 401, message: 'Authentication failed' };
  if (
    (facts.method === 'POST' || facts.method === 'PUT' || facts.method === 'DELETE') &&
    !passesCsrfFilter(header(facts, 'content-type'))
  ) {
    return { ok: false, status: 403, message: 'Forbidden: a JSON content type is required' };
  }
  const route = parsePath(url.pathname);
  if (!route) return { ok: false, status: 404, message: 'Not found' };
  if (route.kind !== 'resource-service') {
    if (!context.thingExists(route.thing)) return { ok: false, status: 404, message: `Thing [${route.thing}] not found` };
    if (context.thingForbidden?.(route.thing)) return { ok: false, status: 403, message: notAuthorized(route, facts.method) };
  }
  if (!ALLOWED_METHODS[route.kind].includes(facts.method)) return { ok: false, status: 405, message: 'Method not allowed' };
  if (!acceptsJson(header(facts, 'accept'))) return { ok: false, status: 406, message: 'Not acceptable: the stand-in answers JSON' };
  return { ok: true, route };
}
