/**
 * The `3dconnect` command: dispatches to the subcommands in commands.ts. The process entry point is
 * cli/start.ts (through cli/bin/3dconnect.js from the sources, or compiled as dist/cli/start.js).
 */
import { type CliCommand, type CliIo, EXIT, isHelpFlag, processIo } from './command.js';
import { COMMANDS } from './commands.js';

export function usage(commands: readonly CliCommand[] = COMMANDS): string[] {
  const width = Math.max(...commands.map((command) => `${command.name} ${command.args}`.length));
  return [
    'usage: 3dconnect COMMAND [ARGS]',
    '',
    'commands:',
    ...commands.map((command) => `  ${`${command.name} ${command.args}`.padEnd(width)}  ${command.summary}`),
    `  ${'help'.padEnd(width)}  show this list; COMMAND --help shows a command's own help`,
  ];
}

/** Runs one command line (without `node` and the script) and resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...args] = argv;
  if (name === 'help' || isHelpFlag(name)) {
    const topic = COMMANDS.find((command) => command.name === args[0]);
    if (topic) return topic.run(['--help'], io);
    for (const line of usage()) io.out(line);
    return EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    if (name !== undefined) io.err(`3dconnect: unknown command "${name}"`);
    for (const line of usage()) io.err(line);
    return EXIT.usage;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    io.err(`3dconnect ${command.name}: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.software;
  }
}
