/**
 * Every `3dconnect` subcommand, in the order `3dconnect help` lists them. Add a command by adding its
 * CliCommand here; main.ts does the dispatch, help and exit codes.
 */
import { checkConfigCommand } from './check-config.js';
import type { CliCommand } from './command.js';
import { demoCommand } from './demo.js';
import { runCommand } from './run.js';

export const COMMANDS: readonly CliCommand[] = [
  runCommand,
  demoCommand,
  checkConfigCommand,
  // Still to come, each from its own module:
  //   status   the actor tree and per-printer health, from the control socket
  //   config   the running configuration, secrets shown by source only (config/redact.ts)
];
