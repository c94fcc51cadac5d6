import test from 'ava';
import { redactConfig } from '../../config/redact.js';
import type { AdapterConfig } from '../../config/types.js';
import { validateConfig } from '../../config/validate.js';
import { sampleConfig, samplePrinter } from './sample-config.js';

function config(): AdapterConfig {
  const raw = {
    ...sampleConfig(),
    thingworx: {
      url: 'https://twx',
      appKey: { file: '/etc/3dconnect/appkey' },
      tls: { certFile: '/c', keyFile: '/k', keyPassphrase: { env: 'KEY_PASS' } },
    },
    printers: [samplePrinter(1, { family: 'mjp', pushToken: { env: 'PUSH_TOKEN_P01' } })],
  };
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

test('secret references are shown by their source only', (t) => {
  const redacted = redactConfig(config());
  t.is(redacted.thingworx.appKey, '<file:/etc/3dconnect/appkey>');
  t.is(redacted.thingworx.tls.keyPassphrase, '<env:KEY_PASS>');
  t.is(redacted.printers[0]?.pushToken, '<env:PUSH_TOKEN_P01>');
});

test('everything else is shown as it is, and the config itself is left alone', (t) => {
  const original = config();
  const before = structuredClone(original);
  const redacted = redactConfig(original);
  t.deepEqual(original, before);
  t.is(redacted.thingworx.url, 'https://twx');
  t.deepEqual(redacted.uplink, original.uplink);
  t.deepEqual(redacted.catalog, original.catalog);
  t.is(redacted.printers[0]?.address, original.printers[0]?.address);
});

test('a resolved secret put into the config by mistake is masked, not shown', (t) => {
  const leaked = config();
  (leaked.thingworx as unknown as Record<string, unknown>).appKey = 'k-1234567890';
  const text = JSON.stringify(redactConfig(leaked));
  t.false(text.includes('k-1234567890'));
  t.true(text.includes('"appKey":"<redacted>"'));
});
