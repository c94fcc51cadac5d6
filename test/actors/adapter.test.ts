import test from 'ava';
import { adapterEnvironment, startAdapter } from '../../actors/adapter.js';
import { INGRESS_PATH } from '../../actors/paths.js';
import { createBeatsClient } from '../../sim/clients/lumberjack-client.js';
import { createPipServer } from '../../sim/printers/pip-server.js';
import { startThingworxStandIn } from '../../sim/thingworx/stand-in.js';
import { createTestPki } from '../support/certs.js';
import { until } from '../support/until.js';
import { quietLogger, testAdapterConfig } from './support.js';

const APP_KEY = 'adapter-test-key-0001';

function filebeatDoc(line: string, offset: number, host: string): object {
  return {
    '@timestamp': new Date().toISOString(),
    '@metadata': { beat: 'filebeat', type: '_doc', version: '8.14.4' },
    message: line,
    log: { file: { path: '/var/log/printer.log' }, offset },
    host: { name: host },
    input: { type: 'filestream' },
  };
}

test('a Beats window reaches ThingWorx over TLS, is acknowledged only after, and JOBFILE lines never leave', async (t) => {
  const pki = createTestPki();
  process.env.TEST_TWX_APP_KEY = APP_KEY;
  const standIn = await startThingworxStandIn({
    appKey: APP_KEY,
    things: ['Adapter-test', 'Printer-p01'],
    tls: { cert: pki.serverCert, key: pki.serverKey },
  });
  const pip = createPipServer({ family: 'projet-6k', seed: 1 });
  await pip.start();
  const config = testAdapterConfig({
    thingworxUrl: standIn.url.replace('127.0.0.1', 'localhost'),
    caFile: pki.caCertFile,
    printers: [{ id: 'p01', family: 'projet-6k', pipPort: pip.port(), hostName: 'printer-01' }],
  });
  const tree = await startAdapter(adapterEnvironment(config), { logger: quietLogger() });
  t.teardown(async () => {
    await tree.stop();
    await pip.stop();
    await standIn.stop();
    pki.cleanup();
  });

  const ingress = await tree.registry.ask(INGRESS_PATH, { type: 'Describe' }, 2000);
  t.truthy(ingress.beats);
  const client = createBeatsClient({ host: '127.0.0.1', port: ingress.beats!.port, logger: quietLogger(), windowSize: 3 });
  t.teardown(() => client.close());

  // Hold ThingWorx down: the window must not be acknowledged while nothing is delivered.
  standIn.faults.setOutage(true, 'reset');
  const lines = [
    '2026-11-27T10:15:02.123Z THERMAL VatTemp=30.1C Setpoint=30.0C',
    '2026-11-27T10:15:05.000Z JOBFILE name=bracket_v7_final.ctl',
    '2026-11-27T10:15:03.010Z RESIN level=71.5%',
  ];
  let acked = false;
  const published = client.publish(lines.map((line, i) => filebeatDoc(line, i * 100, 'printer-01'))).then(() => {
    acked = true;
  });
  // The uplink has the readings and has tried ThingWorx twice (each attempt reset): the window is still open.
  const resetsAtOutage = standIn.counters.resets;
  await until(() => standIn.counters.resets >= resetsAtOutage + 2, { timeoutMs: 20_000, what: 'two refused delivery attempts' });
  t.false(acked, 'acknowledged before ThingWorx had the readings');

  standIn.faults.setOutage(false);
  await published;
  const rows = standIn.records.filter((r) => r.thing === 'Printer-p01');
  const vat = rows.find((r) => r.name === 'VatTemperature' && r.time === Date.parse('2026-11-27T10:15:02.123Z'));
  t.is(vat?.value, 30.1);
  t.truthy(rows.find((r) => r.name === 'ResinLevel' && r.value === 71.5));
  t.false(JSON.stringify(standIn.records).includes('bracket_v7_final'), 'a JOBFILE name reached ThingWorx');
});
