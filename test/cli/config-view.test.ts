import test from 'ava';
import { isSecretKey, MASK, maskSecrets, renderConfig } from '../../cli/views/config-view.js';
import { CONFIG, LEAKED_SECRETS } from './snapshots.js';

test('keys named like secrets are recognised, lookalikes are not', (t) => {
  for (const key of [
    'appKey',
    'token',
    'password',
    'passphrase',
    'key',
    'pushToken',
    'keyPassphrase',
    'clientKey',
    'APP_KEY',
    'api-key',
    'secret',
    'Authorization',
  ]) {
    t.true(isSecretKey(key), key);
  }
  for (const key of ['keyFile', 'keys', 'monkey', 'tokenBucket', 'socket', 'url', 'passwordFile']) t.false(isSecretKey(key), key);
});

test('the renderer masks values under secret keys that slipped through, and keeps redaction markers', (t) => {
  const text = renderConfig(CONFIG);
  for (const secret of LEAKED_SECRETS) t.false(text.includes(secret), secret);
  t.true(text.includes('appKey: <env:TWX_APP_KEY>'));
  t.true(text.includes('pushToken: <file:/etc/3dconnect/p01.token>'));
  t.true(text.includes(`keyPassphrase: ${MASK}`));
  t.true(text.includes(`token: ${MASK}`));
  t.true(text.includes(`apiKey: ${MASK}`));
  // Not secrets: a key file's path, the socket.
  t.true(text.includes('keyFile: /etc/3dconnect/client.key'));
  t.true(text.includes('socket: /run/3dconnect/control.sock'));
});

test('a whole object under a secret key is masked, null stays null', (t) => {
  t.deepEqual(maskSecrets({ appKey: { env: 'TWX_APP_KEY' }, token: null, list: [{ password: ['a'] }] }), {
    appKey: MASK,
    token: null,
    list: [{ password: MASK }],
  });
});

test('a marker-like value with more after it is not trusted as a marker', (t) => {
  t.deepEqual(maskSecrets({ appKey: '<env:X> real-key' }), { appKey: MASK });
});

test('control characters in values are escaped by the YAML output', (t) => {
  const text = renderConfig({ adapter: { name: 'evil\x1b[2J' } });
  t.false(text.includes('\x1b'));
});
