import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { stringify } from 'yaml';
import { loadConfigFile } from '../../config/load.js';
import { sampleConfig } from './sample-config.js';
import { createTempDir, type TempDir } from './temp-dir.js';

let dir: TempDir;
test.before(async () => {
  dir = await createTempDir('load');
});
test.after.always(async () => {
  await dir.remove();
});

test('a YAML file and the same config as JSON load to the same result', async (t) => {
  const yamlFile = await dir.write('same.yaml', stringify(sampleConfig()));
  const jsonFile = await dir.write('same.json', JSON.stringify(sampleConfig(), null, '\t'));
  const fromYaml = await loadConfigFile(yamlFile);
  const fromJson = await loadConfigFile(jsonFile);
  t.true(fromYaml.ok, fromYaml.ok ? '' : fromYaml.errors.join('\n'));
  t.deepEqual(fromJson, fromYaml);
});

test('validation errors from a file carry config paths', async (t) => {
  const raw = sampleConfig();
  raw.adapter = { id: 'nuc-1', thing: 'Adapter-nuc-1', colour: 'blue' };
  const file = await dir.write('invalid.yml', stringify(raw));
  t.deepEqual(await loadConfigFile(file), { ok: false, errors: ['adapter.colour: unknown key'] });
});

test('a missing file is reported by its path', async (t) => {
  const file = join(dir.path, 'nope.yaml');
  t.deepEqual(await loadConfigFile(file), { ok: false, errors: [`${file}: does not exist`] });
});

test('a directory is not a config file', async (t) => {
  const path = join(dir.path, 'a-dir.yaml');
  await mkdir(path);
  t.deepEqual(await loadConfigFile(path), { ok: false, errors: [`${path}: is not a regular file`] });
});

test('a file over the size cap is refused before it is parsed', async (t) => {
  // Invalid YAML past the cap: a size error, not a syntax error, shows it was never parsed.
  const file = await dir.write('big.yaml', `a: [${'x'.repeat(2000)}`);
  t.deepEqual(await loadConfigFile(file, { maxBytes: 1024 }), { ok: false, errors: [`${file}: is larger than the 1024-byte limit`] });
});

test('the default size cap is 1 MiB', async (t) => {
  const file = await dir.write('huge.yaml', Buffer.alloc(1024 * 1024 + 1, 0x20));
  t.deepEqual(await loadConfigFile(file), { ok: false, errors: [`${file}: is larger than the 1048576-byte limit`] });
});

test('a YAML syntax error names the line and column, without quoting the line', async (t) => {
  const text = ['adapter:', '  id: nuc-1', 'thingworx:', "  appKey: 'k-0123456789-secret", '  url: https://twx', ''].join('\n');
  const file = await dir.write('broken.yaml', text);
  const result = await loadConfigFile(file);
  if (result.ok) return t.fail('a broken file was accepted');
  t.is(result.errors.length, 1);
  t.regex(result.errors[0] ?? '', new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: Missing closing 'quote$`));
  t.false(result.errors.join('\n').includes('k-0123456789'));
});

test('duplicate keys are errors with their line', async (t) => {
  const file = await dir.write('dup.yaml', 'adapter:\n  id: a\n  id: b\n');
  t.deepEqual(await loadConfigFile(file), { ok: false, errors: [`${file}:3:3: Map keys must be unique`] });
});

test('a JSON syntax error names the line and column too', async (t) => {
  const file = await dir.write('broken.json', '{\n  "adapter": {\n    "id": "a",\n  }\n  "x": 1\n}\n');
  const result = await loadConfigFile(file);
  if (result.ok) return t.fail('a broken file was accepted');
  t.true(result.errors.length >= 1);
  for (const error of result.errors) t.regex(error, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
});

test('a file with a second YAML document is refused', async (t) => {
  const file = await dir.write('two.yaml', 'a: 1\n---\nb: 2\n');
  t.deepEqual(await loadConfigFile(file), { ok: false, errors: [`${file}:2:1: holds more than one document (a second "---")`] });
});

test('an empty file, a non-UTF-8 file and an unknown extension are refused clearly', async (t) => {
  const empty = await dir.write('empty.yaml', '# nothing here\n');
  t.deepEqual(await loadConfigFile(empty), { ok: false, errors: [`${empty}: is empty`] });
  const latin1 = await dir.write('latin1.yaml', Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
  t.deepEqual(await loadConfigFile(latin1), { ok: false, errors: [`${latin1}: is not valid UTF-8 text`] });
  const toml = await dir.write('adapter.toml', 'a = 1\n');
  t.deepEqual(await loadConfigFile(toml), { ok: false, errors: [`${toml}: unknown file type; name it .yaml, .yml or .json`] });
});

test('alias bombs are cut off', async (t) => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++)
    lines.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(', ')}]`,
    );
  const file = await dir.write('bomb.yaml', `${lines.join('\n')}\n`);
  t.deepEqual(await loadConfigFile(file), { ok: false, errors: [`${file}: too many aliases (more than 100 expansions)`] });
});
