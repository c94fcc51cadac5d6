import { existsSync, statSync } from 'node:fs';
import test from 'ava';
import { controlRequest } from '../../protocols/control/client.js';
import { ControlError } from '../../protocols/control/errors.js';
import { adminSocketPathFor } from '../../protocols/control/socket-file.js';
import { accountDeliveries } from '../../sim/printers/delivery-account.js';
import { until } from '../support/until.js';
import { listeningTcpPorts, runCli, runCliInProcess, startDaemonFixture } from './daemon-support.js';

interface ActorRow {
  path: string;
  status: string;
  restarts: { total: number };
}

const waitFor = (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> =>
  until(check, { what, timeoutMs, everyMs: 200 });

test('the daemon: every view holds real values, restart shows up, sockets 0660 and admin 0600, no stray TCP port, no secret, SIGTERM exits 0 losing nothing', async (t) => {
  const daemon = await startDaemonFixture(2);
  t.teardown(() => daemon.stop());
  const cli = async (...args: string[]) => {
    const result = await runCliInProcess([...args, '--socket', daemon.socket], daemon.env);
    t.is(result.code, 0, `${args.join(' ')} failed: ${result.stderr}`);
    return result;
  };
  const json = async <T>(...args: string[]) => JSON.parse((await cli(...args, '--json')).stdout) as T;

  t.is(statSync(daemon.socket).mode & 0o777, 0o660);
  const adminSocket = adminSocketPathFor(daemon.socket);
  t.is(statSync(adminSocket).mode & 0o777, 0o600);
  // The group's socket only looks: a restart there is refused, and the daemon logs it.
  const refused = await t.throwsAsync(controlRequest(daemon.socket, 'restart', { path: 'adapter/fleet/p01/poller' }), {
    instanceOf: ControlError,
  });
  t.is(refused?.context.remoteCode, 'CONTROL_NOT_PERMITTED');
  await waitFor('the refusal logged', () => daemon.output().includes('control request refused: not allowed on this socket'));
  // The installed command itself, once, as an operator runs it.
  const fromShell = await runCli(['status', '--tree', '--socket', daemon.socket], daemon.env);
  t.is(fromShell.code, 0, fromShell.stderr);
  t.regex(fromShell.stdout, /adapter\/fleet\/p01\/collector\s+running/);
  const dashboard = await runCli(['status', '--socket', daemon.socket], daemon.env);
  t.is(dashboard.code, 0, dashboard.stderr);
  t.regex(dashboard.stdout, /^uplink \w+ · queue /m);
  t.regex(dashboard.stdout, /^p01 /m);
  t.regex(dashboard.stdout, /^EVENTS newest first/m);

  const status = await json<{ actors: ActorRow[] }>('status');
  t.true(status.actors.length >= 1 + 4 + 2 * 4, 'the whole tree is listed');
  t.true(status.actors.every((a) => a.status === 'running'));

  await waitFor('readings/s above zero', async () => {
    const printers = await json<{ printers: { readingsPerSecond: number }[] }>('printers');
    return printers.printers.some((p) => p.readingsPerSecond > 0);
  });
  const uplink = await json<{ session: string; counters: { deliveredReadings: number } }>('uplink');
  t.is(uplink.session, 'ready');
  t.true(uplink.counters.deliveredReadings > 0);
  const metrics = await cli('metrics');
  t.regex(metrics.stdout, /threedconnect_uplink_delivered_readings_total \d+/);
  t.true(metrics.stdout.trimEnd().endsWith('# EOF'));

  const target = 'adapter/fleet/p01/poller';
  t.is(
    (await json<{ actors: ActorRow[] }>('status')).actors.find((a) => a.path === target)?.restarts.total,
    0,
    'the refused restart did nothing',
  );
  // The CLI takes restart to the admin socket beside --socket.
  await cli('restart', target);
  await waitFor('the restart counted', async () => {
    const after = await json<{ actors: ActorRow[] }>('status');
    const row = after.actors.find((a) => a.path === target);
    return row?.restarts.total === 1 && row.status === 'running';
  });

  t.deepEqual(
    listeningTcpPorts(daemon.child.pid!),
    [daemon.ports.beats, daemon.ports.push].sort((a, b) => a - b),
  );

  // Human and JSON output of every view, and the daemon's own log: no app key, no push token.
  const secrets = [daemon.appKey, ...Object.values(daemon.fleet.pushTokenEnv())];
  for (const view of ['status', 'printers', 'uplink', 'metrics', 'config']) {
    for (const output of [(await cli(view)).stdout, (await cli(view, '--json')).stdout]) {
      for (const secret of secrets) t.false(output.includes(secret), `${view} shows a secret`);
    }
  }
  for (const secret of secrets) t.false(daemon.output().includes(secret), 'the log shows a secret');

  daemon.child.kill('SIGTERM');
  t.is(await daemon.exited, 0);
  t.false(existsSync(daemon.socket) || existsSync(adminSocket), 'both socket files removed');
  // Whatever the printers had acknowledged is in ThingWorx; the rest they still hold and re-send.
  t.is(accountDeliveries(daemon.fleet, daemon.standIn.records).lost, 0);
  t.true(daemon.fleet.expectedAcked().length > 0);
});

test('SIGHUP: a printer added is applied without touching the others; an invalid file is refused and the old config kept', async (t) => {
  const daemon = await startDaemonFixture(3, 2);
  t.teardown(() => daemon.stop());
  const json = async <T>(...args: string[]) => {
    const result = await runCliInProcess([...args, '--json', '--socket', daemon.socket], daemon.env);
    t.is(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };
  interface Row {
    path: string;
    status: string;
    restarts: { total: number };
    startedAt: number;
  }
  const others = async () =>
    (await json<{ actors: Row[] }>('status')).actors
      .filter((a) => /^adapter\/fleet\/p0[12]/.test(a.path))
      .map((a) => ({ path: a.path, status: a.status, restarts: a.restarts.total, startedAt: a.startedAt }));
  await waitFor('the configured printers delivering', () => daemon.fleet.counters().printers.p01!.ledger.filebeat.events_acked > 0);
  const before = await others();
  t.is(before.length, 8);
  t.is(daemon.fleet.counters().printers.p03!.ledger.push.events_acked, 0, 'an unconfigured printer is not acknowledged');

  daemon.writeConfig({ ...daemon.rawConfig, printers: daemon.allPrinters });
  daemon.child.kill('SIGHUP');
  await waitFor('p03 running and delivering', async () => {
    const status = await json<{ actors: Row[] }>('status');
    const running = status.actors.some((a) => a.path === 'adapter/fleet/p03/collector' && a.status === 'running');
    return running && daemon.fleet.counters().printers.p03!.ledger.push.events_acked > 0;
  });
  t.deepEqual(await others(), before, 'the other printers were not restarted');

  const broken = structuredClone(daemon.allPrinters);
  broken[0]!.address = 'not-an-address';
  daemon.writeConfig({ ...daemon.rawConfig, printers: broken });
  daemon.child.kill('SIGHUP');
  await waitFor('the refusal logged', () => daemon.output().includes('reload refused'));
  t.true(daemon.output().includes('printers[0].address'), 'the log names the error');
  const config = await json<{ printers: { id: string; address: string }[] }>('config');
  t.deepEqual(
    config.printers.map((p) => p.id),
    ['p01', 'p02', 'p03'],
  );
  t.not(config.printers[0]!.address, 'not-an-address');
  t.deepEqual(await others(), before);
});
