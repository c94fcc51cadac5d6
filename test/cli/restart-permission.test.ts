/**
 * Who may restart: a member of the daemon's group reaches the read-only socket (0660) but not the
 * admin socket (0600). Run as root, the test plays such an operator with a real process under
 * another uid (nobody, group nogroup), since root itself passes every file permission.
 */
import { execFile } from 'node:child_process';
import { chmod, chown } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { silentLogger } from '../../config/logging.js';
import type { ControlRequest } from '../../protocols/control/messages.js';
import { createControlServer } from '../../protocols/control/server.js';
import { adminSocketPathFor } from '../../protocols/control/socket-file.js';
import { createSocketDir } from '../control/harness.js';
import { STATUS } from './snapshots.js';

const CLI = join(process.cwd(), 'cli', 'bin', '3dconnect.js');
const OPERATOR = { uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0;

function runAs(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { ...OPERATOR, cwd: process.cwd(), env: { PATH: process.env.PATH, HOME: '/tmp' }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

(asRoot ? test : test.skip)('a group member may look but not restart: the CLI says restart is for the daemon user and root', async (t) => {
  const dir = await createSocketDir();
  const socketPath = dir.socket();
  const adminSocketPath = adminSocketPathFor(socketPath);
  const requests: ControlRequest[] = [];
  const handle = async (request: ControlRequest) => {
    requests.push(request);
    return request.cmd === 'restart' ? { path: request.args.path, accepted: true } : STATUS;
  };
  const server = await createControlServer({ socketPath, logger: silentLogger(), handle });
  const admin = await createControlServer({ socketPath: adminSocketPath, access: 'admin', logger: silentLogger(), handle });
  t.teardown(async () => {
    await Promise.all([server.close(), admin.close()]);
    await dir.remove();
  });
  // As systemd sets it up: the runtime directory and both sockets belong to the daemon's user and group.
  for (const path of [dir.dir, socketPath, adminSocketPath]) await chown(path, 0, OPERATOR.gid);
  await chmod(dir.dir, 0o750);

  const status = await runAs(['status', '--json', '--socket', socketPath]);
  t.is(status.code, 0, status.stderr);
  t.like(JSON.parse(status.stdout), { adapter: { pid: STATUS.adapter.pid } });

  const restart = await runAs(['restart', 'adapter/fleet/p01', '--socket', socketPath]);
  t.is(restart.code, 69);
  t.is(restart.stdout, '');
  t.regex(
    restart.stderr,
    new RegExp(`not allowed to use the admin socket ${adminSocketPath}: restart is for the daemon's user and root only`),
  );
  t.regex(restart.stderr, /run it as root or as the daemon's user/);
  t.deepEqual(
    requests.map((request) => request.cmd),
    ['status'],
    'the restart never reached the daemon',
  );
});
