import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const BIN = fileURLToPath(new URL('../../cli/bin/3dconnect.js', import.meta.url));

test('a reader that goes away (3dconnect help | head -1) is not a crash', async (t) => {
  const child = spawn(process.execPath, [BIN, 'help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Our end of the pipe closes before the command has loaded, so every line it writes meets EPIPE.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.is(code, 0, stderr);
  t.notRegex(stderr, /EPIPE|Unhandled/);
});
