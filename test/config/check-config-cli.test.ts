/**
 * `3dconnect check-config`: in-process through runCli for the details, and as a real process through
 * the package's bin shim for what a user or a script sees (output streams and exit codes).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { stringify } from 'yaml';
import { EXIT } from '../../cli/command.js';
import { runCli } from '../../cli/main.js';
import { type Raw, sampleConfig, samplePrinter } from './sample-config.js';
import { createTempDir, type TempDir } from './temp-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../cli/bin/3dconnect.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../config/examples/adapter.yaml', import.meta.url));
const APP_KEY = 'e3b0c442-98fc-4c14-9afb-f4c8996fb924';

interface Outcome {
  code: number;
  stdout: string[];
  stderr: string[];
}

/** Runs the real command; the environment carries no secrets unless given. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : undefined;
        if (code === undefined) return reject(error);
        resolve({ code, stdout: lines(stdout), stderr: lines(stderr) });
      },
    );
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

async function inProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(args, { out: (line) => stdout.push(line), err: (line) => stderr.push(line), env });
  return { code, stdout, stderr };
}

let dir: TempDir;
test.before(async () => {
  dir = await createTempDir('cli');
});
test.after.always(async () => {
  await dir.remove();
});

const writeConfig = (name: string, raw: Raw) => dir.write(name, stringify(raw));

test('process: the example passes with ok, exit 0, and unresolvable secrets are only warnings', async (t) => {
  const result = await cli(['check-config', EXAMPLE]);
  t.is(result.code, EXIT.ok);
  t.deepEqual(result.stdout, ['ok']);
  t.true(result.stderr.includes('warning: thingworx.appKey: environment variable TWX_APP_KEY is not set'), result.stderr.join('\n'));
  t.true(result.stderr.every((line) => line.startsWith('warning: ')));
});

test('process: 21 printers exit 78 naming the limit', async (t) => {
  const file = await writeConfig('21.yaml', { ...sampleConfig(), printers: Array.from({ length: 21 }, (_, i) => samplePrinter(i + 1)) });
  const result = await cli(['check-config', file]);
  t.is(result.code, EXIT.config);
  t.deepEqual(result.stdout, []);
  t.deepEqual(result.stderr, ['printers: at most 20 printers are supported; this config lists 21']);
});

test('process: an inline app key exits 78, says how to pass it, and never prints it', async (t) => {
  const file = await writeConfig('inline.yaml', { ...sampleConfig(), thingworx: { url: 'https://twx.example.com', appKey: APP_KEY } });
  const result = await cli(['check-config', file]);
  t.is(result.code, EXIT.config);
  t.deepEqual(result.stderr, [
    'thingworx.appKey: inline secrets are not accepted; use appKey: { file: /etc/3dconnect/appkey } or appKey: { env: TWX_APP_KEY }',
  ]);
  t.false([...result.stdout, ...result.stderr].join('\n').includes(APP_KEY.slice(0, 8)));
});

test('process: several kinds of error are all reported at once, one per line with its path', async (t) => {
  const raw = sampleConfig();
  raw.thingworx = { url: 'https://twx.example.com', appKey: { env: 'TWX_APP_KEY' }, timeout: 5 };
  raw.catalog = {
    families: {
      'custom-1': {
        sources: ['filebeat'],
        items: { Temp: { type: 'NUMBER' } },
        logRules: [{ match: '^(\\S+ T=(\\d+)', time: 1, items: { Temp: { group: 2, type: 'NUMBER' } } }],
      },
    },
  };
  raw.printers = [samplePrinter(1, { adress: '10.0.0.1:7070' }), samplePrinter(2, { id: 'p01', address: 'printer-02' })];
  const file = await writeConfig('many.yaml', raw);
  const result = await cli(['check-config', file]);
  t.is(result.code, EXIT.config);
  t.deepEqual(result.stdout, []);
  t.is(result.stderr.length, 5, result.stderr.join('\n'));
  t.regex(result.stderr[0] ?? '', /^catalog\.families\.custom-1\.logRules\[0\]\.match: match does not compile/);
  t.deepEqual(result.stderr.slice(1), [
    'printers[0].adress: unknown key',
    'printers[1].address: must be host:port (IPv6 as [::1]:7070)',
    'printers[1].id: "p01" is also the id of printers[0].id',
    'thingworx.timeout: unknown key',
  ]);
});

test("process: the issue's nested-lookahead rule exits 78 naming the rule and the construct", async (t) => {
  const raw = sampleConfig();
  raw.catalog = {
    families: {
      'custom-1': {
        sources: ['filebeat'],
        items: { Key: { type: 'STRING' } },
        logRules: [{ name: 'key-value', match: '^(\\S*)(?=\\S*(?=\\w*=))', time: 1, items: { Key: { group: 1, type: 'STRING' } } }],
      },
    },
  };
  raw.printers = [samplePrinter(1, { family: 'custom-1' })];
  const result = await cli(['check-config', await writeConfig('lookahead.yaml', raw)]);
  t.is(result.code, EXIT.config);
  t.deepEqual(result.stdout, []);
  t.deepEqual(result.stderr, [
    'catalog.families.custom-1.logRules[0].match: rule "key-value": match uses a lookahead (?=…), which log rules do not support: they run on RE2, a linear-time engine without lookarounds or backreferences',
  ]);
});

test('process: a missing file argument prints the usage and exits 64', async (t) => {
  const result = await cli(['check-config']);
  t.is(result.code, EXIT.usage);
  t.deepEqual(result.stdout, []);
  t.deepEqual(result.stderr, ['usage: 3dconnect check-config FILE']);
});

test('in-process: an unknown command prints the usage and exits 64; help exits 0 and lists check-config', async (t) => {
  const unknown = await inProcess(['frobnicate']);
  t.is(unknown.code, EXIT.usage);
  t.is(unknown.stderr[0], '3dconnect: unknown command "frobnicate"');
  t.true(unknown.stderr.includes('usage: 3dconnect COMMAND [ARGS]'));
  for (const args of [['help'], ['--help'], ['-h']]) {
    const help = await inProcess(args);
    t.is(help.code, EXIT.ok);
    t.true(
      help.stdout.some((line) => /^ {2}check-config FILE {2,}validate/.test(line)),
      help.stdout.join('\n'),
    );
  }
});

test('in-process: a secret that resolves gives no warning', async (t) => {
  const file = await writeConfig('resolvable.yaml', { ...sampleConfig(), printers: [samplePrinter(1)] });
  t.deepEqual(await inProcess(['check-config', file], { TWX_APP_KEY: APP_KEY }), { code: EXIT.ok, stdout: ['ok'], stderr: [] });
});

test('in-process: a missing or unreadable file exits 78 with the reason', async (t) => {
  const missing = `${dir.path}/absent.yaml`;
  t.deepEqual(await inProcess(['check-config', missing]), { code: EXIT.config, stdout: [], stderr: [`${missing}: does not exist`] });
});

test('in-process: a LOG_LEVEL that is not a level is a warning', async (t) => {
  const file = await writeConfig('loglevel.yaml', { ...sampleConfig(), printers: [] });
  const result = await inProcess(['check-config', file], { TWX_APP_KEY: APP_KEY, LOG_LEVEL: 'chatty' });
  t.is(result.code, EXIT.ok);
  t.deepEqual(result.stderr, ['warning: LOG_LEVEL is set but is not a level; log.level (info) applies']);
});

test('in-process: extra arguments are a usage error; --help and help check-config explain the command', async (t) => {
  t.is((await inProcess(['check-config', 'a.yaml', 'b.yaml'])).code, EXIT.usage);
  for (const args of [
    ['check-config', '--help'],
    ['help', 'check-config'],
  ]) {
    const result = await inProcess(args);
    t.is(result.code, EXIT.ok);
    t.is(result.stdout[0], 'usage: 3dconnect check-config FILE');
  }
  const bare = await inProcess([]);
  t.is(bare.code, EXIT.usage);
  t.is(bare.stderr[0], 'usage: 3dconnect COMMAND [ARGS]');
});
