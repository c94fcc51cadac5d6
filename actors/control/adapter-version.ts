import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** package.json's "name": how the lookup tells this package's manifest from any other on the way up. */
export const ADAPTER_PACKAGE_NAME = '3dconnect-adapter';

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined; // absent or unreadable: keep walking up
  }
}

/**
 * The version in the nearest package.json named `packageName` at or above `fromDir`. Walking up,
 * rather than a fixed relative path, finds the same file from the sources (actors/control/) and from
 * the compiled build (dist/actors/control/).
 */
export function findPackageVersion(fromDir: string, packageName: string = ADAPTER_PACKAGE_NAME): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifest = readManifest(join(dir, 'package.json'));
    if (manifest?.name === packageName && typeof manifest.version === 'string') return manifest.version;
    if (dirname(dir) === dir) throw new Error(`no package.json named ${packageName} with a version at or above ${fromDir}`);
  }
}

// The version operators see is the package's own, not a second copy of it; read once, at load.
export const ADAPTER_VERSION = findPackageVersion(dirname(fileURLToPath(import.meta.url)));
