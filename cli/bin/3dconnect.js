#!/usr/bin/env node
// The `3dconnect` command (package.json "bin"). Plain JavaScript so it runs without a build step:
// it registers tsx's loader for TypeScript, then hands over to cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../main.ts');
process.exitCode = await runCli(process.argv.slice(2));
