/**
 * The schema of the whole adapter configuration. Typed against AdapterConfig, so the compiler checks
 * that what the schema produces is what the rest of the code is promised.
 */
import type { ObjectSchema } from 'yup';
import type { AdapterConfig } from '../types.js';
import { catalogSchema } from './catalog.js';
import { closedObject } from './fields.js';
import { printersSchema } from './printers.js';
import {
  adapterSchema,
  controlSchema,
  healthSchema,
  listenersSchema,
  logSchema,
  supervisionSchema,
  thingworxSchema,
  uplinkSchema,
} from './sections.js';

export const adapterConfigSchema: ObjectSchema<AdapterConfig> = closedObject({
  adapter: adapterSchema,
  log: logSchema,
  thingworx: thingworxSchema,
  listeners: listenersSchema,
  control: controlSchema,
  uplink: uplinkSchema,
  supervision: supervisionSchema,
  health: healthSchema,
  catalog: catalogSchema,
  printers: printersSchema,
});
