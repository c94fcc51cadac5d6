import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parse } from 'yaml';
import { DEFAULTS } from '../../config/defaults.js';
import { loadConfigFile } from '../../config/load.js';
import type { AdapterConfig } from '../../config/types.js';

const EXAMPLE = fileURLToPath(new URL('../../config/examples/adapter.yaml', import.meta.url));

async function example(): Promise<AdapterConfig> {
  const result = await loadConfigFile(EXAMPLE);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

test('the example is valid and shows several printer families', async (t) => {
  const config = await example();
  const families = new Set(config.printers.map((printer) => printer.family));
  t.true(config.printers.length >= 3);
  t.true(families.size >= 3);
  t.true(config.listeners.beats.enabled);
  t.true(config.listeners.push.enabled);
});

test('the example writes every section out', async (t) => {
  const raw: unknown = parse(await readFile(EXAMPLE, 'utf8'));
  const sections = Object.keys(raw as Record<string, unknown>).sort();
  t.deepEqual(sections, ['adapter', 'catalog', 'control', 'health', 'listeners', 'log', 'printers', 'supervision', 'thingworx', 'uplink']);
});

test('where the example says "defaults shown", it shows the defaults', async (t) => {
  const config = await example();
  t.deepEqual(config.listeners.beats.limits, { ...DEFAULTS.listeners.beats.limits });
  t.deepEqual(config.uplink, { ...DEFAULTS.uplink, backoff: { ...DEFAULTS.uplink.backoff } });
  t.deepEqual(config.supervision, structuredClone(DEFAULTS.supervision));
  t.deepEqual(config.health, structuredClone(DEFAULTS.health));
  t.is(config.thingworx.requestTimeoutMs, DEFAULTS.thingworx.requestTimeoutMs);
  t.is(config.listeners.push.maxMessageBytes, DEFAULTS.listeners.push.maxMessageBytes);
});
