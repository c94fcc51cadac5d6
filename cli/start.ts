/**
 * The adapter's one entry point: the installed service runs it compiled (dist/cli/start.js, no
 * TypeScript loader in the process), and the developer bin (cli/bin/3dconnect.js) runs it from the
 * sources through tsx.
 */
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2));
