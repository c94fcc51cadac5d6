#!/usr/bin/env node
// The `3dconnect` command (package.json "bin"), plain JavaScript so that it runs without a loader.
// - From a clone (development, tests, `npm start`): the sources are here and tsx (a development
//   dependency) is installed, so it registers tsx's loader and runs cli/start.ts; never a stale build.
// - In production (`npm ci && npm run build && npm prune --omit=dev`, or the container image, which
//   ships dist/ without the sources): no tsx, so it runs the compiled dist/cli/start.js, and the
//   process holds no TypeScript loader (deploy/README.md).
import { existsSync } from 'node:fs';

const sources = new URL('../start.ts', import.meta.url);
const compiled = new URL('../../dist/cli/start.js', import.meta.url);

async function loadTsx() {
  if (!existsSync(sources)) return undefined;
  try {
    return await import('tsx/esm/api');
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

const tsx = await loadTsx();
if (tsx) {
  tsx.register();
  await import(sources.href);
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write(
    '3dconnect: no build to run: dist/cli/start.js is missing and tsx (a development dependency) is not installed.\n' +
      'Build it: npm ci && npm run build && npm prune --omit=dev (deploy/README.md).\n',
  );
  process.exitCode = 70;
}
