/** `3dconnect run --config FILE`: the daemon. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { createLogger, effectiveLogLevel, type Logger } from '../config/logging.js';
import { loadConfigFile } from '../config/load.js';
import { unresolvableSecrets } from '../config/secrets.js';
import { unreadableTlsFiles } from '../config/tls-files.js';
import { type CliCommand, type CliIo, EXIT, isHelpFlag } from './command.js';
import { type Daemon, type DaemonOptions, startDaemon } from '../actors/daemon.js';
import { RUN_DEFAULTS } from '../config/defaults.js';

const USAGE = 'usage: 3dconnect run --config FILE';

function help(io: CliIo): void {
  io.out(USAGE);
  io.out('');
  io.out('Starts the adapter with the configuration in FILE and runs until SIGTERM or SIGINT, which stop');
  io.out('accepting, drain what is in flight to ThingWorx, and exit 0. SIGHUP reads FILE again: printers');
  io.out('added, removed or changed are applied without touching the others; an invalid file is refused');
  io.out('and the running configuration kept (the errors are logged). Logs are JSON on stdout (pino);');
  io.out('LOG_LEVEL overrides log.level. Exit codes: 64 usage, 70 the adapter could not start (a port');
  io.out('taken, an actor that did not start in time: what it had opened is closed first) or could not');
  io.out('keep running, 78 invalid configuration, or a secret or TLS file that cannot be read.');
}

/** Every flag `run` takes; node:util's parseArgs rejects anything else. */
const RUN_FLAGS = {
  config: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** The configuration file's path, or a message for stderr saying what is wrong with the arguments. */
function readRunArgs(args: readonly string[]): { file: string } | { problem: string } {
  let values: ReturnType<typeof parseArgs<{ options: typeof RUN_FLAGS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...args], options: RUN_FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    return { problem: usageProblem(error) };
  }
  if (values.config === undefined || values.config === '') return { problem: '--config FILE is required' };
  return { file: values.config };
}

/** node:util's parse errors, shortened to the one line the operator needs: which argument is wrong (cli/demo.ts too). */
export function usageProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const argument = /'([^' ]+)/.exec(message)?.[1];
  if (argument === undefined) return message.split('\n')[0] ?? message;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unknown argument: ${argument}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return message.includes('does not take') ? `${argument} takes no value` : `${argument} needs a value`;
  }
  return message.split('\n')[0] ?? message;
}

/**
 * The process ends with `code` even if something still holds the event loop; naming what did.
 * A file-system call still pending (a read stuck on a FIFO, a hung mount) occupies a thread-pool
 * thread that process.exit would wait for forever: then the process kills itself, which systemd
 * counts as a failure all the same.
 */
function exitWithin(code: number, logger: Logger): void {
  setTimeout(() => {
    const resources = process.getActiveResourcesInfo();
    if (resources.some((resource) => resource.startsWith('FSReq'))) {
      logger.fatal({ code, resources }, 'still running after the adapter ended, with a file-system call stuck; killing the process');
      process.kill(process.pid, 'SIGKILL');
      return;
    }
    logger.warn({ code, resources }, 'still running after the adapter ended; exiting');
    process.exit(code);
  }, RUN_DEFAULTS.exitGraceMs).unref();
}

/**
 * The daemon's whole life in this process: load, start, run until stopped, and make sure the process
 * ends. `extra` adds actors to the tree (tests use it to make a start hang).
 */
export async function runDaemon(args: readonly string[], io: CliIo, options: Pick<DaemonOptions, 'extra'> = {}): Promise<number> {
  if (args.some(isHelpFlag)) {
    help(io);
    return EXIT.ok;
  }
  const parsed = readRunArgs(args);
  if ('problem' in parsed) {
    io.err(parsed.problem);
    io.err(USAGE);
    return EXIT.usage;
  }
  const { file } = parsed;
  const loaded = await loadConfigFile(file);
  if (!loaded.ok) {
    for (const error of loaded.errors) io.err(error);
    return EXIT.config;
  }
  const missing = [...(await unresolvableSecrets(loaded.config, { env: io.env })), ...(await unreadableTlsFiles(loaded.config))];
  if (missing.length > 0) {
    for (const problem of missing) io.err(problem);
    return EXIT.config;
  }
  const logger = createLogger({ level: effectiveLogLevel(loaded.config.log.level, io.env) });
  let daemon: Daemon;
  try {
    daemon = await startDaemon(loaded.config, { ...options, handleSignals: true, configFile: file, logger });
  } catch (error) {
    io.err(`3dconnect run: the adapter could not start: ${error instanceof Error ? error.message : String(error)}`);
    exitWithin(EXIT.software, logger);
    return EXIT.software;
  }
  const code = await daemon.exited;
  exitWithin(code, logger);
  return code;
}

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'start the adapter with a configuration file (the daemon)',
  args: '--config FILE',
  run: (args, io) => runDaemon(args, io),
};
