import test from 'ava';
import { startThingworxStandIn, type StandInOptions, type ThingworxStandIn } from '../../../sim/thingworx/stand-in.js';
import { type Probe, probe, statusOf } from './stand-in-client.js';
import { until as untilCondition } from '../../support/until.js';

const KEY = 'sim-key-1';
const T = 1764238502123;
const UPDATE = '/Thingworx/Things/p01/Services/UpdatePropertyValues';
const JSON_HEADERS = { appKey: KEY, 'Content-Type': 'application/json', Accept: 'application/json' };
const FIELDS = {
  name: { name: 'name', baseType: 'STRING' },
  value: { name: 'value', baseType: 'VARIANT' },
  time: { name: 'time', baseType: 'DATETIME' },
  quality: { name: 'quality', baseType: 'STRING' },
};

function table(rows: unknown[]): string {
  return JSON.stringify({ values: { dataShape: { fieldDefinitions: FIELDS }, rows } });
}
const GOOD_ROW = { name: 'VatTemperature', value: 30.1, time: T, quality: 'GOOD' };

async function withStandIn(options: Partial<StandInOptions>, run: (standIn: ThingworxStandIn) => Promise<void>): Promise<void> {
  const standIn = await startThingworxStandIn({ appKey: KEY, things: ['p01', 'p02'], ...options });
  try {
    await run(standIn);
  } finally {
    await standIn.stop();
  }
}

/** Waits for a condition on the stand-in instead of guessing a delay. */
const until = (condition: () => boolean, timeoutMs = 10_000): Promise<void> =>
  untilCondition(condition, { timeoutMs, what: 'a condition on the stand-in' });

const post = (standIn: ThingworxStandIn, body: string, extra: Partial<Probe> = {}) =>
  probe(standIn.url, { method: 'POST', path: UPDATE, headers: JSON_HEADERS, body, ...extra });

test('UpdatePropertyValues records every VTQ with its Thing and arrival time', async (t) => {
  let clock = 5000;
  await withStandIn({ now: () => clock }, async (standIn) => {
    const rows = [GOOD_ROW, { name: 'Layer', value: { value: 152, baseType: 'INTEGER' }, time: T + 1, quality: 'BAD' }];
    const first = await post(standIn, table(rows));
    clock = 6000;
    const second = await probe(standIn.url, {
      method: 'POST',
      path: '/Thingworx/Things/p02/Services/UpdatePropertyValues',
      headers: { ...JSON_HEADERS, 'Content-Type': 'application/json; charset=utf-8' },
      body: table([{ name: 'BuildState', value: 'building', time: '2026-11-27T10:15:02.456Z', quality: 'UNKNOWN' }]),
    });
    t.like(first, { ok: true, status: 200, body: '' });
    t.like(second, { ok: true, status: 200 });
    t.deepEqual(standIn.records, [
      {
        thing: 'p01',
        name: 'VatTemperature',
        value: 30.1,
        baseType: 'NUMBER',
        time: T,
        quality: 'GOOD',
        arrivedAt: 5000,
        via: 'UpdatePropertyValues',
      },
      {
        thing: 'p01',
        name: 'Layer',
        value: 152,
        baseType: 'INTEGER',
        time: T + 1,
        quality: 'BAD',
        arrivedAt: 5000,
        via: 'UpdatePropertyValues',
      },
      {
        thing: 'p02',
        name: 'BuildState',
        value: 'building',
        baseType: 'STRING',
        time: Date.parse('2026-11-27T10:15:02.456Z'),
        quality: 'UNKNOWN',
        arrivedAt: 6000,
        via: 'UpdatePropertyValues',
      },
    ]);
    t.like(standIn.counters, { requests: 2, rowsAccepted: 3, byStatus: { 200: 2 } });
  });
});

test('401 when the app key is missing, wrong, or in the query string (even with the right header)', async (t) => {
  await withStandIn({}, async (standIn) => {
    const body = table([GOOD_ROW]);
    t.is(statusOf(await post(standIn, body, { headers: { 'Content-Type': 'application/json' } })), 401);
    t.is(statusOf(await post(standIn, body, { headers: { ...JSON_HEADERS, appKey: 'wrong' } })), 401);
    t.is(statusOf(await post(standIn, body, { path: `${UPDATE}?appKey=${KEY}` })), 401);
    t.is(statusOf(await post(standIn, body, { path: `${UPDATE}?APPKEY=${KEY}` })), 401);
    t.is(statusOf(await probe(standIn.url, { path: `/Thingworx/Things/p01?appKey=${KEY}` })), 401);
    t.is(standIn.records.length, 0);
    t.deepEqual(standIn.counters.byStatus, { 401: 5 });
  });
});

test('403 for POST/PUT without a JSON content type (the CSRF filter)', async (t) => {
  await withStandIn({}, async (standIn) => {
    const body = table([GOOD_ROW]);
    t.is(statusOf(await post(standIn, body, { headers: { appKey: KEY } })), 403);
    t.is(statusOf(await post(standIn, body, { headers: { appKey: KEY, 'Content-Type': 'text/plain' } })), 403);
    t.is(
      statusOf(
        await probe(standIn.url, {
          method: 'PUT',
          path: '/Thingworx/Things/p01/Properties/Layer',
          headers: { appKey: KEY },
          body: '{"Layer":1}',
        }),
      ),
      403,
    );
    t.is(standIn.records.length, 0);
  });
});

test('404 for unknown Things, services, properties and paths; Things can come and go', async (t) => {
  await withStandIn({}, async (standIn) => {
    const body = table([GOOD_ROW]);
    t.is(statusOf(await post(standIn, body, { path: '/Thingworx/Things/p99/Services/UpdatePropertyValues' })), 404);
    t.is(statusOf(await post(standIn, body, { path: '/Thingworx/Things/p01/Services/FireEvent' })), 404);
    t.is(statusOf(await probe(standIn.url, { path: '/Thingworx/Things/p01/Properties/Nope', headers: { appKey: KEY } })), 404);
    t.is(statusOf(await probe(standIn.url, { path: '/Thingworx/Mashups/x', headers: { appKey: KEY } })), 404);
    standIn.addThing('p99');
    t.is(statusOf(await post(standIn, body, { path: '/Thingworx/Things/p99/Services/UpdatePropertyValues' })), 200);
    standIn.removeThing('p01');
    t.is(statusOf(await post(standIn, body)), 404);
  });
  await withStandIn({ things: 'any' }, async (standIn) => {
    const path = `/Thingworx/Things/${encodeURIComponent('Any Thing/ä')}/Services/UpdatePropertyValues`;
    t.is(statusOf(await post(standIn, table([GOOD_ROW]), { path })), 200);
    t.is(standIn.records[0]?.thing, 'Any Thing/ä');
  });
});

test('405 for a wrong verb, 406 for an Accept without JSON', async (t) => {
  await withStandIn({}, async (standIn) => {
    t.is(statusOf(await probe(standIn.url, { path: UPDATE, headers: { appKey: KEY } })), 405);
    t.is(statusOf(await probe(standIn.url, { method: 'POST', path: '/Thingworx/Things/p01', headers: JSON_HEADERS, body: '{}' })), 405);
    t.is(statusOf(await post(standIn, table([GOOD_ROW]), { headers: { ...JSON_HEADERS, Accept: 'text/html' } })), 406);
    t.is(statusOf(await post(standIn, table([GOOD_ROW]), { headers: { ...JSON_HEADERS, Accept: 'text/html, */*;q=0.1' } })), 200);
  });
});

test('500 for null values and malformed InfoTables, and nothing of that request is recorded', async (t) => {
  await withStandIn({}, async (standIn) => {
    const refused = [
      table([GOOD_ROW, { name: 'Layer', value: null, time: T, quality: 'GOOD' }]),
      table([{ ...GOOD_ROW, value: { value: null, baseType: 'NUMBER' } }]),
      table([{ ...GOOD_ROW, value: { value: 1.5, baseType: 'INTEGER' } }]),
      table([{ ...GOOD_ROW, extra: 1 }]),
      table([{ ...GOOD_ROW, quality: 'FINE' }]),
      table([{ ...GOOD_ROW, time: -1 }]),
      table([{ ...GOOD_ROW, name: '' }]),
      JSON.stringify({
        values: { dataShape: { fieldDefinitions: { ...FIELDS, value: { name: 'value', baseType: 'NUMBER' } } }, rows: [GOOD_ROW] },
      }),
      JSON.stringify({ values: { rows: [GOOD_ROW] } }),
      JSON.stringify({ values: { dataShape: { fieldDefinitions: FIELDS }, rows: [GOOD_ROW] }, more: 1 }),
      '{"values":',
      '[]',
    ];
    for (const body of refused) {
      const result = await post(standIn, body);
      t.is(statusOf(result), 500, body);
      t.true(result.ok && result.body.startsWith('Unable to Invoke Service UpdatePropertyValues on p01'), body);
    }
    t.is(standIn.records.length, 0);
    t.is(standIn.counters.rowsAccepted, 0);
  });
});

test('413 for a body over the cap, and the connection is closed', async (t) => {
  await withStandIn({ maxBodyBytes: 1024 }, async (standIn) => {
    const big = table(Array.from({ length: 50 }, () => GOOD_ROW));
    const result = await post(standIn, big);
    t.is(statusOf(result), 413);
    t.is(result.ok ? result.headers.connection : undefined, 'close');
    t.is(statusOf(await post(standIn, table([GOOD_ROW]))), 200);
  });
});

test('property PUT/GET and Thing GET', async (t) => {
  await withStandIn({ now: () => 7000 }, async (standIn) => {
    const put = await probe(standIn.url, {
      method: 'PUT',
      path: '/Thingworx/Things/p01/Properties/ResinLevel',
      headers: JSON_HEADERS,
      body: '{"ResinLevel":71.5}',
    });
    t.is(statusOf(put), 200);
    t.like(standIn.records[0], { thing: 'p01', name: 'ResinLevel', value: 71.5, time: 7000, quality: 'GOOD', via: 'PUT' });
    const get = await probe(standIn.url, {
      path: '/Thingworx/Things/p01/Properties/ResinLevel',
      headers: { appKey: KEY, Accept: 'application/json' },
    });
    t.deepEqual(get.ok ? JSON.parse(get.body) : undefined, {
      dataShape: { fieldDefinitions: { ResinLevel: { name: 'ResinLevel', baseType: 'NUMBER' } } },
      rows: [{ ResinLevel: 71.5 }],
    });
    const name = await probe(standIn.url, { path: '/Thingworx/Things/p02/Properties/name', headers: { appKey: KEY } });
    t.deepEqual(name.ok ? JSON.parse(name.body).rows : undefined, [{ name: 'p02' }]);
    const thing = await probe(standIn.url, { path: '/Thingworx/Things/p02', headers: { appKey: KEY } });
    t.like(thing.ok ? JSON.parse(thing.body) : undefined, { name: 'p02', thingTemplate: 'GenericThing' });
    const nullPut = await probe(standIn.url, {
      method: 'PUT',
      path: '/Thingworx/Things/p01/Properties/ResinLevel',
      headers: JSON_HEADERS,
      body: '{"ResinLevel":null}',
    });
    t.is(statusOf(nullPut), 500);
    t.is(standIn.propertyValue('p01', 'ResinLevel')?.value, 71.5);
  });
});

test('fault: error rate follows the seed, so a run repeats exactly', async (t) => {
  const statuses = async (seed: number): Promise<Array<number | string>> => {
    const seen: Array<number | string> = [];
    await withStandIn({ seed }, async (standIn) => {
      standIn.faults.setErrorRate(0.5, 502);
      for (let i = 0; i < 20; i += 1) seen.push(statusOf(await post(standIn, table([GOOD_ROW]))));
      t.is(standIn.records.length, seen.filter((status) => status === 200).length);
    });
    return seen;
  };
  const first = await statuses(42);
  t.deepEqual(await statuses(42), first);
  t.true(first.includes(200) && first.includes(502));
  t.notDeepEqual(await statuses(7), first);
});

test('fault: 503 with Retry-After for the next N requests', async (t) => {
  await withStandIn({}, async (standIn) => {
    standIn.faults.setRetryAfter(3, 2);
    const first = await post(standIn, table([GOOD_ROW]));
    const second = await post(standIn, table([GOOD_ROW]));
    const third = await post(standIn, table([GOOD_ROW]));
    t.like(first, { ok: true, status: 503, headers: { 'retry-after': '3' } });
    t.like(second, { ok: true, status: 503 });
    t.is(statusOf(third), 200);
    standIn.faults.setRetryAfter(1, undefined, 429);
    t.like(await post(standIn, table([GOOD_ROW])), { status: 429, headers: { 'retry-after': '1' } });
    standIn.faults.setRetryAfter(null);
    t.is(statusOf(await post(standIn, table([GOOD_ROW]))), 200);
  });
});

test('fault: resets before handling lose nothing; resets after handling record then reset', async (t) => {
  await withStandIn({}, async (standIn) => {
    standIn.faults.setResets(1);
    t.is(statusOf(await post(standIn, table([GOOD_ROW]))), 'ECONNRESET');
    t.is(standIn.records.length, 0);
    standIn.faults.setResets(1, 'after');
    t.is(statusOf(await post(standIn, table([GOOD_ROW]))), 'ECONNRESET');
    t.is(standIn.records.length, 1, 'accepted, but the client cannot know');
    standIn.faults.setResets(0);
    t.is(statusOf(await post(standIn, table([GOOD_ROW]))), 200);
    t.is(standIn.counters.resets, 2);
  });
});

test('fault: value corruption stores NUMBER and INTEGER values of one property shifted, answers 200, and counts them', async (t) => {
  await withStandIn({}, async (standIn) => {
    const rows = [
      GOOD_ROW,
      { name: 'VatTemperature', value: { value: 31, baseType: 'INTEGER' }, time: T + 1, quality: 'GOOD' },
      { name: 'LaserPower', value: 1.02, time: T, quality: 'GOOD' },
      { name: 'JobId', value: 'J-00042', time: T, quality: 'GOOD' },
    ];
    standIn.faults.setValueCorruption(1000, 'VatTemperature');
    t.is(statusOf(await post(standIn, table(rows))), 200, 'the writer cannot tell');
    standIn.faults.setValueCorruption(-1);
    t.is(statusOf(await post(standIn, table([{ name: 'LaserPower', value: 1.02, time: T + 2, quality: 'GOOD' }, rows[3]]))), 200);
    standIn.faults.setValueCorruption(null);
    t.is(statusOf(await post(standIn, table([GOOD_ROW]))), 200);
    t.deepEqual(
      standIn.records.map(({ name, value }) => [name, value]),
      [
        ['VatTemperature', 30.1 + 1000],
        ['VatTemperature', 1031],
        ['LaserPower', 1.02],
        ['JobId', 'J-00042'],
        ['LaserPower', 1.02 - 1],
        ['JobId', 'J-00042'],
        ['VatTemperature', 30.1],
      ],
    );
    t.is(standIn.counters.rowsCorrupted, 3);
    t.throws(() => standIn.faults.setValueCorruption(Number.NaN), { instanceOf: RangeError });
  });
});

test('fault: latency delays every response', async (t) => {
  await withStandIn({}, async (standIn) => {
    standIn.faults.setLatency(300);
    const started = Date.now();
    t.is(statusOf(await post(standIn, table([GOOD_ROW]))), 200);
    t.true(Date.now() - started >= 250);
  });
});

test('fault: outage resets connections, or hangs requests, until it ends', async (t) => {
  await withStandIn({}, async (standIn) => {
    standIn.faults.setOutage(true);
    t.is(statusOf(await post(standIn, table([GOOD_ROW]))), 'ECONNRESET');
    standIn.faults.setOutage(true, 'hang');
    const before = standIn.counters.requests;
    let answered = false;
    const pending = post(standIn, table([GOOD_ROW])).finally(() => {
      answered = true;
    });
    await until(() => standIn.counters.requests > before);
    t.false(answered, 'the request is held');
    standIn.faults.setOutage(false);
    t.not(statusOf(await pending), 200, 'requests held by the outage fail when it ends');
    t.is(statusOf(await post(standIn, table([GOOD_ROW]))), 200);
    t.is(standIn.records.length, 1);
  });
});

test('fault: app-key rotation refuses the old key', async (t) => {
  await withStandIn({}, async (standIn) => {
    standIn.faults.rotateAppKey('sim-key-2');
    t.is(statusOf(await post(standIn, table([GOOD_ROW]))), 401);
    t.is(statusOf(await post(standIn, table([GOOD_ROW]), { headers: { ...JSON_HEADERS, appKey: 'sim-key-2' } })), 200);
  });
});

test('stop() ends held requests and closes the port', async (t) => {
  const standIn = await startThingworxStandIn({ appKey: KEY, things: 'any' });
  standIn.faults.setOutage(true, 'hang');
  const held = post(standIn, table([GOOD_ROW]));
  await until(() => standIn.counters.requests > 0);
  await standIn.stop();
  t.not(statusOf(await held), 200);
  t.is(statusOf(await post(standIn, table([GOOD_ROW]))), 'ECONNREFUSED');
});

test('a forbidden Thing answers 403 naming the permission, while the key and other Things still work; lifting it restores 200', async (t) => {
  await withStandIn({}, async (standIn) => {
    const body = table([GOOD_ROW]);
    standIn.faults.setForbidden('p01', true);
    const refused = await post(standIn, body);
    t.like(refused, { ok: true, status: 403, body: 'Not authorized for ServiceInvoke on UpdatePropertyValues in p01' });
    const read = await probe(standIn.url, { path: '/Thingworx/Things/p01/Properties/name', headers: { appKey: KEY } });
    t.like(read, { ok: true, status: 403, body: 'Not authorized for PropertyRead on name in p01' });
    t.is(
      statusOf(await post(standIn, body, { path: '/Thingworx/Things/p02/Services/UpdatePropertyValues' })),
      200,
      'another Thing is written',
    );
    t.is(
      statusOf(await probe(standIn.url, { path: '/Thingworx/Things/p02/Properties/name', headers: { appKey: KEY } })),
      200,
      'the key works',
    );
    t.is(statusOf(await post(standIn, body, { headers: { ...JSON_HEADERS, appKey: 'wrong' } })), 401, 'a wrong key is still 401 first');
    t.is(
      statusOf(await post(standIn, body, { path: '/Thingworx/Things/p09/Services/UpdatePropertyValues' })),
      404,
      'an unknown Thing is still 404',
    );
    t.false(
      standIn.records.some((record) => record.thing === 'p01'),
      'nothing recorded for the forbidden Thing',
    );
    standIn.faults.setForbidden('p01', false);
    t.is(statusOf(await post(standIn, body)), 200);
    t.true(standIn.records.some((record) => record.thing === 'p01'));
  });
});
