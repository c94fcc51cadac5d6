/**
 * The ThingWorx REST services `3dconnect provision` calls, as data: method, path and JSON body. Pure.
 *
 * What PTC documents, and where (the facts this module builds on):
 * - Services are invoked as `POST /Thingworx/<collection>/<entity>/Services/<Service>` with the parameters as a JSON
 *   object, headers `appKey`, `Content-Type: application/json`, `Accept: application/json`; EntityServices is the
 *   resource for creating entities: `POST /Thingworx/Resources/EntityServices/Services/<Service>`.
 *   https://support.ptc.com/help/thingworx/platform/r9/en/ThingWorx/Help/REST_API/ThingWorxRESTDesign.html
 *   https://community.ptc.com/t5/ThingWorx-Developers/ThingWorx-REST-API-Cheat-Sheet/m-p/532533
 * - A Thing is created with EntityServices `CreateThing` {name, thingTemplateName, description}, then enabled
 *   (`EnableThing`) and restarted (`RestartThing`) before it runs.
 *   https://community.ptc.com/t5/IoT-Tips/Use-REST-API-to-Access-ThingWorx-Part-1/ta-p/825305
 * - `AddPropertyDefinition` on a Thing takes name, type (the base type), description, category, dataShape,
 *   defaultValue, readOnly, persistent (the value survives a restart), logged (stored in the Thing's value stream),
 *   dataChangeType (Always, Never, On, Off or Value: what counts as a change for logging and alerts) and
 *   dataChangeThreshold. It answers 200 with an empty body; the Thing is restarted (`RestartThing`) afterwards.
 *   https://support.ptc.com/help/thingworx/platform/r9/en/ThingWorx/Help/Composer/Things/ThingProperties/ProgrammaticallyAddingPropertiestoThings.html
 *   https://community.ptc.com/t5/IoT-Tips/Use-REST-API-to-Access-ThingWorx-Part-2/ta-p/825684
 *   The Edge SDKs spell the data change types ALWAYS, VALUE, … (the enum names), which is what we send.
 *   https://support.ptc.com/help/thingworx/edge_sdk_dotnet/en/dotnet_sdk/c_dotnet_sdk_reference_propertydefinition_class.html
 * - A value stream is an entity created from the `ValueStream` template; a Thing names its value stream, and its
 *   properties marked logged are written there on each change (by their data change type).
 *   https://support.ptc.com/help/thingworx/platform/r9/en/ThingWorx/Help/Composer/DataStorage/ValueStreams/CreatingaValueStream.html
 * - `AddOrUpdateAlert` defines an alert on a property; its `attributes` parameter is an InfoTable whose fields depend on
 *   the alert type and the property's base type: for a BOOLEAN property, EqualTo/NotEqualTo take `value: BOOLEAN`.
 *   `GetAlertDefinition` answers rows whose `alertAttributes` InfoTable holds those values.
 *   https://support.ptc.com/help/thingworx_hc/thingworx_8_hc/en/ThingWorx/Help/Composer/Alerts/AddOrUpdateAlertServiceAttributes.html
 *   https://support.ptc.com/help/thingworx_hc/thingworx_8_hc/en/ThingWorx/Help/Composer/Alerts/RetrievingThresholdInformationfromAlerts.html
 * - A property definition knows whether it is logged (PropertyDefinition.isLogged), which the planner compares.
 *   https://support.ptc.com/help/thingworx_hc/javadoc/com/thingworx/metadata/PropertyDefinition.html
 * - Alert types and their semantics: PROTOCOLS.md §4; BOOLEAN properties support EqualTo/NotEqualTo.
 *   https://support.ptc.com/help/thingworx/platform/r9/en/ThingWorx/Help/Composer/Alerts/Alerts.html
 *
 * Not found spelled out in PTC's pages, so assumed (and kept in one place here): the remaining parameter names of
 * AddOrUpdateAlert (alertName, alertType, property, description, priority, enabled, persistent) and of SetValueStream
 * (name) follow the platform's Thing service signatures; GetPropertyDefinitions and GetAlertDefinitions (property)
 * answer InfoTables with a row per definition (name, baseType, isLogged; name, alertType, priority, enabled,
 * alertAttributes); the Thing's entity JSON (`GET /Thingworx/Things/<T>`) carries thingTemplate, isEnabled and
 * valueStream. Where an answer leaves a field out, the planner leaves that aspect alone. No entities XML file is
 * written: PTC documents importing and exporting entities as XML in Composer, not the schema of such a file.
 * https://support.ptc.com/help/thingworx/platform/r9/en/ThingWorx/Help/Getting_Started/ImportingandExportinginThingWorx/ImportingandExportingDataEntitiesandExtensions.html
 */
import type { DesiredAlert, DesiredProperty } from './desired-model.js';

export type ProvisionService =
  | 'CreateThing'
  | 'AddPropertyDefinition'
  | 'RemovePropertyDefinition'
  | 'SetValueStream'
  | 'AddOrUpdateAlert'
  | 'EnableThing'
  | 'RestartThing';

/** One write call. `action` and `entity` make the progress line: `creating Thing Printer-p01 … ok`. */
export interface ProvisionCall {
  service: ProvisionService;
  method: 'POST';
  /** From `/Thingworx` on; the client adds the server origin and any reverse-proxy prefix. */
  path: string;
  body: Record<string, unknown>;
  action: string;
  entity: string;
}

/** One read the client makes to learn what exists. */
export interface ProvisionRead {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
}

const ENTITY_SERVICES = '/Thingworx/Resources/EntityServices/Services';

export function thingPath(thing: string): string {
  return `/Thingworx/Things/${encodeURIComponent(thing)}`;
}

function thingService(
  thing: string,
  service: ProvisionService,
  body: Record<string, unknown>,
  action: string,
  entity: string,
): ProvisionCall {
  return { service, method: 'POST', path: `${thingPath(thing)}/Services/${service}`, body, action, entity };
}

export function createThing(name: string, thingTemplateName: string, description: string): ProvisionCall {
  return {
    service: 'CreateThing',
    method: 'POST',
    path: `${ENTITY_SERVICES}/CreateThing`,
    body: { name, thingTemplateName, description },
    action: thingTemplateName === 'ValueStream' ? 'creating value stream' : 'creating Thing',
    entity: name,
  };
}

export function addPropertyDefinition(thing: string, property: DesiredProperty): ProvisionCall {
  return thingService(
    thing,
    'AddPropertyDefinition',
    {
      name: property.name,
      type: property.baseType,
      description: property.description,
      readOnly: false,
      persistent: property.persistent,
      logged: property.logged,
      dataChangeType: property.dataChangeType,
      dataChangeThreshold: 0,
    },
    `adding ${property.baseType} property`,
    `${thing}.${property.name}`,
  );
}

export function removePropertyDefinition(thing: string, name: string): ProvisionCall {
  return thingService(thing, 'RemovePropertyDefinition', { name }, 'removing mistyped property', `${thing}.${name}`);
}

export function setValueStream(thing: string, valueStream: string): ProvisionCall {
  return thingService(thing, 'SetValueStream', { name: valueStream }, `setting value stream ${valueStream} on`, thing);
}

/** The attributes InfoTable of an EqualTo alert on a BOOLEAN property. */
export function equalToBooleanAttributes(value: boolean): Record<string, unknown> {
  return { dataShape: { fieldDefinitions: { value: { name: 'value', baseType: 'BOOLEAN' } } }, rows: [{ value }] };
}

export function addOrUpdateAlert(thing: string, alert: DesiredAlert): ProvisionCall {
  return thingService(
    thing,
    'AddOrUpdateAlert',
    {
      alertName: alert.name,
      alertType: alert.alertType,
      property: alert.property,
      description: alert.description,
      priority: alert.priority,
      enabled: alert.enabled,
      persistent: true,
      attributes: equalToBooleanAttributes(alert.value),
    },
    `defining alert (priority ${alert.priority})`,
    `${thing}.${alert.name}`,
  );
}

export function enableThing(thing: string): ProvisionCall {
  return thingService(thing, 'EnableThing', {}, 'enabling Thing', thing);
}

export function restartThing(thing: string): ProvisionCall {
  return thingService(thing, 'RestartThing', {}, 'restarting Thing', thing);
}

/** The reads that tell what a Thing holds: the entity, its property definitions, the alerts of one property. */
export const READS = {
  thing: (thing: string): ProvisionRead => ({ method: 'GET', path: thingPath(thing) }),
  propertyDefinitions: (thing: string): ProvisionRead => ({
    method: 'POST',
    path: `${thingPath(thing)}/Services/GetPropertyDefinitions`,
    body: {},
  }),
  alertDefinitions: (thing: string, property: string): ProvisionRead => ({
    method: 'POST',
    path: `${thingPath(thing)}/Services/GetAlertDefinitions`,
    body: { property },
  }),
} as const;
