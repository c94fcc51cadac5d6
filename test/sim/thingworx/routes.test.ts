import test from 'ava';
import { decideRoute, type RequestFacts } from '../../../sim/thingworx/routes.js';

const context = { appKeyMatches: (key: string) => key === 'k', thingExists: (thing: string) => thing === 'p01' };
const facts = (overrides: Partial<RequestFacts>): RequestFacts => ({
  method: 'POST',
  target: '/Thingworx/Things/p01/Services/UpdatePropertyValues',
  headers: { appkey: 'k', 'content-type': 'application/json', accept: 'application/json' },
  ...overrides,
});
const status = (overrides: Partial<RequestFacts>) => {
  const decision = decideRoute(facts(overrides), context);
  return decision.ok ? decision.route : decision.status;
};

test('checks run in ThingWorx order: 401, then 403, then 404, then 405, then 406', (t) => {
  t.is(status({ headers: { appkey: 'bad' }, target: '/Thingworx/Things/nope/x/y/z' }), 401);
  t.is(status({ headers: { appkey: 'k' }, target: '/Thingworx/Things/nope/Services/X' }), 403);
  t.is(
    status({
      target: '/Thingworx/Things/nope/Services/UpdatePropertyValues',
      headers: { appkey: 'k', 'content-type': 'application/json', accept: 'text/html' },
    }),
    404,
  );
  t.is(
    status({
      method: 'PUT',
      target: '/Thingworx/Things/p01/Services/UpdatePropertyValues',
      headers: { appkey: 'k', 'content-type': 'application/json', accept: 'text/html' },
    }),
    405,
  );
  t.is(status({ headers: { appkey: 'k', 'content-type': 'application/json', accept: 'text/html' } }), 406);
  t.deepEqual(status({}), { kind: 'service', thing: 'p01', service: 'UpdatePropertyValues' });
});

test('paths decode Thing and property names and refuse anything else', (t) => {
  const get = (target: string) => status({ method: 'GET', target, headers: { appkey: 'k' } });
  t.deepEqual(get('/Thingworx/Things/p01'), { kind: 'thing', thing: 'p01' });
  t.deepEqual(get('/Thingworx/Things/p01/Properties/Vat%20Temp'), { kind: 'property', thing: 'p01', property: 'Vat Temp' });
  t.is(get('/Thingworx/Things/p01/Properties'), 404);
  t.is(get('/Thingworx/Things/p01/Events/Alarm'), 404);
  t.is(get('/Thingworx/Things/p01/Properties/a/b'), 404);
  t.is(get('/Thingworx/Things/%E0%A4%A'), 404);
  t.is(get('/thingworx/things/p01'), 404);
});

test('a content type with parameters passes the CSRF filter; charset is not required', (t) => {
  t.like(decideRoute(facts({ headers: { appkey: 'k', 'content-type': 'Application/JSON; charset=UTF-8' } }), context), { ok: true });
  t.like(decideRoute(facts({ headers: { appkey: 'k', 'content-type': 'application/x-www-form-urlencoded' } }), context), {
    ok: false,
    status: 403,
  });
});

test('a resource service (EntityServices CreateThing) is routed without a Thing check, POST only', (t) => {
  const create = '/Thingworx/Resources/EntityServices/Services/CreateThing';
  t.deepEqual(status({ target: create }), { kind: 'resource-service', resource: 'EntityServices', service: 'CreateThing' });
  t.is(status({ method: 'GET', target: create, headers: { appkey: 'k' } }), 405);
  t.is(status({ target: create, headers: { appkey: 'bad', 'content-type': 'application/json' } }), 401);
  t.is(status({ target: '/Thingworx/Resources/EntityServices/CreateThing' }), 404);
  t.is(status({ target: '/Thingworx/Resources/EntityServices/Services/CreateThing/x' }), 404);
});
