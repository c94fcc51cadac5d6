import type { AdapterConfig } from '../config/types.js';

/**
 * What every actor of one adapter shares: the configuration (replaced on reload) and the clock.
 */
export interface AdapterEnvironment {
  config: AdapterConfig;
  now(): number;
}
