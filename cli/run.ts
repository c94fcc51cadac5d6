/** `3dconnect run --config FILE`: the daemon. */
import { loadConfigFile } from '../config/load.js';
import { unresolvableSecrets } from '../config/secrets.js';
import { type CliCommand, type CliIo, EXIT, isHelpFlag } from './command.js';
import { startDaemon } from './daemon.js';

const USAGE = 'usage: 3dconnect run --config FILE';

function help(io: CliIo): void {
  io.out(USAGE);
  io.out('');
  io.out('Starts the adapter with the configuration in FILE and runs until SIGTERM or SIGINT, which stop');
  io.out('accepting, drain what is in flight to ThingWorx, and exit 0. SIGHUP reads FILE again: printers');
  io.out('added, removed or changed are applied without touching the others; an invalid file is refused');
  io.out('and the running configuration kept (the errors are logged). Logs are JSON on stdout (pino);');
  io.out('LOG_LEVEL overrides log.level. Exit codes: 64 usage, 70 the adapter could not keep running,');
  io.out('78 invalid configuration or a secret that cannot be read.');
}

function configPath(args: readonly string[]): string | undefined {
  const index = args.indexOf('--config');
  if (index >= 0) return args[index + 1];
  const inline = args.find((arg) => arg.startsWith('--config='));
  return inline?.slice('--config='.length);
}

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'start the adapter with a configuration file (the daemon)',
  args: '--config FILE',
  async run(args, io) {
    if (args.some(isHelpFlag)) {
      help(io);
      return EXIT.ok;
    }
    const file = configPath(args);
    if (file === undefined) {
      io.err(USAGE);
      return EXIT.usage;
    }
    const loaded = await loadConfigFile(file);
    if (!loaded.ok) {
      for (const error of loaded.errors) io.err(error);
      return EXIT.config;
    }
    const missing = await unresolvableSecrets(loaded.config, { env: io.env });
    if (missing.length > 0) {
      for (const problem of missing) io.err(problem);
      return EXIT.config;
    }
    const daemon = await startDaemon(loaded.config, { handleSignals: true, configFile: file });
    const code = await daemon.exited;
    // Everything is closed by now; a straggling handle must not keep a stopped daemon alive.
    setTimeout(() => process.exit(code), 2_000).unref();
    return code;
  },
};
