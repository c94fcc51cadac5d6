import test from 'ava';
import { resolveSecret, SecretError, secretSlots, unresolvableSecrets } from '../../config/secrets.js';
import { validateConfig } from '../../config/validate.js';
import { type Raw, sampleConfig, samplePrinter } from './sample-config.js';
import { createTempDir, type TempDir } from './temp-dir.js';

const KEY = '6c1f0e2a-8d3b-4f5e-9a7c-2b4d6e8f0a1c';

let dir: TempDir;
test.before(async () => {
  dir = await createTempDir('secrets');
});
test.after.always(async () => {
  await dir.remove();
});

async function secretError(t: { fail(message: string): void }, promise: Promise<string>): Promise<SecretError | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SecretError) return error;
    throw error;
  }
  t.fail('expected a SecretError');
  return undefined;
}

test('a secret from the environment is read and trimmed', async (t) => {
  t.is(await resolveSecret({ env: 'TWX_APP_KEY' }, { env: { TWX_APP_KEY: ` ${KEY}\n` } }), KEY);
});

test('a secret from a file is read and its trailing newline dropped', async (t) => {
  const file = await dir.write('appkey', `${KEY}\n`);
  t.is(await resolveSecret({ file }), KEY);
});

test('an unset variable is named, and nothing else is said', async (t) => {
  const error = await secretError(t, resolveSecret({ env: 'TWX_APP_KEY' }, { env: {} }));
  t.is(error?.code, 'SECRET_ENV_UNSET');
  t.is(error?.message, 'environment variable TWX_APP_KEY is not set');
  t.is(error?.source, 'environment variable TWX_APP_KEY');
});

test('a missing file is named', async (t) => {
  const error = await secretError(t, resolveSecret({ file: '/nonexistent/3dconnect/appkey' }));
  t.is(error?.code, 'SECRET_FILE_NOT_FOUND');
  t.is(error?.message, 'file /nonexistent/3dconnect/appkey does not exist');
});

test('a file over the cap is refused without its content in the error', async (t) => {
  const file = await dir.write('big', `${KEY}\n`.repeat(200));
  const error = await secretError(t, resolveSecret({ file }));
  t.is(error?.code, 'SECRET_FILE_TOO_LARGE');
  t.is(error?.message, `file ${file} is larger than the 4096-byte limit`);
  const small = await secretError(t, resolveSecret({ file }, { maxBytes: 8 }));
  t.is(small?.code, 'SECRET_FILE_TOO_LARGE');
});

test('empty secrets and secrets with control characters are refused without echoing them', async (t) => {
  const empty = await secretError(t, resolveSecret({ env: 'K' }, { env: { K: '  \n' } }));
  t.is(empty?.code, 'SECRET_EMPTY');
  const emptyFile = await dir.write('empty', '\n');
  t.is((await secretError(t, resolveSecret({ file: emptyFile })))?.code, 'SECRET_EMPTY');
  const twoLines = await dir.write('two-lines', `${KEY}\n${KEY}\n`);
  const invalid = await secretError(t, resolveSecret({ file: twoLines }));
  t.is(invalid?.code, 'SECRET_INVALID');
  t.false(invalid?.message.includes(KEY.slice(0, 8)));
});

test('secretSlots lists every secret reference with its path', (t) => {
  const raw: Raw = {
    ...sampleConfig(),
    thingworx: { url: 'https://twx', appKey: { file: '/etc/k' }, tls: { certFile: '/c', keyFile: '/k', keyPassphrase: { env: 'P1' } } },
    listeners: { push: { tls: { certFile: '/c', keyFile: '/k', keyPassphrase: { env: 'P2' } } } },
    printers: [samplePrinter(1), samplePrinter(2, { family: 'mjp', pushToken: { env: 'T2' } })],
  };
  const result = validateConfig(raw);
  if (!result.ok) return t.fail(result.errors.join('\n'));
  t.deepEqual(secretSlots(result.config), [
    { path: 'thingworx.appKey', ref: { file: '/etc/k' } },
    { path: 'thingworx.tls.keyPassphrase', ref: { env: 'P1' } },
    { path: 'listeners.push.tls.keyPassphrase', ref: { env: 'P2' } },
    { path: 'printers[1].pushToken', ref: { env: 'T2' } },
  ]);
});

test('unresolvableSecrets says which references cannot be read now', async (t) => {
  const file = await dir.write('token-p02', 'tok\n');
  const raw = { ...sampleConfig(), printers: [samplePrinter(1), samplePrinter(2, { family: 'mjp', pushToken: { file } })] };
  const result = validateConfig(raw);
  if (!result.ok) return t.fail(result.errors.join('\n'));
  t.deepEqual(await unresolvableSecrets(result.config, { env: {} }), ['thingworx.appKey: environment variable TWX_APP_KEY is not set']);
  t.deepEqual(await unresolvableSecrets(result.config, { env: { TWX_APP_KEY: KEY } }), []);
});
