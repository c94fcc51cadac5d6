/** The configuration's public face: load or validate, resolve secrets, show redacted. */
export { DEFAULT_FILESYSTEM_MOUNTS, defaultCatalog, filesystemUsageItem } from './default-catalog.js';
export { CONFIG_LIMITS, DEFAULTS } from './defaults.js';
export { type HostPort, isHostOrAddress, parseHostPort } from './endpoint.js';
export { type LoadConfigOptions, loadConfigFile } from './load.js';
export { type Redacted, type RedactedConfig, redactConfig } from './redact.js';
export {
  describeSecretSource,
  type ResolveSecretOptions,
  resolveSecret,
  SecretError,
  type SecretErrorCode,
  type SecretSlot,
  secretSlots,
  unresolvableSecrets,
} from './secrets.js';
export type * from './types.js';
export { validateConfig } from './validate.js';
