/**
 * The adapter as a long-running process: the supervision tree on a validated configuration, stopped
 * in order on SIGTERM/SIGINT. Shared by `3dconnect run` and the demo.
 */
import { adapterEnvironment, startAdapter } from '../actors/adapter.js';
import type { AdapterEnvironment } from '../actors/environment.js';
import { createLogger, effectiveLogLevel, type Logger } from '../config/logging.js';
import type { AdapterConfig } from '../config/types.js';
import type { ChildSpec, Tree } from '../supervision/index.js';

export interface Daemon {
  tree: Tree;
  logger: Logger;
  /** Resolves with the exit code once the daemon has stopped (signal, or the root gave up). */
  exited: Promise<number>;
  /** Orderly stop: stop accepting, drain, stop the uplink last. */
  stop(): Promise<void>;
}

export interface DaemonOptions {
  logger?: Logger;
  extra?: readonly ChildSpec[];
  environment?: Partial<AdapterEnvironment>;
  /** Install SIGTERM/SIGINT handlers (off in tests that run several daemons in one process). */
  handleSignals?: boolean;
}

/** sysexits: the tree could not keep itself up. */
const EXIT_SOFTWARE = 70;

export async function startDaemon(config: AdapterConfig, options: DaemonOptions = {}): Promise<Daemon> {
  const logger = options.logger ?? createLogger({ level: effectiveLogLevel(config.log.level) });
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });
  const tree = await startAdapter(adapterEnvironment(config, options.environment), {
    logger,
    ...(options.extra ? { extra: options.extra } : {}),
    onEscalate: (escalation) => {
      logger.fatal({ path: escalation.path, reason: escalation.reason }, 'the adapter could not keep itself running; exiting');
      resolveExit(EXIT_SOFTWARE);
    },
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('stopping: closing listeners, draining to ThingWorx');
      await tree.stop();
      logger.info('stopped');
      resolveExit(0);
    })();
    return stopping;
  };

  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'signal received');
      void stop();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    void exited.then(() => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    });
  }
  logger.info({ printers: config.printers.length, adapter: config.adapter.id }, 'adapter running');
  return { tree, logger, exited, stop };
}
