import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ADAPTER_PACKAGE_NAME, findPackageVersion } from '../../actors/control/adapter-version.js';

test('the version comes from the nearest package.json named for the adapter, skipping others on the way up', (t) => {
  const root = mkdtempSync(join(tmpdir(), '3dconnect-version-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const moduleDir = join(root, 'dist', 'actors', 'control');
  mkdirSync(moduleDir, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: ADAPTER_PACKAGE_NAME, version: '9.8.7' }));
  // A nested manifest that is not this package's (a build tool's, or a broken file) does not count.
  writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(root, 'dist', 'actors', 'package.json'), '{ not json');

  t.is(findPackageVersion(moduleDir), '9.8.7');
  t.is(findPackageVersion(join(root, 'dist')), '9.8.7');
});

test('without a package.json of that name the lookup fails loudly instead of reporting a made-up version', (t) => {
  const root = mkdtempSync(join(tmpdir(), '3dconnect-version-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  t.throws(() => findPackageVersion(root, `${ADAPTER_PACKAGE_NAME}-not-installed-anywhere`), { message: /no package\.json named/ });
});
