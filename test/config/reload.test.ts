import test from 'ava';
import { planReload } from '../../config/reload.js';
import type { AdapterConfig } from '../../config/types.js';
import { validateConfig } from '../../config/validate.js';
import { type Raw, sampleConfig, samplePrinter } from './sample-config.js';

function valid(raw: Raw): AdapterConfig {
  const result = validateConfig(raw);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

test('a reload plan names printers added, removed and changed, and leaves the others alone', (t) => {
  const running = valid(sampleConfig());
  const nextRaw = sampleConfig();
  const printers = nextRaw.printers as Raw[];
  printers[0] = samplePrinter(1, { pollIntervalMs: 7_000 });
  printers.splice(1, 1);
  printers.push(samplePrinter(3));
  const plan = planReload(running, valid(nextRaw));
  t.deepEqual(
    plan.added.map((p) => p.id),
    ['p03'],
  );
  t.deepEqual(
    plan.removed.map((p) => p.id),
    ['p02'],
  );
  t.deepEqual(
    plan.changed.map((p) => p.id),
    ['p01'],
  );
  t.deepEqual(plan.notApplied, []);
  t.deepEqual(
    plan.effective.printers.map((p) => p.id),
    ['p01', 'p03'],
  );
});

test('an unchanged config plans nothing; other sections are reported as needing a restart and kept as running', (t) => {
  const running = valid(sampleConfig());
  t.deepEqual(planReload(running, valid(sampleConfig())), {
    added: [],
    removed: [],
    changed: [],
    notApplied: [],
    effective: running,
  });
  const nextRaw = sampleConfig();
  nextRaw.thingworx = { url: 'https://other.example.com', appKey: { env: 'TWX_APP_KEY' } };
  const plan = planReload(running, valid(nextRaw));
  t.deepEqual(plan.notApplied, ['thingworx']);
  t.is(plan.effective.thingworx.url, 'https://twx.example.com:8443');
});

test('a change to a family catalog restarts the printers of that family only', (t) => {
  const running = valid(sampleConfig());
  const nextRaw = sampleConfig();
  nextRaw.catalog = {
    families: {
      mjp: { sources: ['push', 'poll'], items: { PrintHeadTemperature: { type: 'NUMBER' } }, logRules: [] },
    },
  };
  const plan = planReload(running, valid(nextRaw));
  t.deepEqual(
    plan.changed.map((p) => p.id),
    ['p02'],
  );
});
