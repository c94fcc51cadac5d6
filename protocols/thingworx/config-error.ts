/** A REST transport setting that cannot work; raised at construction, never per request. */
export class ThingworxConfigError extends Error {
  readonly code = 'TWX_CONFIG_INVALID';
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`thingworx ${setting}: ${reason}`);
    this.name = 'ThingworxConfigError';
  }
}
