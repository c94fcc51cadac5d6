/**
 * Every `3dconnect` subcommand, in the order `3dconnect help` lists them. Add a command by adding its
 * CliCommand here; main.ts does the dispatch, help and exit codes.
 */
import { checkConfigCommand } from './check-config.js';
import type { CliCommand } from './command.js';
import { asCliCommand, CONTROL_CLI_COMMANDS, THINGWORX_CLI_COMMANDS } from './commands/index.js';
import { demoCommand } from './demo.js';
import { runCommand } from './run.js';

export const COMMANDS: readonly CliCommand[] = [
  runCommand,
  demoCommand,
  checkConfigCommand,
  ...CONTROL_CLI_COMMANDS.map((command) => asCliCommand(command)),
  ...THINGWORX_CLI_COMMANDS.map((command) => asCliCommand(command)),
];
