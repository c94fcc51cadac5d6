#!/usr/bin/env node
// The `3dconnect` command (package.json "bin") for developers, tests and `npm start`: plain JavaScript
// that registers tsx's loader, then runs cli/start.ts from the sources, so it never runs a stale build.
// The installed service runs the compiled dist/cli/start.js instead (deploy/README.md).
import { register } from 'tsx/esm/api';

register();
await import('../start.ts');
