/**
 * The control-socket commands, ready to be listed by cli/commands.ts: each has a name, a summary, its
 * arguments and `run(argv, io)`. `asCliCommand` fits one to the line-based CliIo of cli/command.ts.
 */
import * as config from './config.js';
import type { CommandIo } from './io.js';
import * as metrics from './metrics.js';
import * as printers from './printers.js';
import * as provision from './provision.js';
import * as restart from './restart.js';
import * as status from './status.js';
import * as uplink from './uplink.js';

export { COMMAND_EXIT, type CommandExitCode } from './exit-codes.js';
export { type CommandIo, processCommandIo, type TextSink } from './io.js';

export interface ControlCliCommand {
  name: string;
  summary: string;
  /** Arguments after the name, for the command list. */
  args: string;
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}

export const CONTROL_CLI_COMMANDS: readonly ControlCliCommand[] = [
  { name: 'status', summary: status.SUMMARY, args: '[--watch]', run: status.run },
  { name: 'printers', summary: printers.SUMMARY, args: '', run: printers.run },
  { name: 'uplink', summary: uplink.SUMMARY, args: '', run: uplink.run },
  { name: 'metrics', summary: metrics.SUMMARY, args: '', run: metrics.run },
  { name: 'config', summary: config.SUMMARY, args: '', run: config.run },
  { name: 'restart', summary: restart.SUMMARY, args: 'PATH', run: restart.run },
];

/** Commands that talk to ThingWorx, not to the daemon (no --socket): `provision`. */
export const THINGWORX_CLI_COMMANDS: readonly ControlCliCommand[] = [
  { name: 'provision', summary: provision.SUMMARY, args: provision.ARGS, run: provision.run },
];

/** The line-based output of cli/command.ts's CliIo, structurally. */
export interface LineIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

/** Cuts written text into lines for `emit`; a partial line waits for its newline (or `flush`). */
function lineSink(emit: (line: string) => void): { write(text: string): void; flush(): void } {
  let pending = '';
  return {
    write(text) {
      const parts = `${pending}${text}`.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) emit(line);
    },
    flush() {
      if (pending !== '') emit(pending);
      pending = '';
    },
  };
}

/** A ControlCliCommand with the `run(args, io: CliIo)` of cli/command.ts; `isTTY` says whether stdout is a terminal. */
export function asCliCommand(
  command: ControlCliCommand,
  isTTY: () => boolean = () => process.stdout.isTTY === true,
): { name: string; summary: string; args: string; run(args: readonly string[], io: LineIo): Promise<number> } {
  return {
    name: command.name,
    summary: command.summary,
    args: command.args,
    async run(args, io) {
      const stdout = lineSink((line) => io.out(line));
      const stderr = lineSink((line) => io.err(line));
      try {
        const tty = isTTY();
        const screen = () => (tty && process.stdout.isTTY ? { columns: process.stdout.columns, rows: process.stdout.rows } : undefined);
        return await command.run(args, { stdout, stderr, isTTY: tty, env: io.env, screen });
      } finally {
        stdout.flush();
        stderr.flush();
      }
    },
  };
}
