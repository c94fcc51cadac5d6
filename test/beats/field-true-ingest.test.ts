/**
 * Issue 13 parts 1 and 2 end to end: real Lumberjack bytes on a real socket into the adapter (listener,
 * collector, uplink) and out to the ThingWorx stand-in over TLS. Rotated and truncated logs are
 * delivered, a genuine re-send is not, and Beats 6.x documents identify their printer and arrive.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import { adapterEnvironment, startAdapter } from '../../actors/adapter.js';
import { INGRESS_PATH, UPLINK_PATH } from '../../actors/paths.js';
import type { UplinkStatus } from '../../actors/uplink/status.js';
import { type BeatsClient, createBeatsClient } from '../../sim/clients/lumberjack-client.js';
import { encodeWindow } from '../../sim/clients/frame-writer.js';
import { createPipServer } from '../../sim/printers/pip-server.js';
import { startThingworxStandIn, type ThingworxStandIn } from '../../sim/thingworx/stand-in.js';
import { createTestPki } from '../support/certs.js';
import { assertStaysTrue } from '../support/observe.js';
import { quietLogger, testAdapterConfig } from '../actors/support.js';
import { until as untilCondition } from '../support/until.js';

const APP_KEY = 'field-true-ingest-key-01';
const WAIT_MS = 30_000;
// A window is ACKed only once ThingWorx has accepted its readings, so after publish() resolves the rows are there.
const PRINTERS = ['p01', 'p02', 'p03', 'p04', 'p05', 'p06'] as const;
const PATH = '/var/log/printer.log';
const GENERATIONS = new URL('../fixtures/beats/generations/', import.meta.url);

interface Rig {
  standIn: ThingworxStandIn;
  beatsPort: number;
  uplink(): Promise<UplinkStatus>;
}

let rigPromise: Promise<Rig> | undefined;
const teardowns: (() => Promise<void> | void)[] = [];

/** One adapter for the file (each test on its own printer), started on first use. */
function rig(): Promise<Rig> {
  rigPromise ??= (async () => {
    const pki = createTestPki();
    teardowns.push(() => pki.cleanup());
    process.env.TEST_TWX_APP_KEY = APP_KEY;
    const standIn = await startThingworxStandIn({
      appKey: APP_KEY,
      things: ['Adapter-test', ...PRINTERS.map((id) => `Printer-${id}`)],
      tls: { cert: pki.serverCert, key: pki.serverKey },
    });
    teardowns.push(() => standIn.stop());
    const pip = createPipServer({ family: 'projet-6k', seed: 13 });
    await pip.start();
    teardowns.push(() => pip.stop());
    const config = testAdapterConfig({
      thingworxUrl: standIn.url.replace('127.0.0.1', 'localhost'),
      caFile: pki.caCertFile,
      printers: PRINTERS.map((id) => ({ id, family: 'projet-6k', pipPort: pip.port(), hostName: `projet-${id.slice(1)}` })),
    });
    const tree = await startAdapter(adapterEnvironment(config), { logger: quietLogger() });
    teardowns.push(() => tree.stop());
    const ingress = await tree.registry.ask(INGRESS_PATH, { type: 'Describe' }, 5000);
    if (!ingress.beats) throw new Error('the Beats listener is not running');
    return {
      standIn,
      beatsPort: ingress.beats.port,
      uplink: () => tree.registry.ask(UPLINK_PATH, { type: 'Describe' }, 5000),
    };
  })();
  return rigPromise;
}

test.after.always(async () => {
  for (const teardown of teardowns.reverse()) await teardown();
});

function client(t: ExecutionContext, port: number): BeatsClient {
  const beat = createBeatsClient({
    host: '127.0.0.1',
    port,
    logger: quietLogger(),
    windowSize: 50,
    timeoutMs: WAIT_MS,
    backoff: { minMs: 50, maxMs: 500 },
  });
  t.teardown(() => beat.close());
  return beat;
}

const until = (what: string, check: () => boolean | Promise<boolean>): Promise<void> =>
  untilCondition(check, { what, timeoutMs: WAIT_MS, everyMs: 20 });

/** A distinct device time per test and line, far from the simulated poller's clock. */
function lineTime(test: number, index: number): number {
  return Date.UTC(2020, 0, 1 + test, 0, 0, 0) + index * 1000;
}

function thermal(time: number, vat: number): string {
  return `${new Date(time).toISOString()} THERMAL VatTemp=${vat.toFixed(1)}C Setpoint=30.0C`;
}

/** How many VatTemperature rows of the printer ThingWorx holds with one of these device times. */
function vatRows(standIn: ThingworxStandIn, printer: string, times: ReadonlySet<number>): number {
  return standIn.records.filter((r) => r.thing === `Printer-${printer}` && r.name === 'VatTemperature' && times.has(r.time)).length;
}

interface Line {
  message: string;
  offset: number;
}

/** Filebeat 8.x without file identity (the repro: any Lumberjack client). */
function plainDoc(host: string, line: Line): object {
  return {
    '@timestamp': new Date().toISOString(),
    '@metadata': { beat: 'filebeat', type: '_doc', version: '8.15.3' },
    message: line.message,
    log: { file: { path: PATH }, offset: line.offset },
    input: { type: 'filestream' },
    host: { name: host },
  };
}

/** Filebeat 8.x filestream: the file's inode and device ride along. */
function filestreamDoc(host: string, inode: string, line: Line): object {
  return {
    '@timestamp': new Date().toISOString(),
    '@metadata': { beat: 'filebeat', type: '_doc', version: '8.15.3' },
    message: line.message,
    log: { file: { path: PATH, inode, device_id: '2049' }, offset: line.offset },
    input: { type: 'filestream' },
    host: { name: host },
    agent: { type: 'filebeat', version: '8.15.3', name: host },
  };
}

/** Filebeat 7.17, the `log` input: no file identity, agent.hostname beside host.name. */
function logInputDoc(host: string, line: Line): object {
  const fixture = JSON.parse(readFileSync(new URL('filebeat-7.17.json', GENERATIONS), 'utf8')) as Record<string, unknown>;
  return {
    ...fixture,
    '@timestamp': new Date().toISOString(),
    message: line.message,
    log: { file: { path: PATH }, offset: line.offset },
    host: { name: host },
    agent: { ...(fixture.agent as object), hostname: host, name: host },
  };
}

/** `count` THERMAL lines of 64 bytes at offsets 0, 256, 512, … with device times from `firstTime`. */
function lines(count: number, firstTest: number, firstIndex: number, vatBase: number): Line[] {
  return Array.from({ length: count }, (_, i) => ({
    message: thermal(lineTime(firstTest, firstIndex + i), vatBase + (i % 10) / 10),
    offset: i * 256,
  }));
}

const timesOf = (ls: readonly Line[]) => new Set(ls.map((l) => Date.parse(l.message.slice(0, 24))));

test.serial(
  'the issue repro: 100 lines, then 100 different lines at the same path and offsets: all 200 ACKed and all 200 in ThingWorx',
  async (t) => {
    const { standIn, beatsPort, uplink } = await rig();
    const beat = client(t, beatsPort);
    const suppressedBefore = (await uplink()).counters.duplicatesSuppressed;
    const first = lines(100, 1, 0, 30);
    const second = lines(100, 1, 100, 31);
    await beat.publish(first.map((l) => plainDoc('projet-01', l)));
    await beat.publish(second.map((l) => plainDoc('projet-01', l)));
    t.is(beat.counters().acked, 200, 'all 200 ACKed to the Beat');
    // A window is ACKed only once ThingWorx holds its readings: what is there now is all there will be.
    const times = new Set([...timesOf(first), ...timesOf(second)]);
    const rows = vatRows(standIn, 'p01', times);
    const suppressed = (await uplink()).counters.duplicatesSuppressed - suppressedBefore;
    t.log(`ACKed ${beat.counters().acked}, rows in ThingWorx ${rows}, duplicatesSuppressed ${suppressed}`);
    t.is(rows, 200);
    t.is(suppressed, 0, 'nothing taken for a re-send');
    t.false(JSON.stringify(standIn.records).includes(PATH), 'the event ids and the path stay inside the adapter');
  },
);

test.serial('copytruncate: the same inode starts again at offset 0 with new lines, and every line is delivered', async (t) => {
  const { standIn, beatsPort, uplink } = await rig();
  const beat = client(t, beatsPort);
  const suppressedBefore = (await uplink()).counters.duplicatesSuppressed;
  const before = lines(50, 2, 0, 30);
  const after = lines(50, 2, 50, 31);
  await beat.publish(before.map((l) => filestreamDoc('projet-02', '131', l)));
  await beat.publish(after.map((l) => filestreamDoc('projet-02', '131', l)));
  const times = new Set([...timesOf(before), ...timesOf(after)]);
  t.is(vatRows(standIn, 'p02', times), 100);
  t.is((await uplink()).counters.duplicatesSuppressed - suppressedBefore, 0);
});

test.serial('rename rotation: a new inode at the same path, even with the very same lines at the same offsets, is delivered', async (t) => {
  const { standIn, beatsPort, uplink } = await rig();
  const beat = client(t, beatsPort);
  const suppressedBefore = (await uplink()).counters.duplicatesSuppressed;
  const same = lines(40, 3, 0, 30);
  await beat.publish(same.map((l) => filestreamDoc('projet-03', '131', l)));
  const times = timesOf(same);
  t.is(vatRows(standIn, 'p03', times), 40);
  // The rotated file: a new inode at the old path, and the same bytes at the same offsets.
  await beat.publish(same.map((l) => filestreamDoc('projet-03', '132', l)));
  t.is(vatRows(standIn, 'p03', times), 80);
  t.is((await uplink()).counters.duplicatesSuppressed - suppressedBefore, 0);
});

test.serial('the 7.x log input (no file identity): new lines at old offsets differ in their digest and are delivered', async (t) => {
  const { standIn, beatsPort, uplink } = await rig();
  const beat = client(t, beatsPort);
  const suppressedBefore = (await uplink()).counters.duplicatesSuppressed;
  const before = lines(50, 4, 0, 30);
  const after = lines(50, 4, 50, 31);
  await beat.publish(before.map((l) => logInputDoc('projet-04', l)));
  await beat.publish(after.map((l) => logInputDoc('projet-04', l)));
  const times = new Set([...timesOf(before), ...timesOf(after)]);
  t.is(vatRows(standIn, 'p04', times), 100);
  t.is((await uplink()).counters.duplicatesSuppressed - suppressedBefore, 0);
});

test.serial(
  'a genuine re-send after a killed connection (same file, offsets and bytes) is suppressed: one row each, counted',
  async (t) => {
    const { standIn, beatsPort, uplink } = await rig();
    const sent = lines(20, 5, 0, 30);
    const docs = sent.map((l) => filestreamDoc('projet-05', '131', l));
    const times = timesOf(sent);
    const suppressedBefore = (await uplink()).counters.duplicatesSuppressed;

    // The Beat writes its window and dies before it reads any ACK.
    const socket = connect({ host: '127.0.0.1', port: beatsPort });
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(encodeWindow(docs, { compressionLevel: 3 }));
    await until('the lines in ThingWorx', () => vatRows(standIn, 'p05', times) >= 20);
    socket.destroy();

    // Restarted, it sends the same window again: ACKed, and nothing new reaches ThingWorx.
    const beat = client(t, beatsPort);
    await beat.publish(docs);
    t.is(beat.counters().acked, 20);
    t.is((await uplink()).counters.duplicatesSuppressed - suppressedBefore, 20);
    // No second row may follow: a named window, begun once the duplicates are counted as suppressed.
    await assertStaysTrue(() => vatRows(standIn, 'p05', times) === 20, 300, 'one row per line');
    t.is(vatRows(standIn, 'p05', times), 20, 'one row per line');
  },
);

test.serial(
  'Beats 6.x: Metricbeat cpu, memory, filesystem and a Filebeat line, identified by beat.hostname, reach ThingWorx and the windows are ACKed',
  async (t) => {
    const { standIn, beatsPort } = await rig();
    const beat = client(t, beatsPort);
    // Before, the 6.x Metricbeat document was refused as "unsupported Metricbeat module undefined", and without
    // host.name the window matched no printer: never ACKed, the Beat retried forever.
    const sixX = (name: string) => {
      const doc = JSON.parse(readFileSync(new URL(name, GENERATIONS), 'utf8')) as Record<string, unknown>;
      return { ...doc, beat: { ...(doc.beat as object), hostname: 'projet-06', name: 'projet-06' } };
    };
    // A Metricbeat window, then a Filebeat one (on one connection here; a printer runs one Beat of each).
    await beat.publish(['metricbeat-6.x-cpu.json', 'metricbeat-6.x-memory.json', 'metricbeat-6.x-filesystem.json'].map(sixX));
    await beat.publish([sixX('filebeat-6.x.json')]);
    t.is(beat.counters().acked, 4, 'both windows ACKed');
    const row = (name: string, time: string) =>
      standIn.records.find((r) => r.thing === 'Printer-p06' && r.name === name && r.time === Date.parse(time));
    t.true(Math.abs((row('CpuUsage', '2026-11-27T10:15:10.000Z')?.value as number) - 2.3169 / 4) < 1e-9, 'total.pct over cores');
    t.is(row('MemoryUsage', '2026-11-27T10:15:10.000Z')?.value, 0.6832);
    t.is(row('FilesystemUsage_root', '2026-11-27T10:15:10.000Z')?.value, 0.2053);
    t.is(row('VatTemperature', '2026-11-27T10:15:02.123Z')?.value, 30.1);
  },
);
