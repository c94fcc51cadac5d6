import type { AdapterConfig } from '../config/types.js';
import type { DropLedger } from './drop-ledger.js';

/**
 * What every actor of one adapter shares: the configuration (replaced on reload), the clock, and the
 * ledger of what was refused or dropped (it outlives any one actor's restart).
 */
export interface AdapterEnvironment {
  config: AdapterConfig;
  now(): number;
  drops: DropLedger;
}
