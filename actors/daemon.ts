/**
 * The adapter as a long-running process: the supervision tree on a validated configuration, stopped
 * in order on SIGTERM/SIGINT. Shared by `3dconnect run` and the demo (sim/demo.ts), so it lives below both.
 */
import { adapterEnvironment, startAdapter } from './adapter.js';
import type { AdapterEnvironment } from './environment.js';
import type { IngressMessage } from './ingress/messages.js';
import { FLEET_PATH, INGRESS_PATH, UPLINK_PATH } from './paths.js';
import type { UplinkMessage } from './uplink/messages.js';
import { loadConfigFile } from '../config/load.js';
import { createLogger, effectiveLogLevel, type Logger } from '../config/logging.js';
import { bindWarnings } from '../config/cross-checks.js';
import { planReload } from '../config/reload.js';
import { unresolvableSecrets } from '../config/secrets.js';
import type { AdapterConfig } from '../config/types.js';
import type { ChildSpec, Tree } from '../supervision/index.js';

export interface Daemon {
  tree: Tree;
  logger: Logger;
  /** Resolves with the exit code once the daemon has stopped (signal, or the root gave up). */
  exited: Promise<number>;
  /** Orderly stop: stop accepting, drain, stop the uplink last. */
  stop(): Promise<void>;
  /** Applies the configuration file again (SIGHUP); an invalid one is refused and the running one kept. */
  reload(): Promise<ReloadOutcome>;
}

export type ReloadOutcome =
  | { applied: true; added: string[]; removed: string[]; replaced: string[]; notApplied: string[] }
  | { applied: false; errors: string[] };

export interface DaemonOptions {
  logger?: Logger;
  extra?: readonly ChildSpec[];
  environment?: Partial<AdapterEnvironment>;
  /** Install SIGTERM/SIGINT/SIGHUP handlers (off in tests that run several daemons in one process). */
  handleSignals?: boolean;
  /** Where the configuration came from, read again on reload. */
  configFile?: string;
}

/** sysexits: the tree could not keep itself up. */
const EXIT_SOFTWARE = 70;

export async function startDaemon(config: AdapterConfig, options: DaemonOptions = {}): Promise<Daemon> {
  const logger = options.logger ?? createLogger({ level: effectiveLogLevel(config.log.level) });
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });
  const env = adapterEnvironment(config, options.environment);
  for (const warning of bindWarnings(config)) logger.warn({ path: warning.path }, warning.message);
  let tree: Tree;
  try {
    tree = await startAdapter(env, {
      logger,
      ...(options.extra ? { extra: options.extra } : {}),
      onEscalate: (escalation) => {
        logger.fatal({ path: escalation.path, reason: escalation.reason }, 'the adapter could not keep itself running; exiting');
        resolveExit(EXIT_SOFTWARE);
      },
    });
  } catch (error) {
    // The tree has stopped what had started (listeners, timers, sockets) before rejecting.
    logger.fatal({ err: error }, 'the adapter could not start; what it had opened is closed');
    throw error;
  }

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

  // One reload at a time: a second SIGHUP waits for the first.
  let reloading: Promise<ReloadOutcome> = Promise.resolve({ applied: false, errors: [] });
  const reload = (): Promise<ReloadOutcome> => {
    reloading = reloading.then(() => applyReload(env, tree, logger, options.configFile));
    return reloading;
  };

  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'signal received');
      void stop();
    };
    const onHangup = () => {
      logger.info({ signal: 'SIGHUP' }, 'signal received: reloading the configuration');
      void reload();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.on('SIGHUP', onHangup);
    void exited.then(() => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      process.off('SIGHUP', onHangup);
    });
  }
  logger.info({ printers: config.printers.length, adapter: config.adapter.id }, 'adapter running');
  return { tree, logger, exited, stop, reload };
}

/**
 * Reads the file again; if it is valid and its secrets readable, the printers it adds, removes or
 * changes are applied (and only those: the other printers keep running untouched), with the catalog
 * and log level. Sections that need new listeners or a new ThingWorx session are named in the log
 * as waiting for a restart. Anything wrong: every error logged, the running configuration kept.
 */
async function applyReload(env: AdapterEnvironment, tree: Tree, logger: Logger, configFile: string | undefined): Promise<ReloadOutcome> {
  if (configFile === undefined) {
    logger.warn('reload asked, but this adapter was not started from a configuration file');
    return { applied: false, errors: ['no configuration file to read'] };
  }
  const loaded = await loadConfigFile(configFile);
  const errors = loaded.ok ? await unresolvableSecrets(loaded.config) : loaded.errors;
  if (!loaded.ok || errors.length > 0) {
    logger.error({ file: configFile, errors }, 'reload refused: the new configuration is invalid; the running one is kept');
    return { applied: false, errors };
  }
  const plan = planReload(env.config, loaded.config);
  if (plan.notApplied.length > 0) {
    logger.warn({ sections: plan.notApplied }, 'reload: these sections changed and take effect only after a restart');
  }
  env.config = plan.effective;
  logger.level = effectiveLogLevel(plan.effective.log.level);
  // Before the fleet starts the new printers, so their Things are bound before their first values as a rule.
  tree.registry.tell(UPLINK_PATH, { type: 'PrintersChanged' } satisfies UplinkMessage);
  const result = await tree.registry.reconcile(FLEET_PATH);
  tree.registry.tell(INGRESS_PATH, { type: 'PrintersChanged' } satisfies IngressMessage);
  logger.info({ ...result, notApplied: plan.notApplied }, 'configuration reloaded');
  return { applied: true, ...result, notApplied: plan.notApplied };
}
