/**
 * TLS files are checked before anything starts: a FIFO in place of a key would block a file-system
 * thread forever, and a process in that state cannot even exit. check-config warns; run refuses (78).
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { stringify } from 'yaml';
import { EXIT } from '../../cli/command.js';
import { runCli } from '../../cli/main.js';
import { unreadableTlsFiles } from '../../config/tls-files.js';
import { validateConfig } from '../../config/validate.js';
import { type Raw, sampleConfig } from './sample-config.js';
import { createTempDir, type TempDir } from './temp-dir.js';

let dir: TempDir;
let fifo: string;
let pem: string;
test.before(async () => {
  dir = await createTempDir('tls-files');
  fifo = join(dir.path, 'key.fifo');
  execFileSync('mkfifo', [fifo]);
  pem = await dir.write('cert.pem', '-----BEGIN CERTIFICATE-----\n');
  await mkdir(join(dir.path, 'a-directory'));
});
test.after.always(async () => {
  await dir.remove();
});

function withPushTls(tls: Raw): Raw {
  return { ...sampleConfig(), listeners: { push: { enabled: true, host: '127.0.0.1', port: 8765, tls } } };
}

test('a FIFO, a directory and a missing file are reported by path; regular files pass', async (t) => {
  const result = validateConfig(
    withPushTls({ certFile: pem, keyFile: fifo, caFile: join(dir.path, 'a-directory'), clientAuth: 'optional' }),
  );
  if (!result.ok) return t.fail(result.errors.join('; '));
  result.config.thingworx.tls.caFile = join(dir.path, 'absent.pem');
  t.deepEqual(await unreadableTlsFiles(result.config), [
    `thingworx.tls.caFile: ${join(dir.path, 'absent.pem')} does not exist`,
    `listeners.push.tls.keyFile: ${fifo} is not a regular file`,
    `listeners.push.tls.caFile: ${join(dir.path, 'a-directory')} is not a regular file`,
  ]);
  result.config.thingworx.tls.caFile = pem;
  result.config.listeners.push.tls = { ...result.config.listeners.push.tls!, keyFile: pem, caFile: pem };
  t.deepEqual(await unreadableTlsFiles(result.config), []);
  // A disabled listener's files are not read, so not checked.
  result.config.listeners.push.tls.keyFile = fifo;
  result.config.listeners.push.enabled = false;
  t.deepEqual(await unreadableTlsFiles(result.config), []);
});

async function cli(args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const env = { TWX_APP_KEY: 'k', PUSH_TOKEN_P02: 't' };
  const code = await runCli(args, { out: (line) => stdout.push(line), err: (line) => stderr.push(line), env });
  return { code, stdout, stderr };
}

test('check-config warns about a FIFO key; run refuses to start on it (78), at once', async (t) => {
  const file = await dir.write('fifo.yaml', stringify(withPushTls({ certFile: pem, keyFile: fifo })));
  const checked = await cli(['check-config', file]);
  t.is(checked.code, EXIT.ok);
  t.deepEqual(checked.stderr, [`warning: listeners.push.tls.keyFile: ${fifo} is not a regular file`]);
  const run = await cli(['run', '--config', file]);
  t.is(run.code, EXIT.config);
  t.deepEqual(run.stderr, [`listeners.push.tls.keyFile: ${fifo} is not a regular file`]);
});
