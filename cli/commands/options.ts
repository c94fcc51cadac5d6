/** The flags the control commands share, parsed strictly: an unknown flag is a usage error, not ignored. */
import { parseArgs } from 'node:util';
import type { ExpositionFormat } from '../../protocols/control/openmetrics.js';
import { CONTROL_DEFAULTS, WATCH_DEFAULTS } from '../../config/defaults.js';

export interface CommandOptions {
  json: boolean;
  socketPath: string;
  watch: boolean;
  /** status: the actor tree instead of the fleet dashboard. */
  tree: boolean;
  intervalMs: number;
  format: ExpositionFormat;
  positionals: string[];
}

/** What one command accepts beyond --json, --socket and --help. */
export interface OptionRules {
  watch?: boolean;
  /** Accepts --tree (status). */
  tree?: boolean;
  format?: boolean;
  /** Names of the positional arguments it requires, e.g. ['PATH']. */
  positionals?: readonly string[];
}

export class UsageError extends Error {
  readonly code = 'CLI_USAGE';
}

const FLAGS = {
  json: { type: 'boolean' },
  socket: { type: 'string' },
  watch: { type: 'boolean' },
  tree: { type: 'boolean' },
  interval: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FORMATS: readonly ExpositionFormat[] = ['openmetrics', 'prometheus'];

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Throws UsageError with a message fit for stderr. */
export function parseCommandOptions(argv: readonly string[], rules: OptionRules): CommandOptions {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseErrorMessage(error));
  }
  const { values, positionals } = parsed;
  if (!rules.watch && (values.watch !== undefined || values.interval !== undefined)) {
    throw new UsageError('--watch and --interval are only for status');
  }
  if (!rules.tree && values.tree !== undefined) throw new UsageError('--tree is only for status');
  if (!rules.format && values.format !== undefined) throw new UsageError('--format is only for metrics');
  if (values.interval !== undefined && !values.watch) throw new UsageError('--interval needs --watch');
  const expected = rules.positionals ?? [];
  if (positionals.length !== expected.length) {
    throw new UsageError(expected.length === 0 ? `unexpected argument "${positionals[0]}"` : `expected ${expected.join(' ')}`);
  }
  const socketPath = values.socket ?? CONTROL_DEFAULTS.socketPath;
  if (socketPath === '') throw new UsageError('--socket needs a path');
  return {
    json: values.json ?? false,
    socketPath,
    watch: values.watch ?? false,
    tree: values.tree ?? false,
    intervalMs: values.interval === undefined ? WATCH_DEFAULTS.intervalMs : parseInterval(values.interval),
    format: parseFormat(values.format),
    positionals,
  };
}

function parseInterval(text: string): number {
  const seconds = Number(text);
  const ms = Math.round(seconds * 1000);
  if (text.trim() === '' || !Number.isFinite(seconds) || ms < WATCH_DEFAULTS.minIntervalMs) {
    throw new UsageError(`--interval takes seconds, at least ${WATCH_DEFAULTS.minIntervalMs / 1000}`);
  }
  return ms;
}

function parseFormat(text: string | undefined): ExpositionFormat {
  if (text === undefined) return 'openmetrics';
  const format = FORMATS.find((candidate) => candidate === text);
  if (format === undefined) throw new UsageError(`--format is ${FORMATS.join(' or ')}`);
  return format;
}

/** node:util's messages, shortened to what the operator typed wrong. */
function parseErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const option = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) return `unknown option ${option}`;
  return message;
}
