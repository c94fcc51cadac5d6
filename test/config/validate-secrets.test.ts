import test from 'ava';
import { validateConfig } from '../../config/validate.js';
import { errorsOf, type Raw, sampleConfig, samplePrinter } from './sample-config.js';

const SECRET = 'a7f3c2e1-5b9d-4e8f-9c0a-1d2e3f4a5b6c';

function withAppKey(appKey: unknown): Raw {
  return { ...sampleConfig(), thingworx: { url: 'https://twx.example.com', appKey } };
}

test('secret references from a file or the environment are accepted as they are', (t) => {
  for (const appKey of [{ file: '/etc/3dconnect/appkey' }, { env: 'TWX_APP_KEY' }]) {
    const result = validateConfig(withAppKey(appKey));
    if (!result.ok) return t.fail(result.errors.join('\n'));
    t.deepEqual(result.config.thingworx.appKey, appKey);
  }
});

test('an inline app key is refused with how to supply it, and the key is not echoed', (t) => {
  const errors = errorsOf(withAppKey(SECRET));
  t.deepEqual(errors, [
    'thingworx.appKey: inline secrets are not accepted; use appKey: { file: /etc/3dconnect/appkey } or appKey: { env: TWX_APP_KEY }',
  ]);
});

test('inline push tokens and key passphrases are refused the same way', (t) => {
  const raw = {
    ...sampleConfig(),
    thingworx: { url: 'https://twx', appKey: { env: 'K' }, tls: { certFile: '/c', keyFile: '/k', keyPassphrase: SECRET } },
    listeners: { beats: { tls: { certFile: '/c', keyFile: '/k', keyPassphrase: 12345678 } } },
    printers: [samplePrinter(3, { family: 'mjp', pushToken: SECRET })],
  };
  t.deepEqual(errorsOf(raw), [
    'listeners.beats.tls.keyPassphrase: inline secrets are not accepted; use keyPassphrase: { file: /etc/3dconnect/listener-key.pass } or keyPassphrase: { env: LISTENER_KEY_PASSPHRASE }',
    'printers[0].pushToken: inline secrets are not accepted; use pushToken: { file: /etc/3dconnect/push-tokens/p03 } or pushToken: { env: PUSH_TOKEN_P03 }',
    'thingworx.tls.keyPassphrase: inline secrets are not accepted; use keyPassphrase: { file: /etc/3dconnect/client-key.pass } or keyPassphrase: { env: TWX_KEY_PASSPHRASE }',
  ]);
});

test('malformed references are explained without echoing what was written', (t) => {
  const cases: [unknown, string[]][] = [
    [
      { value: SECRET },
      [
        'thingworx.appKey: must be { file: PATH } or { env: NAME }; use appKey: { file: /etc/3dconnect/appkey } or appKey: { env: TWX_APP_KEY }',
        'thingworx.appKey.value: unknown key',
      ],
    ],
    [{ file: '/etc/k', env: 'K' }, ['thingworx.appKey: give either file or env, not both']],
    [{ file: SECRET }, ['thingworx.appKey.file: must be an absolute path']],
    [{ env: `${SECRET}!` }, ['thingworx.appKey.env: must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)']],
    [
      [SECRET],
      [
        'thingworx.appKey: must be { file: PATH } or { env: NAME }; use appKey: { file: /etc/3dconnect/appkey } or appKey: { env: TWX_APP_KEY }',
      ],
    ],
  ];
  for (const [appKey, expected] of cases) t.deepEqual(errorsOf(withAppKey(appKey)), expected);
});

test('a secret pasted anywhere else never appears in any error', (t) => {
  const raw = {
    adapter: { id: SECRET, thing: SECRET },
    log: { level: SECRET },
    thingworx: { url: SECRET, appKey: SECRET, transport: SECRET, tls: { caFile: SECRET, allowSelfSigned: SECRET } },
    listeners: { beats: { host: SECRET, port: SECRET, tls: { certFile: SECRET, keyFile: SECRET, clientAuth: SECRET } } },
    control: { socket: SECRET },
    uplink: { maxRowsPerCall: SECRET },
    printers: [
      {
        id: 'p01',
        family: 'mjp',
        thing: 'T',
        address: SECRET,
        identity: { remoteAddress: SECRET },
        pushToken: SECRET,
        pollIntervalMs: SECRET,
      },
    ],
  };
  const errors = errorsOf(raw);
  t.true(errors.length >= 15, `many errors expected, got ${errors.length}`);
  for (const error of errors) t.false(error.includes(SECRET.slice(0, 8)), error);
});
