import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { loadConfigFile } from '../../config/load.js';
import { desiredModel } from '../../protocols/thingworx/provisioning/desired-model.js';
import { NOTHING_OBSERVED, planProvisioning } from '../../protocols/thingworx/provisioning/planner.js';
import { createTestPki } from '../../sim/pki.js';
import { startThingworxStandIn, type ThingworxStandIn } from '../../sim/thingworx/stand-in.js';
import { freePort, runCliInProcess, startDaemonFixture } from './daemon-support.js';
import { until } from '../support/until.js';

const EXAMPLE = 'config/examples/adapter.yaml';

const waitFor = (what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> => until(check, { what, timeoutMs, everyMs: 200 });

function writes(standIn: ThingworxStandIn): number {
  return [...standIn.provisioned.writes.values()].reduce((sum, count) => sum + count, 0);
}

/** One UpdatePropertyValues call straight to the stand-in, as a client that is not the adapter. */
function updatePropertyValues(
  standIn: ThingworxStandIn,
  ca: string,
  appKey: string,
  thing: string,
  property: string,
): Promise<{ status: number; body: string }> {
  const body = JSON.stringify({
    values: {
      dataShape: {
        fieldDefinitions: {
          name: { name: 'name', baseType: 'STRING' },
          value: { name: 'value', baseType: 'VARIANT' },
          time: { name: 'time', baseType: 'DATETIME' },
          quality: { name: 'quality', baseType: 'STRING' },
        },
      },
      rows: [{ name: property, value: 'x', time: Date.now(), quality: 'GOOD' }],
    },
  });
  const url = new URL(standIn.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        servername: 'localhost',
        ca,
        method: 'POST',
        path: `/Thingworx/Things/${encodeURIComponent(thing)}/Services/UpdatePropertyValues`,
        headers: { appKey, 'Content-Type': 'application/json', Accept: 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('--dry-run contacts nothing, needs no key, prints every call, and no secret', async (t) => {
  const runtimeKey = `runtime-${randomBytes(8).toString('hex')}`;
  const env = { ...process.env, TWX_APP_KEY: runtimeKey };
  const loaded = await loadConfigFile(EXAMPLE);
  if (!loaded.ok) return t.fail(loaded.errors.join('\n'));
  const planned = planProvisioning(desiredModel(loaded.config), NOTHING_OBSERVED).calls;

  const text = await runCliInProcess(['provision', '--config', EXAMPLE, '--dry-run'], env);
  t.is(text.code, 0, text.stderr);
  const lines = text.stdout.split('\n').filter((line) => line.startsWith('POST '));
  t.is(lines.length, planned.length);
  t.deepEqual(
    lines,
    planned.map((call) => `POST ${call.path} ${JSON.stringify(call.body)}`),
  );
  t.regex(text.stdout, /appKey: \[REDACTED\]/);
  t.regex(text.stdout, new RegExp(`${planned.length} write calls`));
  t.false(text.stdout.includes(runtimeKey) || text.stderr.includes(runtimeKey));

  const json = await runCliInProcess(['provision', '--config', EXAMPLE, '--dry-run', '--json'], env);
  t.is(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as { dryRun: boolean; calls: { method: string; path: string; body: unknown }[] };
  t.true(parsed.dryRun);
  t.deepEqual(
    parsed.calls.map((call) => [call.method, call.path, call.body]),
    planned.map((call) => [call.method, call.path, call.body]),
  );
  t.false(json.stdout.includes(runtimeKey));
});

test('usage: help, a missing key or config, --export, and a bad config', async (t) => {
  const help = await runCliInProcess(['provision', '--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /--app-key-file PATH/);
  t.regex(help.stdout, /--export FILE\s+not available/);
  t.is((await runCliInProcess(['help', 'provision'])).code, 0);

  const noKey = await runCliInProcess(['provision', '--config', EXAMPLE]);
  t.is(noKey.code, 64);
  t.regex(noKey.stderr, /--app-key-file PATH is required/);
  t.is((await runCliInProcess(['provision', '--dry-run'])).code, 64);
  t.is((await runCliInProcess(['provision', '--config', EXAMPLE, '--dry-run', '--app-key-file', '/nonexistent'])).code, 64);
  const exported = await runCliInProcess(['provision', '--config', EXAMPLE, '--export', 'out.xml']);
  t.is(exported.code, 64);
  t.regex(exported.stderr, /not available/);
  t.is((await runCliInProcess(['provision', '--config', 'nonexistent.yaml', '--dry-run'])).code, 78);
  t.is((await runCliInProcess(['provision', '--config', EXAMPLE, '--app-key-file', '/nonexistent/key'])).code, 78);
});

test('a refused key exits 69 and is not printed; so does a ThingWorx that does not answer', async (t) => {
  const pki = createTestPki();
  const dir = mkdtempSync(join(tmpdir(), '3dconnect-provision-'));
  const standIn = await startThingworxStandIn({
    appKey: `right-${randomBytes(8).toString('hex')}`,
    things: [],
    tls: { cert: pki.serverCert, key: pki.serverKey },
  });
  t.teardown(async () => {
    await standIn.stop();
    pki.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  const wrongKey = `wrong-${randomBytes(8).toString('hex')}`;
  const keyFile = join(dir, 'admin.key');
  writeFileSync(keyFile, wrongKey);
  const config = (url: string) => ({
    adapter: { id: 'provision-test', thing: 'Adapter-provision-test' },
    thingworx: { url, appKey: { env: 'UNUSED_RUNTIME_KEY' }, tls: { caFile: pki.caCertFile }, requestTimeoutMs: 3000 },
    printers: [],
  });
  const configFile = join(dir, 'adapter.json');
  writeFileSync(configFile, JSON.stringify(config(standIn.url.replace('127.0.0.1', 'localhost'))));

  const dry = await runCliInProcess(['provision', '--config', configFile, '--dry-run']);
  t.is(dry.code, 0, dry.stderr);
  t.is(standIn.counters.connections, 0, '--dry-run contacts nothing');

  // The adapter's run-time key set to the same value: said (without the key), and only the file's key is sent.
  const refused = await runCliInProcess(['provision', '--config', configFile, '--app-key-file', keyFile], {
    ...process.env,
    UNUSED_RUNTIME_KEY: wrongKey,
  });
  t.is(refused.code, 69, refused.stderr);
  t.regex(refused.stderr, /HTTP 401/);
  t.regex(refused.stderr, /the administrator key is also the adapter's run-time key/);
  t.false(`${refused.stdout}${refused.stderr}`.includes(wrongKey));
  t.is(standIn.counters.byStatus[401], 1, 'it stopped at the first refusal');

  writeFileSync(configFile, JSON.stringify(config(`https://localhost:${await freePort()}`)));
  const away = await runCliInProcess(['provision', '--config', configFile, '--app-key-file', keyFile, '--json']);
  t.is(away.code, 69);
  t.regex(away.stderr, /no answer from ThingWorx \(ECONNREFUSED\)/);
});

test('provision the stand-in over HTTPS with the administrator key, run again with no write, then the adapter delivers', async (t) => {
  const adminKey = `admin-${randomBytes(12).toString('hex')}`;
  const outputs: string[] = [];
  let written = 0;
  const daemon = await startDaemonFixture(2, 2, undefined, {
    standInThings: [],
    async beforeStart({ dir, configFile, env, appKey, pki, standIn }) {
      const keyFile = join(dir, 'admin.key');
      writeFileSync(keyFile, `${adminKey}\n`, { mode: 0o600 });
      // Only the administrator's key is accepted while provisioning: the adapter's run-time key would get 401.
      standIn.faults.rotateAppKey(adminKey);

      const first = await runCliInProcess(['provision', '--config', configFile, '--app-key-file', keyFile], env);
      outputs.push(first.stdout, first.stderr);
      t.is(first.code, 0, `${first.stdout}\n${first.stderr}`);
      t.is(first.stderr, '', 'no warning: the keys differ and TLS is verified');
      t.regex(first.stdout, /creating Thing Printer-\S+ … ok/);
      t.regex(first.stdout, /creating value stream \S+ … ok/);
      t.regex(first.stdout, /defining alert \(priority \d\) Printer-\S+ … ok/);
      t.regex(first.stdout, /provisioned: \d+ write calls/);
      written = writes(standIn);
      t.true(written > 0);
      t.true(standIn.provisioned.has('Adapter-daemon-test'));

      const second = await runCliInProcess(['provision', '--config', configFile, '--app-key-file', keyFile, '--json'], env);
      outputs.push(second.stdout, second.stderr);
      t.is(second.code, 0, second.stderr);
      t.like(JSON.parse(second.stdout), { ok: true, writeCalls: 0, planned: 0 });
      const text = await runCliInProcess(['provision', '--config', configFile, '--app-key-file', keyFile], env);
      t.regex(text.stdout, /nothing to change: \d+ entities already right, 0 write calls/);
      t.is(writes(standIn), written, 'the second and third runs wrote nothing');

      // The provisioned stand-in is strict: a row for a property the Thing does not define is refused.
      const printer = [...standIn.provisioned.things.values()].find(
        (thing) => thing.name !== 'Adapter-daemon-test' && thing.template === 'GenericThing',
      );
      if (!printer) return t.fail('no printer Thing');
      const undefinedRow = await updatePropertyValues(standIn, pki.caCert, adminKey, printer.name, 'NotInTheCatalog');
      t.is(undefinedRow.status, 404);
      t.regex(undefinedRow.body, /Property \[NotInTheCatalog\] not found/);
      t.is((await updatePropertyValues(standIn, pki.caCert, adminKey, printer.name, 'PrinterState')).status, 200);
      standIn.clearRecords();
      standIn.faults.rotateAppKey(appKey);
    },
  });
  t.teardown(() => daemon.stop());
  for (const output of outputs) t.false(output.includes(adminKey) || output.includes(daemon.appKey), 'no key is printed');

  const refusedBefore = daemon.standIn.counters.byStatus[404] ?? 0;
  const printerThings = daemon.fleet.printers.map((sim) => sim.thing);
  await waitFor('rows from every printer and the adapter', () => {
    const things = new Set(daemon.standIn.records.map((record) => record.thing));
    return [...printerThings, 'Adapter-daemon-test'].every((thing) => things.has(thing));
  });
  t.is(daemon.standIn.counters.byStatus[404] ?? 0, refusedBefore, 'no row of the adapter was refused');
  const names = new Set(daemon.standIn.records.map((record) => `${record.thing}.${record.name}`));
  t.true(names.has('Adapter-daemon-test.UptimeSeconds'));
  t.true([...names].some((name) => name.endsWith('.PrinterState')));
  t.is(writes(daemon.standIn), written);
});
