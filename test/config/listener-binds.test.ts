/** check-config and the listeners: a port both would take is an error, a bind to every interface a warning. */
import test from 'ava';
import { stringify } from 'yaml';
import { EXIT } from '../../cli/command.js';
import { runCli } from '../../cli/main.js';
import { bindsEveryInterface, bindsOverlap } from '../../config/bind-address.js';
import { bindWarnings } from '../../config/cross-checks.js';
import { validateConfig } from '../../config/validate.js';
import { type Raw, sampleConfig } from './sample-config.js';
import { createTempDir, type TempDir } from './temp-dir.js';

function withListeners(beats: { host: string; port: number }, push: { host: string; port: number }): Raw {
  return { ...sampleConfig(), listeners: { beats: { enabled: true, ...beats }, push: { enabled: true, ...push } } };
}

function errorsOf(raw: Raw): string[] {
  const result = validateConfig(raw);
  return result.ok ? [] : result.errors;
}

const CLASH = /^listeners\.push\.port: /;

test('same port, overlapping hosts: refused, naming both hosts', (t) => {
  const cases: Array<[string, string]> = [
    ['0.0.0.0', '127.0.0.1'],
    ['127.0.0.1', '0.0.0.0'],
    ['::', '127.0.0.1'],
    ['::', '::1'],
    ['10.0.0.5', '::'],
    ['0.0.0.0', '::'],
    ['127.0.0.1', '::ffff:127.0.0.1'],
    ['::1', '0:0:0:0:0:0:0:1'],
    ['localhost', '127.0.0.1'],
  ];
  for (const [beatsHost, pushHost] of cases) {
    const errors = errorsOf(withListeners({ host: beatsHost, port: 5044 }, { host: pushHost, port: 5044 }));
    const clash = errors.filter((line) => CLASH.test(line));
    t.is(clash.length, 1, `${beatsHost} / ${pushHost}: ${errors.join('; ')}`);
    t.true(clash[0]?.includes(beatsHost) && clash[0].includes(pushHost), clash[0]);
  }
});

test('the same host spelled the same way is reported once (by the schema), not twice', (t) => {
  const errors = errorsOf(withListeners({ host: '127.0.0.1', port: 5044 }, { host: '127.0.0.1', port: 5044 }));
  t.deepEqual(errors.filter((line) => CLASH.test(line)).length, 1, errors.join('; '));
});

test('no clash: different ports, disjoint addresses, port 0, a listener disabled', (t) => {
  t.deepEqual(errorsOf(withListeners({ host: '0.0.0.0', port: 5044 }, { host: '127.0.0.1', port: 8765 })), []);
  t.deepEqual(errorsOf(withListeners({ host: '127.0.0.1', port: 5044 }, { host: '10.0.0.5', port: 5044 })), []);
  t.deepEqual(errorsOf(withListeners({ host: '0.0.0.0', port: 5044 }, { host: '::1', port: 5044 })), []);
  t.deepEqual(errorsOf(withListeners({ host: '0.0.0.0', port: 0 }, { host: '127.0.0.1', port: 0 })), []);
  const disabled = withListeners({ host: '0.0.0.0', port: 5044 }, { host: '127.0.0.1', port: 5044 });
  (disabled.listeners as { push: Raw }).push.enabled = false;
  t.deepEqual(errorsOf(disabled), []);
});

test('bindsOverlap and bindsEveryInterface', (t) => {
  t.true(bindsOverlap('edge.example', '0.0.0.0'), 'a name may resolve to an IPv4 address');
  t.true(bindsOverlap('Edge.Example', 'edge.example'));
  t.false(bindsOverlap('a.example', 'b.example'));
  t.false(bindsOverlap('localhost', '10.0.0.1'));
  t.false(bindsOverlap('::1', '127.0.0.1'));
  t.true(bindsEveryInterface('0.0.0.0'));
  t.true(bindsEveryInterface('::'));
  t.true(bindsEveryInterface('::ffff:0.0.0.0'));
  t.false(bindsEveryInterface('127.0.0.1'));
  t.false(bindsEveryInterface('localhost'));
});

test('bindWarnings: only enabled listeners on every interface', (t) => {
  const result = validateConfig(withListeners({ host: '0.0.0.0', port: 5044 }, { host: '::', port: 8765 }));
  if (!result.ok) return t.fail(result.errors.join('; '));
  t.deepEqual(
    bindWarnings(result.config).map((warning) => warning.path),
    ['listeners.beats.host', 'listeners.push.host'],
  );
  result.config.listeners.push.enabled = false;
  result.config.listeners.beats.host = '10.0.0.5';
  t.deepEqual(bindWarnings(result.config), []);
});

let dir: TempDir;
test.before(async () => {
  dir = await createTempDir('listener-binds');
});
test.after.always(async () => {
  await dir.remove();
});

async function checkConfig(raw: Raw): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const file = await dir.write(`adapter-${Math.random().toString(36).slice(2)}.yaml`, stringify(raw));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const env = { TWX_APP_KEY: 'k', PUSH_TOKEN_P02: 't' };
  const code = await runCli(['check-config', file], { out: (line) => stdout.push(line), err: (line) => stderr.push(line), env });
  return { code, stdout, stderr };
}

test('check-config: the clash is an error (exit 78)', async (t) => {
  const result = await checkConfig(withListeners({ host: '0.0.0.0', port: 5044 }, { host: '127.0.0.1', port: 5044 }));
  t.is(result.code, EXIT.config);
  t.deepEqual(result.stdout, []);
  t.true(
    result.stderr.some((line) => CLASH.test(line)),
    result.stderr.join('\n'),
  );
});

test('check-config: a bind to every interface is a warning, and the config still passes', async (t) => {
  const result = await checkConfig(withListeners({ host: '0.0.0.0', port: 5044 }, { host: '127.0.0.1', port: 8765 }));
  t.is(result.code, EXIT.ok, result.stderr.join('\n'));
  t.deepEqual(result.stdout, ['ok']);
  t.deepEqual(result.stderr, [
    "warning: listeners.beats.host: 0.0.0.0 listens on every interface; bind the address that faces the printers' network instead",
  ]);
  const quiet = await checkConfig(withListeners({ host: '127.0.0.1', port: 5044 }, { host: '127.0.0.1', port: 8765 }));
  t.deepEqual(quiet.stderr, []);
});
