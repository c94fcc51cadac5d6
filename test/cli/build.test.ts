import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runCli, startDaemonFixture } from './daemon-support.js';

// The production build, as deploy/README.md makes it, compiled inside the project so that its
// imports resolve against node_modules the way they do in /opt/3dconnect/dist.
const outDir = join(process.cwd(), '.tmp', `build-test-${randomBytes(6).toString('hex')}`);
const start = join(outDir, 'cli', 'start.js');
const packageVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

test.before(async () => {
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [join('node_modules', '.bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir],
      { timeout: 40_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`tsc failed:\n${stdout}${stderr}`)) : resolve()),
    );
  });
});

test.after.always(() => rmSync(outDir, { recursive: true, force: true }));

test('the build holds the production code only, with source maps', (t) => {
  t.true(existsSync(start));
  t.true(existsSync(`${start}.map`));
  t.true(existsSync(join(outDir, 'sim', 'thingworx', 'stand-in.js')), '`3dconnect demo` needs the simulators');
  t.false(existsSync(join(outDir, 'test')));
  t.false(existsSync(join(outDir, 'bench')));
});

test('compiled: check-config accepts the example config', async (t) => {
  const result = await runCli(['check-config', join('config', 'examples', 'adapter.yaml')], process.env, start);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /\bok\b/);
});

test('compiled: the daemon runs, answers status with the package version, and exits 0 on SIGTERM', async (t) => {
  const daemon = await startDaemonFixture(1, 1, start);
  t.teardown(() => daemon.stop());

  const status = await runCli(['status', '--json', '--socket', daemon.socket], daemon.env, start);
  t.is(status.code, 0, status.stderr);
  const { adapter, actors } = JSON.parse(status.stdout) as { adapter: { version: string; pid: number }; actors: { status: string }[] };
  t.is(adapter.version, packageVersion);
  t.is(adapter.pid, daemon.child.pid!);
  t.true(actors.length > 0 && actors.every((actor) => actor.status === 'running'));

  daemon.child.kill('SIGTERM');
  t.is(await daemon.exited, 0, daemon.output());
});
