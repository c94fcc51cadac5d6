import test from 'ava';
import type { CliCommand } from '../../cli/command.js';
import * as configCommand from '../../cli/commands/config.js';
import { asCliCommand, COMMAND_EXIT, CONTROL_CLI_COMMANDS } from '../../cli/commands/index.js';
import type { CommandIo } from '../../cli/commands/io.js';
import * as metricsCommand from '../../cli/commands/metrics.js';
import * as printersCommand from '../../cli/commands/printers.js';
import * as restartCommand from '../../cli/commands/restart.js';
import * as statusCommand from '../../cli/commands/status.js';
import * as uplinkCommand from '../../cli/commands/uplink.js';
import { ANSI } from '../../cli/views/watch.js';
import { silentLogger } from '../../config/logging.js';
import { ControlError } from '../../protocols/control/errors.js';
import type { ControlRequest } from '../../protocols/control/messages.js';
import { metricsResult } from '../../protocols/control/metric-family.js';
import { type ControlServerOptions, createControlServer } from '../../protocols/control/server.js';
import { adminSocketPathFor } from '../../protocols/control/socket-file.js';
import { createSocketDir } from '../control/harness.js';
import { CONFIG, LEAKED_SECRETS, PRINTERS, STATUS, UPLINK } from './snapshots.js';
import { CONTROL_DEFAULTS } from '../../config/defaults.js';

const ESC = '\x1b';

const FAMILIES = [
  {
    name: 'threedconnect_readings_delivered',
    help: 'Readings accepted by ThingWorx.',
    type: 'counter' as const,
    samples: [{ labels: { printer: 'p01' }, value: 42 }],
  },
  { name: 'threedconnect_uplink_queue_readings', help: 'Readings waiting.', type: 'gauge' as const, samples: [{ value: 7 }] },
];

interface Daemon {
  socketPath: string;
  requests: ControlRequest[];
}

/** A real control server answering with the fixed snapshots; `handle` overrides per test. */
async function startDaemon(t: { teardown(fn: () => Promise<void>): void }, handle?: ControlServerOptions['handle']): Promise<Daemon> {
  const dir = await createSocketDir();
  const socketPath = dir.socket();
  const requests: ControlRequest[] = [];
  const handler: ControlServerOptions['handle'] = async (request) => {
    requests.push(request);
    if (handle) return handle(request);
    switch (request.cmd) {
      case 'status':
        return STATUS;
      case 'printers':
        return PRINTERS;
      case 'uplink':
        return UPLINK;
      case 'metrics':
        return metricsResult(FAMILIES);
      case 'config':
        return CONFIG;
      case 'restart':
        if (request.args.path === 'adapter') return { path: 'adapter', accepted: false, reason: 'the root has no supervisor' };
        if (!request.args.path.startsWith('adapter/')) throw new ControlError('CONTROL_UNKNOWN_PATH', `no actor at ${request.args.path}`);
        return { path: request.args.path, accepted: true };
      default:
        return null;
    }
  };
  // As the daemon does: views on the socket, restart on the admin socket beside it.
  const server = await createControlServer({ socketPath, logger: silentLogger(), handle: handler });
  const admin = await createControlServer({
    socketPath: adminSocketPathFor(socketPath),
    access: 'admin',
    logger: silentLogger(),
    handle: handler,
  });
  t.teardown(async () => {
    await Promise.all([server.close(), admin.close()]);
    await dir.remove();
  });
  return { socketPath, requests };
}

function capture(overrides: Partial<CommandIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    isTTY: false,
    env: {},
    ...overrides,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

test('--json prints the raw result of every view', async (t) => {
  const { socketPath } = await startDaemon(t);
  const cases: Array<[(argv: readonly string[], io: CommandIo) => Promise<number>, unknown]> = [
    [statusCommand.run, STATUS],
    [printersCommand.run, PRINTERS],
    [uplinkCommand.run, UPLINK],
    [metricsCommand.run, metricsResult(FAMILIES)],
  ];
  for (const [run, expected] of cases) {
    const { io, stdout, stderr } = capture();
    t.is(await run(['--json', '--socket', socketPath], io), COMMAND_EXIT.ok);
    t.deepEqual(JSON.parse(stdout()), JSON.parse(JSON.stringify(expected)));
    t.is(stderr(), '');
  }
});

test('status shows the fleet dashboard: header, a line per printer, events', async (t) => {
  const { socketPath, requests } = await startDaemon(t);
  const plain = capture();
  t.is(await statusCommand.run(['--socket', socketPath], plain.io), 0);
  const lines = plain.stdout().split('\n');
  t.true(lines[0]?.startsWith('3dconnect 0.1.0 · pid 4242 · up 2h'), lines[0]);
  t.true(lines[1]?.startsWith('uplink degraded · queue 1,234/100,000'), lines[1]);
  t.true(lines[2]?.startsWith('held 2: Printer_SLA_02 (403 forbidden'), lines[2]);
  t.regex(plain.stdout(), /\np02 +offline +- +- +live +never +0\.0 /);
  // This stand-in daemon has no events view: the dashboard says so rather than failing.
  t.true(plain.stdout().includes('EVENTS unavailable'));
  t.deepEqual(new Set(requests.map((r) => r.cmd)), new Set(['status', 'printers', 'uplink', 'events']));
  t.false(plain.stdout().includes(ESC));
});

test('status --tree renders the summary and table, in colour only on a terminal without NO_COLOR', async (t) => {
  const { socketPath } = await startDaemon(t);
  const plain = capture();
  t.is(await statusCommand.run(['--tree', '--socket', socketPath], plain.io), 0);
  t.true(plain.stdout().startsWith('3dconnect 0.1.0 · pid 4242 · up 2h'));
  t.regex(plain.stdout(), /\n {4}adapter\/fleet\/p02 +failed +12\/3 /);
  t.false(plain.stdout().includes(ESC));

  const tty = capture({ isTTY: true });
  t.is(await statusCommand.run(['--tree', '--socket', socketPath], tty.io), 0);
  t.true(tty.stdout().includes(`${ESC}[31mfailed`));

  const noColor = capture({ isTTY: true, env: { NO_COLOR: '1' } });
  t.is(await statusCommand.run(['--tree', '--socket', socketPath], noColor.io), 0);
  t.false(noColor.stdout().includes(ESC));
  t.is(noColor.stdout(), plain.stdout());
});

test('printers and uplink render their tables', async (t) => {
  const { socketPath } = await startDaemon(t);
  const printers = capture();
  t.is(await printersCommand.run(['--socket', socketPath], printers.io), 0);
  t.true(printers.stdout().includes('filebeat 3s, metricbeat 10s, poll 2s'));
  const uplink = capture();
  t.is(await uplinkCommand.run(['--socket', socketPath], uplink.io), 0);
  t.true(uplink.stdout().includes('responses by status    200: 320, 403: 4, 404: 9, 503: 3, none: 1\n'));
  t.true(uplink.stdout().includes('held Things            Printer_SLA_02: 403 forbidden'));
});

test('metrics prints OpenMetrics by default and the prometheus format on request', async (t) => {
  const { socketPath } = await startDaemon(t);
  const open = capture();
  t.is(await metricsCommand.run(['--socket', socketPath], open.io), 0);
  t.true(open.stdout().includes('threedconnect_readings_delivered_total{printer="p01"} 42\n'));
  t.true(open.stdout().endsWith('# EOF\n'));
  const prometheus = capture();
  t.is(await metricsCommand.run(['--socket', socketPath, '--format', 'prometheus'], prometheus.io), 0);
  t.true(prometheus.stdout().includes('# TYPE threedconnect_readings_delivered_total counter\n'));
  t.false(prometheus.stdout().includes('# EOF'));
});

test('config never shows a secret, rendered or as JSON', async (t) => {
  const { socketPath } = await startDaemon(t);
  for (const argv of [
    ['--socket', socketPath],
    ['--json', '--socket', socketPath],
  ]) {
    const { io, stdout } = capture();
    t.is(await configCommand.run(argv, io), 0);
    for (const secret of LEAKED_SECRETS) t.false(stdout().includes(secret), `${argv.join(' ')}: ${secret}`);
    t.true(stdout().includes('<env:TWX_APP_KEY>'));
    t.true(stdout().includes('edge-01'));
  }
});

test('restart PATH asks the daemon; an unknown or refused path exits 64', async (t) => {
  const daemon = await startDaemon(t);
  const ok = capture();
  t.is(await restartCommand.run(['adapter/fleet/p01', '--socket', daemon.socketPath], ok.io), COMMAND_EXIT.ok);
  t.is(ok.stdout(), 'restart requested: adapter/fleet/p01\n');
  t.deepEqual(daemon.requests.at(-1), { id: daemon.requests.at(-1)?.id ?? 0, cmd: 'restart', args: { path: 'adapter/fleet/p01' } });

  const unknown = capture();
  t.is(await restartCommand.run(['nowhere', '--socket', daemon.socketPath], unknown.io), COMMAND_EXIT.usage);
  t.is(unknown.stderr(), '3dconnect restart: the daemon refused: CONTROL_UNKNOWN_PATH: no actor at nowhere\n');

  const root = capture();
  t.is(await restartCommand.run(['adapter', '--socket', daemon.socketPath], root.io), COMMAND_EXIT.usage);
  t.regex(root.stderr(), /adapter was not restarted: the root has no supervisor/);

  const json = capture();
  t.is(await restartCommand.run(['adapter/uplink', '--json', '--socket', daemon.socketPath], json.io), COMMAND_EXIT.ok);
  t.deepEqual(JSON.parse(json.stdout()), { path: 'adapter/uplink', accepted: true });
});

test('no daemon: exit 69, and the message says where it looked and how to start one', async (t) => {
  const dir = await createSocketDir();
  t.teardown(() => dir.remove());
  const socketPath = dir.socket('absent.sock');
  for (const run of CONTROL_CLI_COMMANDS.map((command) => command.run)) {
    const { io, stderr, stdout } = capture();
    const argv = run === restartCommand.run ? ['adapter/fleet/p01', '--socket', socketPath] : ['--socket', socketPath];
    t.is(await run(argv, io), COMMAND_EXIT.unavailable);
    // restart looks for the admin socket beside the one given.
    const looked = run === restartCommand.run ? adminSocketPathFor(socketPath) : socketPath;
    t.true(stderr().includes(`no 3dconnect daemon at ${looked}`), stderr());
    t.true(stderr().includes('3dconnect run --config FILE'));
    t.true(stderr().includes('--socket PATH'));
    t.is(stdout(), '');
  }
});

test('without --socket the default path is where it looks', async (t) => {
  const { io, stderr } = capture();
  const code = await uplinkCommand.run([], io);
  if (code === COMMAND_EXIT.unavailable) t.true(stderr().includes(CONTROL_DEFAULTS.socketPath));
  else t.log(`a daemon answers at ${CONTROL_DEFAULTS.socketPath}; exit ${code}`);
  t.pass();
});

test('a reply that does not decode, or a daemon failure, exits 70', async (t) => {
  const { socketPath } = await startDaemon(t, async (request) => {
    if (request.cmd === 'status') return { ...STATUS, actors: [{ path: 'x' }] };
    throw new Error('snapshot failed');
  });
  const bad = capture();
  t.is(await statusCommand.run(['--tree', '--socket', socketPath], bad.io), COMMAND_EXIT.software);
  t.regex(bad.stderr(), /reply cannot be shown \(SNAPSHOT_BAD_FIELD\): actors\[0\]\.kind/);
  const failed = capture();
  t.is(await printersCommand.run(['--socket', socketPath], failed.io), COMMAND_EXIT.software);
  t.regex(failed.stderr(), /CONTROL_INTERNAL: snapshot failed/);
});

test('usage errors exit 64 with the usage line; --help exits 0', async (t) => {
  const cases: Array<[(argv: readonly string[], io: CommandIo) => Promise<number>, string[]]> = [
    [statusCommand.run, ['--bogus']],
    [statusCommand.run, ['extra']],
    [statusCommand.run, ['--interval', '5']],
    [statusCommand.run, ['--watch', '--interval', '0']],
    [printersCommand.run, ['--watch']],
    [uplinkCommand.run, ['--format', 'prometheus']],
    [metricsCommand.run, ['--format', 'xml']],
    [restartCommand.run, []],
    [restartCommand.run, ['a', 'b']],
    [configCommand.run, ['--socket']],
  ];
  for (const [run, argv] of cases) {
    const { io, stderr } = capture();
    t.is(await run(argv, io), COMMAND_EXIT.usage, argv.join(' '));
    t.regex(stderr(), /\nusage: 3dconnect \w+/, argv.join(' '));
  }
  for (const command of CONTROL_CLI_COMMANDS) {
    const { io, stdout } = capture();
    t.is(await command.run(['--help'], io), COMMAND_EXIT.ok);
    t.true(stdout().startsWith(`usage: 3dconnect ${command.name}`), command.name);
    t.true(stdout().includes('69 no daemon'), command.name);
    t.true(stdout().includes('--socket PATH'), command.name);
  }
});

test('status --watch --tree redraws the tree in place until stopped, and exits 0', async (t) => {
  const controller = new AbortController();
  let frames = 0;
  const { socketPath } = await startDaemon(t, async () => {
    frames += 1;
    if (frames === 2) controller.abort();
    return STATUS;
  });
  const { io, stdout } = capture({ isTTY: true, signal: controller.signal });
  t.is(await statusCommand.run(['--watch', '--tree', '--interval', '0.2', '--socket', socketPath], io), COMMAND_EXIT.ok);
  const text = stdout();
  t.is(text.split(ANSI.home).length - 1, 2, 'two frames, each from the top');
  t.true(text.startsWith(ANSI.hideCursor));
  t.true(text.endsWith(ANSI.showCursor));
  t.true(text.includes('Ctrl-C to stop'));
});

test('status --watch draws the dashboard on the alternate screen, and leaves it when stopped', async (t) => {
  const controller = new AbortController();
  let frames = 0;
  const { socketPath } = await startDaemon(t, async (request) => {
    if (request.cmd === 'status' && ++frames === 2) controller.abort();
    return request.cmd === 'status' ? STATUS : request.cmd === 'printers' ? PRINTERS : request.cmd === 'uplink' ? UPLINK : null;
  });
  const { io, stdout } = capture({ isTTY: true, signal: controller.signal });
  t.is(
    await statusCommand.run(['--watch', '--interval', '0.2', '--socket', socketPath], { ...io, screen: () => ({ columns: 80, rows: 12 }) }),
    0,
  );
  const text = stdout();
  t.true(text.startsWith(ANSI.enterAlternateScreen));
  t.true(text.endsWith(ANSI.leaveAlternateScreen));
  const frameTexts = text.split(ANSI.home).slice(1);
  t.is(frameTexts.length, 2, 'two frames, each from the top');
  for (const frame of frameTexts) t.true(frame.split('\n').length - 1 <= 11, 'a row fewer than the screen: nothing scrolls');
  t.true(text.includes('Ctrl-C stops'));
});

test('status --watch into a pipe prints a summary line per interval', async (t) => {
  const controller = new AbortController();
  let frames = 0;
  const { socketPath } = await startDaemon(t, async (request) => {
    if (request.cmd === 'status' && ++frames === 2) controller.abort();
    return request.cmd === 'status' ? STATUS : request.cmd === 'printers' ? PRINTERS : request.cmd === 'uplink' ? UPLINK : null;
  });
  const { io, stdout } = capture({ signal: controller.signal });
  t.is(await statusCommand.run(['--watch', '--interval', '0.2', '--socket', socketPath], io), 0);
  const lines = stdout().trimEnd().split('\n');
  t.is(lines.length, 2);
  for (const line of lines)
    t.regex(
      line,
      /^\d\d:\d\d:\d\dZ uplink degraded \(retrying 1 Thing; last: HTTP 503: Service Unavailable\), queue 1,234, delivered \?\/s, held 2; printers 1 printing, 1 offline; 12\.3 readings\/s; 1 alert active$/,
    );
  t.false(stdout().includes(ESC));
});

test('status --watch --json into a pipe writes one JSON line per frame', async (t) => {
  const controller = new AbortController();
  let frames = 0;
  const { socketPath } = await startDaemon(t, async () => {
    frames += 1;
    if (frames === 3) controller.abort();
    return STATUS;
  });
  const { io, stdout } = capture({ signal: controller.signal });
  t.is(await statusCommand.run(['--watch', '--json', '--interval', '0.2', '--socket', socketPath], io), 0);
  const lines = stdout().trimEnd().split('\n');
  t.is(lines.length, 3);
  for (const line of lines) t.is((JSON.parse(line) as { adapter: { pid: number } }).adapter.pid, 4242);
  t.false(stdout().includes(ESC));
});

test('status --watch keeps going while the daemon is away and says so', async (t) => {
  const dir = await createSocketDir();
  t.teardown(() => dir.remove());
  const controller = new AbortController();
  const { io, stdout } = capture({ signal: controller.signal });
  let writes = 0;
  const counting: CommandIo = {
    ...io,
    stdout: {
      write: (text: string) => {
        io.stdout.write(text);
        writes += 1;
        if (writes === 2) controller.abort();
      },
    },
  };
  t.is(await statusCommand.run(['--watch', '--interval', '0.2', '--socket', dir.socket('gone.sock')], counting), 0);
  t.is(stdout().split('no 3dconnect daemon').length - 1, 2);
});

test('asCliCommand fits a command to the line-based CliIo of cli/command.ts', async (t) => {
  const { socketPath } = await startDaemon(t);
  const out: string[] = [];
  const err: string[] = [];
  // Typed as cli/command.ts's CliCommand: the lead can list it in cli/commands.ts as is.
  const uplink: CliCommand = asCliCommand(CONTROL_CLI_COMMANDS.find((command) => command.name === 'uplink')!, () => false);
  t.is(uplink.name, 'uplink');
  t.is(await uplink.run(['--socket', socketPath], { out: (line) => out.push(line), err: (line) => err.push(line), env: {} }), 0);
  t.is(out[0], 'transport              rest');
  t.is(out.length, 13);
  t.deepEqual(err, []);
});
