import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import type { SimulatedFleet } from '../../sim/printers/index.js';
import { startDaemonFixture } from '../cli/daemon-support.js';
import { until } from '../support/until.js';
import { accountDeliveries, eventTotals } from './invariants.js';

const CLI = join(process.cwd(), 'cli', 'bin', '3dconnect.js');
const PRINTERS = 4;

const waitFor = (what: string, check: () => boolean, timeoutMs = 30_000, everyMs = 100): Promise<void> =>
  until(check, { what, timeoutMs, everyMs });

function totals(fleet: SimulatedFleet) {
  const counters = fleet.counters();
  let reconnects = 0;
  let resent = 0;
  for (const printer of Object.values(counters.printers)) {
    for (const shipper of [printer.filebeat, printer.metricbeat, printer.push]) {
      reconnects += shipper?.reconnects ?? 0;
      resent += shipper?.resent ?? 0;
    }
  }
  return { ...eventTotals(fleet), reconnects, resent };
}

/** The same command line the first daemon runs, on the same config file and environment. */
function startAgain(
  configFile: string,
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'run', '--config', configFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

test('kill -9 mid-stream, then a new daemon on the same config: the printers reconnect and re-send, nothing acknowledged is lost', async (t) => {
  t.timeout(150_000);
  const fixture = await startDaemonFixture(PRINTERS);
  t.teardown(() => fixture.stop());
  const { fleet, standIn } = fixture;

  await waitFor('events flowing', () => totals(fleet).acked > 300);
  // Mid-stream: the moment some events are handed over and not yet acknowledged.
  await waitFor('events in flight', () => totals(fleet).sent > totals(fleet).acked, 10_000, 5);
  const atKill = totals(fleet);
  fixture.child.kill('SIGKILL');
  await fixture.exited;
  t.is(fixture.child.signalCode, 'SIGKILL');
  t.true(atKill.sent > atKill.acked, 'something was in flight when the daemon died');

  const second = startAgain(fixture.configFile, fixture.env);
  t.teardown(() => {
    if (second.child.exitCode === null && second.child.signalCode === null) second.child.kill('SIGKILL');
  });
  // The stale control socket of the killed daemon must not keep the new one from starting.
  await waitFor('the second daemon ready', () => {
    if (second.child.exitCode !== null) throw new Error(`the second daemon exited ${second.child.exitCode}:\n${second.output()}`);
    return second.output().includes('control socket ready');
  });

  await waitFor('acknowledgements again', () => totals(fleet).acked > atKill.sent + 100, 60_000);
  fleet.setRates({ linesPerSecond: 0, metricDocsPerSecond: 0, pushMessagesPerSecond: 0 });
  await fleet.drained(45_000);

  const after = totals(fleet);
  t.true(after.reconnects >= PRINTERS, `only ${after.reconnects} reconnects`);
  t.is(after.sent, after.acked, 'every sent event acknowledged in the end');
  const account = accountDeliveries(fleet, standIn.records);
  t.is(account.lost, 0, `lost: ${account.lostExamples.join('; ')}`);
  t.log(
    `sent=${after.sent} resent=${after.resent} reconnects=${after.reconnects} duplicates=${account.duplicates} in_flight_at_kill=${atKill.sent - atKill.acked}`,
  );

  second.child.kill('SIGTERM');
  t.is(await second.exited, 0, second.output().slice(-2_000));
});
