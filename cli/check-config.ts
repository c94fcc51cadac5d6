/** `3dconnect check-config FILE`: validates a configuration without starting anything. */
import { bindWarnings } from '../config/cross-checks.js';
import { formatIssue } from '../config/issues.js';
import { loadConfigFile } from '../config/load.js';
import { isLogLevel } from '../config/logging.js';
import { unresolvableSecrets } from '../config/secrets.js';
import { unreadableTlsFiles } from '../config/tls-files.js';
import { type CliCommand, type CliIo, EXIT, isHelpFlag } from './command.js';

const USAGE = 'usage: 3dconnect check-config FILE';

function help(io: CliIo): void {
  io.out(USAGE);
  io.out('');
  io.out('Validates FILE (.yaml, .yml or .json). Prints "ok" and exits 0, or prints every error with its');
  io.out('path, one per line on stderr, and exits 78. Secrets that cannot be read now (an environment');
  io.out('variable not set here, a file missing on this machine) are warnings: they are read at start-up.');
  io.out('So are TLS files that are missing, unreadable or not regular files (run refuses to start on them).');
  io.out("A listener bound to every interface (0.0.0.0 or ::) is a warning too: bind the printer network's address.");
}

export const checkConfigCommand: CliCommand = {
  name: 'check-config',
  summary: 'validate a configuration file; print ok or every error with its path',
  args: 'FILE',
  async run(args, io) {
    if (args.some(isHelpFlag)) {
      help(io);
      return EXIT.ok;
    }
    const [file] = args;
    if (file === undefined || args.length !== 1) {
      io.err(USAGE);
      return EXIT.usage;
    }
    const result = await loadConfigFile(file);
    if (!result.ok) {
      for (const error of result.errors) io.err(error);
      return EXIT.config;
    }
    for (const problem of await unresolvableSecrets(result.config, { env: io.env })) io.err(`warning: ${problem}`);
    for (const problem of await unreadableTlsFiles(result.config)) io.err(`warning: ${problem}`);
    for (const warning of bindWarnings(result.config)) io.err(`warning: ${formatIssue(warning)}`);
    const logLevel = io.env.LOG_LEVEL;
    if (logLevel !== undefined && !isLogLevel(logLevel)) {
      io.err(`warning: LOG_LEVEL is set but is not a level; log.level (${result.config.log.level}) applies`);
    }
    io.out('ok');
    return EXIT.ok;
  },
};
