/**
 * Every `3dconnect` subcommand, in the order `3dconnect help` lists them. Add a command by adding its
 * CliCommand here; main.ts does the dispatch, help and exit codes.
 */
import { checkConfigCommand } from './check-config.js';
import type { CliCommand } from './command.js';
import { asCliCommand, CONTROL_CLI_COMMANDS, THINGWORX_CLI_COMMANDS } from './commands/index.js';
import { runCommand } from './run.js';

/**
 * `3dconnect demo`, loaded when it runs: cli/demo.ts brings the simulators (sim/), which `run` and
 * the operator views must not load (deploy/README.md; test/cli/build.test.ts checks it on the build).
 * Name, summary and args match cli/demo.ts's own (the same test compares them).
 */
const lazyDemoCommand: CliCommand = {
  name: 'demo',
  summary: 'run the adapter with simulated printers and a local ThingWorx stand-in',
  args: '[--duration S] [--json]',
  async run(args, io) {
    const { demoCommand } = await import('./demo.js');
    return demoCommand.run(args, io);
  },
};

export const COMMANDS: readonly CliCommand[] = [
  runCommand,
  lazyDemoCommand,
  checkConfigCommand,
  ...CONTROL_CLI_COMMANDS.map((command) => asCliCommand(command)),
  ...THINGWORX_CLI_COMMANDS.map((command) => asCliCommand(command)),
];
