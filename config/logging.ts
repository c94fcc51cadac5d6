import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Every field that may hold a secret, wherever it sits in a logged object.
 * pino's redaction runs on each log call, so a secret that reaches a logger by mistake is still masked.
 */
export const REDACTED_PATHS = [
  'appKey',
  '*.appKey',
  '*.*.appKey',
  'headers.appKey',
  'headers.appkey',
  'req.headers.appkey',
  'req.headers.authorization',
  'headers.authorization',
  'headers.Authorization',
  'authorization',
  'token',
  '*.token',
  '*.*.token',
  'password',
  '*.password',
  'passphrase',
  '*.passphrase',
  'key',
  '*.key',
  'secret',
  '*.secret',
];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * The level the daemon runs at: LOG_LEVEL from the environment when it names a level (so an operator
 * can turn up logging without editing the config), else the configured one.
 */
export function effectiveLogLevel(configured: LogLevel, env: NodeJS.ProcessEnv = process.env): LogLevel {
  const fromEnv = env.LOG_LEVEL;
  return isLogLevel(fromEnv) ? fromEnv : configured;
}

export interface LoggerSettings {
  level?: LogLevel;
  /** Human-readable output through pino-pretty (development only; it is a dev dependency). */
  pretty?: boolean;
  /** Where to write; stdout when absent. Tests pass a stream to capture lines. */
  destination?: NodeJS.WritableStream;
}

/** The level: explicit setting, else LOG_LEVEL, else info. */
export function resolveLevel(level?: LogLevel): LogLevel {
  const fromEnv = process.env.LOG_LEVEL as LogLevel | undefined;
  return level ?? fromEnv ?? 'info';
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: resolveLevel(settings.level),
    base: { name: '3dconnect' },
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
  };
  if (settings.pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty' } });
  }
  if (settings.destination) {
    return pino(options, settings.destination);
  }
  // Synchronous: the adapter logs events, not readings, so the cost is small, and no line is lost to
  // a crash or to a process that must kill itself (see cli/run.ts) with writes still queued.
  return pino(options, pino.destination({ dest: 1, sync: true }));
}

/** A logger that writes nothing, for tests and benchmarks that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
