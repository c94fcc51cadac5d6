/**
 * What the adapter refuses or drops is visible (issue 13, part 3): real Lumberjack windows over a
 * real socket into the real adapter, then the operator's views (`printers --json`, the table,
 * `metrics`) over the control socket and the adapter's health rows as the ThingWorx stand-in got them.
 */
import test from 'ava';
import { adapterEnvironment, startAdapter } from '../../actors/adapter.js';
import { INGRESS_PATH } from '../../actors/paths.js';
import { createBeatsClient } from '../../sim/clients/lumberjack-client.js';
import { createPipServer } from '../../sim/printers/pip-server.js';
import { startThingworxStandIn, type ThingworxStandIn } from '../../sim/thingworx/stand-in.js';
import { runCliInProcess } from '../cli/daemon-support.js';
import { capturedLogger } from '../lumberjack/support.js';
import { createTestPki, type TestPki } from '../support/certs.js';
import { until } from '../support/until.js';
import { quietLogger, testAdapterConfig } from './support.js';

const APP_KEY = 'drops-visible-test-key-0001';
const THERMAL = '2026-11-27T10:15:02.123Z THERMAL VatTemp=30.1C Setpoint=30.0C';
const THERMAL_TIME = Date.parse('2026-11-27T10:15:02.123Z');

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

async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  let value: T | undefined;
  await until(
    async () => {
      value = await check();
      return value !== undefined && value !== false;
    },
    { what, timeoutMs, everyMs: 100 },
  );
  return value as T;
}

interface PrintersJson {
  at: number;
  printers: Array<{
    id: string;
    sources: Array<{ source: string; lastSeenAt: number | null }>;
    dropped: { total: number; byReason: Record<string, number> };
  }>;
  refused: Array<{ reason: string; peer: string; count: number }>;
}

async function cli(socket: string, ...args: string[]): Promise<string> {
  const result = await runCliInProcess([...args, '--socket', socket]);
  if (result.code !== 0) throw new Error(`3dconnect ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

async function printersJson(socket: string): Promise<PrintersJson> {
  return JSON.parse(await cli(socket, 'printers', '--json')) as PrintersJson;
}

interface Rig {
  pki: TestPki;
  standIn: ThingworxStandIn;
  beatsPort: number;
  socket: string;
}

async function startRig(
  t: { teardown(fn: () => Promise<void>): void },
  options: { logger?: ReturnType<typeof quietLogger>; tls?: boolean } = {},
): Promise<Rig> {
  const pki = createTestPki();
  process.env.TEST_TWX_APP_KEY = APP_KEY;
  const standIn = await startThingworxStandIn({ appKey: APP_KEY, things: 'any', tls: { cert: pki.serverCert, key: pki.serverKey } });
  const pips = [createPipServer({ family: 'projet-6k', seed: 1 }), createPipServer({ family: 'projet-6k', seed: 2 })];
  for (const pip of pips) await pip.start();
  const config = testAdapterConfig(
    {
      thingworxUrl: standIn.url.replace('127.0.0.1', 'localhost'),
      caFile: pki.caCertFile,
      printers: [
        { id: 'p01', family: 'projet-6k', pipPort: pips[0]!.port(), hostName: 'printer-01' },
        { id: 'p02', family: 'projet-6k', pipPort: pips[1]!.port(), hostName: 'printer-02' },
      ],
    },
    options.tls
      ? {
          listeners: {
            beats: {
              enabled: true,
              host: '127.0.0.1',
              port: 0,
              tls: { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, caFile: pki.caCertFile, clientAuth: 'required' },
            },
            push: { enabled: false, host: '127.0.0.1', port: 0, path: '/push/v1' },
          },
        }
      : {},
  );
  if (options.tls) {
    // p01 is known by its client certificate only; p02 by its host name.
    const p01 = config.printers[0]!;
    config.printers[0] = { ...p01, identity: { tlsSubject: pki.clientSubject } };
  }
  const tree = await startAdapter(adapterEnvironment(config), { logger: options.logger ?? quietLogger() });
  t.teardown(async () => {
    await tree.stop();
    for (const pip of pips) await pip.stop();
    await standIn.stop();
    pki.cleanup();
  });
  const ingress = await tree.registry.ask(INGRESS_PATH, { type: 'Describe' }, 2_000);
  return { pki, standIn, beatsPort: ingress.beats!.port, socket: config.control.socket };
}

test('lines no rule matches, a document of an unknown kind and a window from an unknown printer are counted and shown everywhere', async (t) => {
  const rig = await startRig(t);
  const before = await printersJson(rig.socket);
  const p01Before = before.printers.find((p) => p.id === 'p01')!;
  t.deepEqual(p01Before.dropped, { total: 0, byReason: {} });
  const filebeatBefore = p01Before.sources.find((s) => s.source === 'filebeat')?.lastSeenAt ?? null;
  t.is(filebeatBefore, null, 'nothing was sent yet');

  // A Filebeat whose lines match no rule, with one document of a kind the adapter does not know.
  const client = createBeatsClient({ host: '127.0.0.1', port: rig.beatsPort, logger: quietLogger(), windowSize: 4 });
  t.teardown(() => client.close());
  const sentAt = Date.now();
  await client.publish([
    filebeatDoc('kernel: usb 1-1: new high-speed USB device', 0, 'printer-01'),
    filebeatDoc('sshd[812]: session opened for user service', 60, 'printer-01'),
    { '@timestamp': new Date().toISOString(), host: { name: 'printer-01' }, winlog: { event_id: 4624 } },
    filebeatDoc('cron[77]: job finished', 120, 'printer-01'),
  ]);

  // A Beat no printer is configured for: refused, counted by its peer address.
  const intruder = createBeatsClient({
    host: '127.0.0.1',
    port: rig.beatsPort,
    logger: quietLogger(),
    windowSize: 1,
    timeoutMs: 2_000,
    backoff: { minMs: 100, maxMs: 200 },
  });
  void intruder.publish([filebeatDoc(THERMAL, 0, 'not-a-configured-printer')]).catch(() => {});
  const refusedView = await waitFor('the unknown printer refused', async () => {
    const view = await printersJson(rig.socket);
    return view.refused.some((r) => r.reason === 'unknown_printer') ? view : undefined;
  });
  await intruder.close();

  // printers --json: per-reason counts for the printer, refusals by peer, and the source seen.
  const p01 = (await printersJson(rig.socket)).printers.find((p) => p.id === 'p01')!;
  t.deepEqual(p01.dropped, { total: 4, byReason: { log_no_match: 3, unknown_document: 1 } });
  const filebeatSeen = p01.sources.find((s) => s.source === 'filebeat')?.lastSeenAt ?? null;
  t.not(filebeatSeen, null, 'a Filebeat whose lines match no rule is still a live source');
  t.true((filebeatSeen ?? 0) >= sentAt);
  t.deepEqual(refusedView.printers.find((p) => p.id === 'p02')!.dropped, { total: 0, byReason: {} });
  const refusal = refusedView.refused.find((r) => r.reason === 'unknown_printer')!;
  t.is(refusal.peer, '127.0.0.1');
  t.true(refusal.count >= 1);

  // The table has a DROPPED column with the total.
  const table = (await cli(rig.socket, 'printers')).split('\n');
  const header = table.find((line) => line.startsWith('PRINTER'))!;
  const row = table.find((line) => line.startsWith('p01'))!;
  const droppedEnd = header.indexOf('DROPPED') + 'DROPPED'.length;
  t.is(row.slice(0, droppedEnd).trimEnd().split(/\s+/).pop(), '4');
  t.regex(table[0]!, /window(s)? refused from 1 unknown peer$/);

  // metrics: counters by printer and reason, refusals by reason and peer.
  const metrics = await cli(rig.socket, 'metrics');
  t.true(metrics.includes('threedconnect_printer_dropped_total{printer="p01",reason="log_no_match"} 3\n'));
  t.true(metrics.includes('threedconnect_printer_dropped_total{printer="p01",reason="unknown_document"} 1\n'));
  t.regex(metrics, /threedconnect_ingress_refused_total\{reason="unknown_printer",peer="127\.0\.0\.1"\} [1-9]\d*\n/);

  // The adapter's health Thing: DroppedTotal and DroppedByReason carry the same counts.
  const healthRow = await waitFor('a health report with the drops', () => {
    const rows = rig.standIn.records.filter((r) => r.thing === 'Adapter-test' && r.name === 'DroppedByReason');
    const last = rows.at(-1);
    if (last === undefined) return undefined;
    const byReason = JSON.parse(String(last.value)) as Record<string, number>;
    return byReason.log_no_match === 3 && (byReason.unknown_printer ?? 0) >= 1 ? { byReason, time: last.time } : undefined;
  });
  t.is(healthRow.byReason.unknown_document, 1);
  const total = rig.standIn.records.find((r) => r.thing === 'Adapter-test' && r.name === 'DroppedTotal' && r.time === healthRow.time);
  t.is(
    total?.value,
    Object.values(healthRow.byReason).reduce((sum, count) => sum + count, 0),
  );
  t.true(Number(total?.value) >= 5);
  t.false(JSON.stringify(rig.standIn.records).includes('usb 1-1'), 'a raw line reached ThingWorx');
});

test('a client certificate and documents that name different printers: the certificate wins, logged once per connection and counted', async (t) => {
  const { logger, lines } = capturedLogger();
  const rig = await startRig(t, { logger, tls: true });
  const tls = { ca: rig.pki.caCert, cert: rig.pki.clientCert, key: rig.pki.clientKey, servername: 'localhost' };
  const connect = () => createBeatsClient({ host: '127.0.0.1', port: rig.beatsPort, logger: quietLogger(), windowSize: 1, tls });
  const mismatchLogs = () => lines().filter((line) => String(line.msg).includes('certificate and documents name different printers'));

  // Documents claiming printer-02 (p02's host name) over p01's certificate, two windows on one connection.
  const first = connect();
  t.teardown(() => first.close());
  await first.publish([filebeatDoc(THERMAL, 0, 'printer-02')]);
  await first.publish([filebeatDoc(THERMAL, 100, 'printer-02')]);
  t.is(mismatchLogs().length, 1, 'logged once for the connection, not per window');
  t.like(mismatchLogs()[0], { level: 40, printer: 'p01', claimedByDocuments: 'p02' });
  await first.close();

  const second = connect();
  t.teardown(() => second.close());
  await second.publish([filebeatDoc(THERMAL, 200, 'printer-02')]);
  t.is(mismatchLogs().length, 2, 'a new connection is reported again');

  const view = await printersJson(rig.socket);
  t.deepEqual(view.printers.find((p) => p.id === 'p01')!.dropped, { total: 2, byReason: { identity_mismatch: 2 } });
  t.deepEqual(view.printers.find((p) => p.id === 'p02')!.dropped, { total: 0, byReason: {} });
  const metrics = await cli(rig.socket, 'metrics');
  t.true(metrics.includes('threedconnect_printer_dropped_total{printer="p01",reason="identity_mismatch"} 2\n'));
  // The certificate wins: the readings of the lines are p01's (polls give both printers other VatTemperature rows).
  const fromLine = (thing: string) =>
    rig.standIn.records.some((r) => r.thing === thing && r.name === 'VatTemperature' && r.time === THERMAL_TIME);
  await waitFor('the readings in ThingWorx', () => fromLine('Printer-p01') || undefined);
  t.false(fromLine('Printer-p02'));
});
