/** What a `3dconnect` subcommand is, and what it may touch. */

/** sysexits.h codes, so scripts and systemd can tell a usage error from a bad config. */
export const EXIT = {
  ok: 0,
  /** EX_USAGE: wrong arguments. */
  usage: 64,
  /** EX_SOFTWARE: an unexpected internal error. */
  software: 70,
  /** EX_CONFIG: the configuration is invalid. */
  config: 78,
} as const;

/** Output and environment, passed in so commands can be run and checked in-process. */
export interface CliIo {
  /** Writes one line to stdout. */
  out(line: string): void;
  /** Writes one line to stderr. */
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Arguments after the name, e.g. "FILE". */
  args: string;
  /** Resolves to the process exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Set once the reader of our stdout went away (`3dconnect help | head`): further output goes nowhere. */
let stdoutClosed = false;
let stdoutGuarded = false;

/**
 * An EPIPE on stdout would otherwise be an unhandled 'error' event and a crash with a stack trace.
 * It is not ours to exit on: a daemon whose log reader restarts must go on, so output just stops.
 */
function guardStdout(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') stdoutClosed = true;
    else process.stderr.write(`3dconnect: cannot write to standard output: ${error.code ?? error.message}\n`);
  });
}

export function processIo(): CliIo {
  guardStdout();
  return {
    out: (line) => {
      if (!stdoutClosed) process.stdout.write(`${line}\n`);
    },
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  };
}

export function isHelpFlag(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h';
}
