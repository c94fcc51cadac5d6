/** `demo` and `run` parse their flags with node:util's parseArgs: a bad flag is a usage error (64) that says which. */
import test from 'ava';
import { type CliIo, EXIT } from '../../cli/command.js';
import { demoCommand } from '../../cli/demo.js';
import { runCommand } from '../../cli/run.js';

function capture(): { io: CliIo; stdout: () => string[]; stderr: () => string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line) => out.push(line), err: (line) => err.push(line), env: {} }, stdout: () => out, stderr: () => err };
}

const DEMO_USAGE = 'usage: 3dconnect demo [--duration SECONDS] [--printers N] [--seed N] [--transport rest|alwayson] [--json]';
const RUN_USAGE = 'usage: 3dconnect run --config FILE';

test('demo: a bad flag or value exits 64 with one line naming it, then the usage line', async (t) => {
  const cases: Array<[string[], string]> = [
    [['--bogus'], 'unknown argument: --bogus'],
    [['--json', 'extra'], 'unknown argument: extra'],
    [['--duration'], '--duration needs a value'],
    [['--json=yes'], '--json takes no value'],
    [['--duration', '0'], '--duration takes a number of seconds above 0'],
    [['--duration=-5'], '--duration takes a number of seconds above 0'],
    [['--printers', '21'], '--printers takes 1 to 20'],
    [['--printers', 'two'], '--printers takes 1 to 20'],
    [['--seed', '1.5'], '--seed takes an integer'],
    [['--transport', 'mqtt'], '--transport takes rest or alwayson'],
  ];
  for (const [argv, message] of cases) {
    const { io, stdout, stderr } = capture();
    t.is(await demoCommand.run(argv, io), EXIT.usage, argv.join(' '));
    t.deepEqual(stderr(), [message, DEMO_USAGE], argv.join(' '));
    t.deepEqual(stdout(), [], argv.join(' '));
  }
});

test('demo --help prints the usage and exits 0, whatever else is on the line', async (t) => {
  const { io, stdout } = capture();
  t.is(await demoCommand.run(['--bogus', '--help'], io), EXIT.ok);
  t.is(stdout()[0], DEMO_USAGE);
});

test('run: a bad flag or a missing --config exits 64 with one line naming it, then the usage line', async (t) => {
  const cases: Array<[string[], string]> = [
    [[], '--config FILE is required'],
    [['--bogus', '--config', 'adapter.yaml'], 'unknown argument: --bogus'],
    [['--config', 'adapter.yaml', 'extra'], 'unknown argument: extra'],
    [['--config'], '--config needs a value'],
    [['--config='], '--config FILE is required'],
  ];
  for (const [argv, message] of cases) {
    const { io, stdout, stderr } = capture();
    t.is(await runCommand.run(argv, io), EXIT.usage, argv.join(' '));
    t.deepEqual(stderr(), [message, RUN_USAGE], argv.join(' '));
    t.deepEqual(stdout(), [], argv.join(' '));
  }
});

test('run takes --config FILE and --config=FILE alike: both reach the file (missing here, so exit 78)', async (t) => {
  for (const argv of [['--config', '/nonexistent/adapter.yaml'], ['--config=/nonexistent/adapter.yaml']]) {
    const { io, stderr } = capture();
    t.is(await runCommand.run(argv, io), EXIT.config, argv.join(' '));
    t.true(stderr().join('\n').includes('/nonexistent/adapter.yaml'), argv.join(' '));
  }
});
