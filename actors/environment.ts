import type { AdapterConfig } from '../config/types.js';
import type { ThingworxTransport } from '../protocols/thingworx/types.js';

/**
 * What every actor of one adapter shares: the validated configuration and the ways to reach the
 * outside. Tests and the demo swap the transport factory; nothing else is global.
 */
export interface AdapterEnvironment {
  config: AdapterConfig;
  /** Builds the ThingWorx transport; the app key is read through `appKey()` on every request. */
  createTransport?(appKey: () => string): Promise<ThingworxTransport> | ThingworxTransport;
  now(): number;
}
