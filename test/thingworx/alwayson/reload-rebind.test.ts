/**
 * A reload reaches the AlwaysOn session: the daemon (in this process, from a configuration file) runs with transport
 * alwayson against the stand-in over wss on loopback; the file is rewritten to add printer p03 and remove p02, and
 * reload() applies it. The stand-in must see BIND of Printer-p03 and UNBIND of Printer-p02, the BIND before any value
 * of Printer-p03 (its health actor starts pushing as soon as the fleet starts it).
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { startDaemon } from '../../../actors/daemon.js';
import type { AdapterConfig } from '../../../config/types.js';
import { startThingworxStandIn } from '../../../sim/thingworx/stand-in.js';
import { freePort } from '../../cli/daemon-support.js';
import { quietLogger, testAdapterConfig } from '../../actors/support.js';
import { createTestPki, type TestPki } from '../../support/certs.js';
import { until } from '../../support/until.js';

let pki: TestPki;
test.before(() => {
  pki = createTestPki();
});
test.after.always(() => pki?.cleanup());

/** Waits on the condition itself; the daemon starts in-process, so the bound is generous. */
function waitFor(what: string, condition: () => boolean): Promise<void> {
  return until(condition, { what, timeoutMs: 30_000, everyMs: 25 });
}

test('a reload that adds p03 and removes p02: BIND Printer-p03 before any of its values, UNBIND Printer-p02', async (t) => {
  const appKey = `twx-${randomBytes(12).toString('hex')}`;
  const standIn = await startThingworxStandIn({
    appKey,
    things: ['Adapter-test', 'Printer-p01', 'Printer-p02', 'Printer-p03'],
    tls: { cert: pki.serverCert, key: pki.serverKey },
  });
  t.teardown(() => standIn.stop());
  const appKeyFile = join(pki.dir, 'reload-app-key');
  await writeFile(appKeyFile, `${appKey}\n`, { mode: 0o600 });
  const configFile = join(pki.dir, 'reload-adapter.json');
  // Nothing listens on the printers' ports: their collectors retry, and their health actors report them.
  const ports = { p01: await freePort(), p02: await freePort(), p03: await freePort() };
  const configWith = (ids: ReadonlyArray<keyof typeof ports>): AdapterConfig =>
    testAdapterConfig(
      { thingworxUrl: standIn.url, printers: ids.map((id) => ({ id, family: 'projet-6k', pipPort: ports[id] })) },
      {
        thingworx: {
          url: standIn.url,
          transport: 'alwayson',
          appKey: { file: appKeyFile },
          tls: { caFile: pki.caCertFile, allowSelfSigned: false, allowInsecureHttp: false },
          requestTimeoutMs: 5_000,
          healthIntervalMs: 60_000,
        },
      },
    );
  const before = configWith(['p01', 'p02']);
  await writeFile(configFile, JSON.stringify(before));
  const daemon = await startDaemon(before, { configFile, handleSignals: false, logger: quietLogger() });
  t.teardown(() => daemon.stop());

  const bound = () => standIn.alwaysOn.sessions()[0]?.bound ?? [];
  await waitFor('the first session bound', () => bound().join() === 'Adapter-test,Printer-p01,Printer-p02');
  const eventsBefore = standIn.alwaysOn.events().length;

  await writeFile(configFile, JSON.stringify(configWith(['p01', 'p03'])));
  const outcome = await daemon.reload();
  t.like(outcome, { applied: true, added: ['p03'], removed: ['p02'] });

  const since = () => standIn.alwaysOn.events().slice(eventsBefore);
  const bindOf = (thing: string) => since().findIndex((e) => e.kind === 'BIND' && e.things.includes(thing));
  const unbindOf = (thing: string) => since().findIndex((e) => e.kind === 'UNBIND' && e.things.includes(thing));
  await waitFor('BIND Printer-p03 and UNBIND Printer-p02', () => bindOf('Printer-p03') >= 0 && unbindOf('Printer-p02') >= 0);
  t.deepEqual(bound(), ['Adapter-test', 'Printer-p01', 'Printer-p03']);

  // Its health actor pushes Printer-p03's first values: they come after the BIND, and no second BIND is needed.
  const firstValue = () => since().findIndex((e) => e.kind === 'UPDATE' && e.things.includes('Printer-p03'));
  await waitFor('a value of Printer-p03', () => firstValue() >= 0);
  t.true(bindOf('Printer-p03') < firstValue(), 'BIND before the first value');
  t.is(since().filter((e) => e.kind === 'BIND' && e.things.includes('Printer-p03')).length, 1, 'bound once');
  t.is(since().filter((e) => e.kind === 'BIND' && e.things.includes('Printer-p02')).length, 0, 'the removed Thing is not bound again');
});
