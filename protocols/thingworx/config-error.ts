import { CodedError } from '../../supervision/errors.js';

/** A REST transport setting that cannot work; raised at construction, never per request. */
export class ThingworxConfigError extends CodedError<'TWX_CONFIG_INVALID', { setting: string }> {
  override readonly name = 'ThingworxConfigError';

  constructor(setting: string, reason: string) {
    super('TWX_CONFIG_INVALID', `thingworx ${setting}: ${reason}`, { setting });
  }

  /** Which setting: the one field a caller needs, kept beside context for callers that read it. */
  get setting(): string {
    return this.context.setting;
  }
}
