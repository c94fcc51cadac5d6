import test from 'ava';
import { DEFAULT_SLA_LOG_RULES } from '../../domain/loglines/default-sla-rules.js';
import { validateConfig } from '../../config/validate.js';
import { errorsOf, type Raw, sampleConfig, samplePrinter } from './sample-config.js';

function withFamily(name: string, family: Raw, printers: Raw[] = [samplePrinter(1, { family: name })]): Raw {
  return { ...sampleConfig(), catalog: { families: { [name]: family } }, printers };
}

const family = (logRules: unknown[], items: Raw = { Temp: { type: 'NUMBER', unit: 'C' }, State: { type: 'STRING' } }): Raw => ({
  sources: ['filebeat', 'poll'],
  items,
  logRules,
});

test('without a catalog the four built-in families apply, with the Metricbeat items and the SLA log rules', (t) => {
  const result = validateConfig(sampleConfig());
  if (!result.ok) return t.fail(result.errors.join('\n'));
  const { families } = result.config.catalog;
  t.deepEqual(Object.keys(families).sort(), ['dmp', 'mjp', 'projet-6k', 'projet-7k']);
  for (const name of Object.keys(families)) {
    const items = families[name]?.items ?? {};
    for (const item of ['CpuUsage', 'MemoryUsage', 'FilesystemUsage_root', 'BuildState', 'JobId', 'Layer', 'LayerCount']) {
      t.truthy(items[item], `${name} has ${item}`);
    }
  }
  t.deepEqual(families['projet-6k']?.logRules, [...DEFAULT_SLA_LOG_RULES]);
  t.deepEqual(families.mjp?.logRules, []);
  t.is(families['projet-7k']?.items.VatTemperature?.type, 'NUMBER');
  t.is(families.dmp?.items.OxygenPpm?.unit, 'ppm');
  t.is(families['projet-6k']?.items.ErrorCode?.lane, 'event');
});

test('every built-in log rule produces items its family declares, with the same type', (t) => {
  const result = validateConfig(sampleConfig());
  if (!result.ok) return t.fail(result.errors.join('\n'));
  for (const [name, spec] of Object.entries(result.config.catalog.families)) {
    for (const rule of spec.logRules) {
      for (const [item, itemSpec] of Object.entries(rule.items)) {
        t.is(spec.items[item]?.type, itemSpec.type, `${name}: ${rule.name ?? rule.match} → ${item}`);
      }
    }
  }
});

test('a family in the config replaces the built-in one of that name; the others stay', (t) => {
  const result = validateConfig(withFamily('mjp', family([]), [samplePrinter(1)]));
  if (!result.ok) return t.fail(result.errors.join('\n'));
  const { families } = result.config.catalog;
  t.deepEqual(Object.keys(families.mjp?.items ?? {}), ['Temp', 'State'], 'in the order written');
  t.deepEqual(Object.keys(families).sort(), ['dmp', 'mjp', 'projet-6k', 'projet-7k']);
  t.is(families.mjp?.items.State?.lane, 'state', 'lane defaults to state');
});

test('a new family can be defined and used by a printer', (t) => {
  const rule = { match: '^(\\S+) T=(\\d+)', time: 1, items: { Temp: { group: 2, type: 'NUMBER' } } };
  const result = validateConfig(withFamily('custom-1', family([rule])));
  t.true(result.ok, result.ok ? '' : result.errors.join('\n'));
});

test('a log rule that does not compile is reported at its path', (t) => {
  const rules = [{ match: '^(\\S+) T=(\\d+', time: 1, items: { Temp: { group: 2, type: 'NUMBER' } } }];
  const errors = errorsOf(withFamily('custom-1', family(rules)));
  t.is(errors.length, 1);
  t.regex(errors[0] ?? '', /^catalog\.families\.custom-1\.logRules\[0\]\.match: match does not compile/);
});

test('log rule patterns have a length cap', (t) => {
  const rules = [{ match: `^(\\S+) ${'x'.repeat(600)}`, time: 1, items: { Temp: { group: 1, type: 'NUMBER' } } }];
  const errors = errorsOf(withFamily('custom-1', family(rules)));
  t.is(errors.length, 1);
  t.regex(errors[0] ?? '', /^catalog\.families\.custom-1\.logRules\[0\]\.match: match is longer than \d+ characters/);
});

test('a lookaround or backreference is refused at load, naming the rule and the construct', (t) => {
  const rules = [
    { match: '^(\\S+) T=(\\d+)', time: 1, items: { Temp: { group: 2, type: 'NUMBER' } } },
    { name: 'kv', match: '^(\\S*)(?=\\S*(?=\\w*=))', time: 1, items: { State: { group: 1, type: 'STRING' } } },
    { match: '^(\\S+) (\\w)\\2', time: 1, items: { State: { group: 2, type: 'STRING' } } },
  ];
  t.deepEqual(errorsOf(withFamily('custom-1', family(rules))), [
    'catalog.families.custom-1.logRules[1].match: rule "kv": match uses a lookahead (?=…), which log rules do not support: they run on RE2, a linear-time engine without lookarounds or backreferences',
    'catalog.families.custom-1.logRules[2].match: match uses a backreference \\2, which log rules do not support: they run on RE2, a linear-time engine without lookarounds or backreferences',
  ]);
});

test('a nested quantifier loads: RE2 runs it in linear time', (t) => {
  const rules = [{ match: '^(\\S+) T=((\\d+)+)$', time: 1, items: { Temp: { group: 2, type: 'NUMBER' } } }];
  const result = validateConfig(withFamily('custom-1', family(rules)));
  t.true(result.ok, result.ok ? '' : result.errors.join('\n'));
});

test('groups, item names and types of a rule are checked', (t) => {
  const rules = [
    { match: '^(\\S+) T=(\\d+)', time: 3, items: { Temp: { group: 2, type: 'NUMBER' } } },
    { match: '^(\\S+) S=(\\w+)', time: 1, items: { State: { group: 2, type: 'NUMBER' }, Other: { group: 2, type: 'STRING' } } },
    { match: '^(\\S+) X=(\\w+)', time: 1, items: { State: { group: 2, type: 'TEXT' } }, when: 'always' },
  ];
  t.deepEqual(errorsOf(withFamily('custom-1', family(rules))), [
    'catalog.families.custom-1.logRules[0].time: time group 3 but the pattern has 2 group(s)',
    'catalog.families.custom-1.logRules[1].items.Other: "Other" is not an item of family custom-1; add it to its items',
    'catalog.families.custom-1.logRules[1].items.State.type: is NUMBER but family custom-1 declares State as STRING',
    'catalog.families.custom-1.logRules[2].items.State.type: type must be one of NUMBER, INTEGER, STRING, BOOLEAN, DATETIME',
    'catalog.families.custom-1.logRules[2].when: unknown field "when"',
  ]);
});

test('family names, item names, sources and item types are checked', (t) => {
  const raw = {
    ...sampleConfig(),
    catalog: {
      families: {
        'Custom Family': { sources: ['filebeat'], items: { Temp: { type: 'NUMBER' } } },
        'custom-2': { sources: [], items: {} },
        'custom-3': {
          sources: ['filebeat', 'filebeat', 'telnet'],
          items: { 'bad-name': { type: 'NUMBER' }, Ok: { type: 'FLOAT', colour: 'red' } },
        },
      },
    },
  };
  t.deepEqual(errorsOf(raw), [
    'catalog.families.Custom Family: key must be a family name (lower-case letters, digits and "-")',
    'catalog.families.custom-2.items: must not be empty',
    'catalog.families.custom-2.sources: must list at least one of filebeat, metricbeat, poll, push',
    'catalog.families.custom-3.items.bad-name: key must be a property name (a letter, then up to 63 letters, digits and "_")',
    'catalog.families.custom-3.items.Ok.colour: unknown key',
    'catalog.families.custom-3.items.Ok.type: must be one of NUMBER, INTEGER, STRING, BOOLEAN, DATETIME',
    'catalog.families.custom-3.sources: must not repeat a source',
    'catalog.families.custom-3.sources[2]: must be one of filebeat, metricbeat, poll, push',
  ]);
});
