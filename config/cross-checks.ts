/**
 * Checks that relate one part of the config to another (printers to the catalog, printers to each
 * other, one listener to the other). They run on the defaults-filled value even when the schema found errors, so one run reports
 * everything; every read is therefore defensive.
 */
import { adminSocketPathFor } from '../protocols/control/socket-file.js';
import { alertPropertyNames } from '../domain/health/companions.js';
import type { ValueType } from '../domain/readings.js';
import { bindsEveryInterface, bindsOverlap } from './bind-address.js';
import { CONFIG_LIMITS } from './defaults.js';
import { type ConfigIssue, childPath } from './issues.js';
import { VALUE_TYPES } from './schema/catalog.js';
import { IDENTITY_FIELDS } from './schema/printers.js';
import type { AdapterConfig } from './types.js';
import { arrayAt, isPlainRecord, numberAt, recordAt, stringAt } from './untrusted.js';

const NUMERIC_LIMIT_TYPES = new Set(['Above', 'Below', 'InRange', 'OutOfRange', 'DeviationAbove', 'DeviationBelow']);
const EQUALITY_LIMIT_TYPES = new Set(['EqualTo', 'NotEqualTo']);

/** An invalid type is the rule parser's to report; only a valid one is compared with the catalog. */
function isValueType(value: string | undefined): value is ValueType {
  return value !== undefined && (VALUE_TYPES as readonly string[]).includes(value);
}

export function crossCheck(config: unknown): ConfigIssue[] {
  return [...checkLogRuleItems(config), ...checkPrinters(config), ...checkListenerPorts(config), ...checkAdminSocket(config)];
}

/** The admin socket (restart) is derived from control.socket, and its longer name must fit too. */
function checkAdminSocket(config: unknown): ConfigIssue[] {
  const socket = stringAt(recordAt(config, 'control'), 'socket');
  // A socket path that is itself too long is the schema's to report.
  if (socket === undefined || Buffer.byteLength(socket) > CONFIG_LIMITS.maxSocketPathBytes) return [];
  const admin = adminSocketPathFor(socket);
  if (Buffer.byteLength(admin) <= CONFIG_LIMITS.maxSocketPathBytes) return [];
  return [
    {
      path: 'control.socket',
      message: `the admin socket beside it, ${admin}, would be over ${CONFIG_LIMITS.maxSocketPathBytes} bytes (a Unix socket path limit); shorten the path`,
    },
  ];
}

/**
 * Beats and push on one port with hosts that overlap (`0.0.0.0` and `127.0.0.1`, `::` and
 * anything): the second listener would fail with EADDRINUSE at start. The same host spelled the
 * same way is the listeners schema's to report.
 */
function checkListenerPorts(config: unknown): ConfigIssue[] {
  const listeners = recordAt(config, 'listeners');
  const beats = recordAt(listeners, 'beats');
  const push = recordAt(listeners, 'push');
  if (beats?.enabled !== true || push?.enabled !== true) return [];
  const port = numberAt(push, 'port');
  const beatsHost = stringAt(beats, 'host');
  const pushHost = stringAt(push, 'host');
  if (port === undefined || port === 0 || port !== numberAt(beats, 'port')) return [];
  if (beatsHost === undefined || pushHost === undefined || beatsHost === pushHost) return [];
  if (!bindsOverlap(beatsHost, pushHost)) return [];
  return [
    {
      path: 'listeners.push.port',
      message: `is also listeners.beats.port, and hosts ${pushHost} and ${beatsHost} overlap: the second listener could not start`,
    },
  ];
}

/**
 * Allowed but against the security stance: a listener on every interface also faces networks that
 * are not the printers'. check-config prints these, and the daemon logs them at start.
 */
export function bindWarnings(config: AdapterConfig): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  for (const name of ['beats', 'push'] as const) {
    const listener = config.listeners[name];
    if (!listener.enabled || !bindsEveryInterface(listener.host)) continue;
    warnings.push({
      path: `listeners.${name}.host`,
      message: `${listener.host} listens on every interface; bind the address that faces the printers' network instead`,
    });
  }
  return warnings;
}

/** Every item a log rule produces is an item of its family, with the same type. */
function checkLogRuleItems(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const families = recordAt(recordAt(config, 'catalog'), 'families') ?? {};
  for (const [family, spec] of Object.entries(families)) {
    const items = recordAt(spec, 'items');
    if (items === undefined) continue;
    const familyPath = childPath('catalog.families', family);
    arrayAt(spec, 'logRules').forEach((rule, index) => {
      const rulePath = childPath(childPath(familyPath, 'logRules'), index);
      for (const [item, itemSpec] of Object.entries(recordAt(rule, 'items') ?? {})) {
        const itemPath = childPath(childPath(rulePath, 'items'), item);
        const catalogType = stringAt(items[item], 'type');
        const ruleType = stringAt(itemSpec, 'type');
        if (!(item in items)) {
          issues.push({ path: itemPath, message: `"${item}" is not an item of family ${family}; add it to its items` });
        } else if (catalogType !== undefined && isValueType(ruleType) && catalogType !== ruleType) {
          issues.push({
            path: childPath(itemPath, 'type'),
            message: `is ${ruleType} but family ${family} declares ${item} as ${catalogType}`,
          });
        }
      }
    });
  }
  return issues;
}

/** Remembers the first path each value was seen at, and reports later ones naming both. */
class UniqueValues {
  private readonly firstSeen = new Map<string, string>();

  constructor(private readonly what: string) {}

  claim(value: string | undefined, path: string, issues: ConfigIssue[]): void {
    if (value === undefined) return;
    const earlier = this.firstSeen.get(value);
    if (earlier === undefined) this.firstSeen.set(value, path);
    else issues.push({ path, message: `"${value}" is also the ${this.what} of ${earlier}` });
  }
}

function checkPrinters(config: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const families = recordAt(recordAt(config, 'catalog'), 'families');
  const pushEnabled = recordAt(recordAt(config, 'listeners'), 'push')?.enabled === true;
  const pollStaleAfterMs = numberAt(recordAt(recordAt(config, 'health'), 'staleAfterMs'), 'poll');
  const ids = new UniqueValues('id');
  const things = new UniqueValues('Thing');
  things.claim(stringAt(recordAt(config, 'adapter'), 'thing'), 'adapter.thing', issues);
  const identities = IDENTITY_FIELDS.map((field) => ({ field, unique: new UniqueValues(`identity.${field}`) }));

  arrayAt(config, 'printers').forEach((printer, index) => {
    if (!isPlainRecord(printer)) return;
    const path = childPath('printers', index);
    ids.claim(stringAt(printer, 'id'), childPath(path, 'id'), issues);
    things.claim(stringAt(printer, 'thing'), childPath(path, 'thing'), issues);
    const identity = recordAt(printer, 'identity');
    for (const { field, unique } of identities) {
      unique.claim(stringAt(identity, field), childPath(childPath(path, 'identity'), field), issues);
    }

    const family = stringAt(printer, 'family');
    if (family === undefined || families === undefined) return;
    const familySpec = recordAt(families, family);
    if (familySpec === undefined) {
      const known = Object.keys(families).sort().join(', ');
      issues.push({ path: childPath(path, 'family'), message: `unknown family "${family}"; known: ${known}` });
      return;
    }
    const sources = arrayAt(familySpec, 'sources');
    if (sources.includes('push') && pushEnabled && printer.pushToken === undefined && stringAt(identity, 'tlsSubject') === undefined) {
      issues.push({
        path: childPath(path, 'pushToken'),
        message: `is required: family ${family} pushes its data (or set identity.tlsSubject for a client certificate)`,
      });
    }
    const pollIntervalMs = numberAt(printer, 'pollIntervalMs');
    if (sources.includes('poll') && pollIntervalMs !== undefined && pollStaleAfterMs !== undefined && pollIntervalMs >= pollStaleAfterMs) {
      issues.push({
        path: childPath(path, 'pollIntervalMs'),
        message: `must be below health.staleAfterMs.poll (${pollStaleAfterMs}), or the printer looks stale between polls`,
      });
    }
    issues.push(...checkLimits(printer, path, family, recordAt(familySpec, 'items') ?? {}));
  });
  return issues;
}

/** Limits name items of the printer's family, compare values of the item's type, and are not repeated. */
function checkLimits(printer: Record<string, unknown>, printerPath: string, family: string, items: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const alerts = new UniqueValues('alert');
  arrayAt(printer, 'limits').forEach((limit, index) => {
    const path = childPath(childPath(printerPath, 'limits'), index);
    const item = stringAt(limit, 'item');
    const type = stringAt(limit, 'type');
    if (item === undefined) return;
    if (!(item in items)) {
      issues.push({ path: childPath(path, 'item'), message: `"${item}" is not an item of family ${family}` });
      return;
    }
    const alert = stringAt(limit, 'alert');
    // ThingWorx alert names are unique per property.
    alerts.claim(alert === undefined ? undefined : `${item}.${alert}`, childPath(path, 'alert'), issues);
    // The alert and its companions are properties of the same Thing as the items: a clash would mix two series.
    const clash = alert === undefined ? undefined : Object.values(alertPropertyNames(alert)).find((name) => name in items);
    if (clash !== undefined) {
      issues.push({
        path: childPath(path, 'alert'),
        message: `writes the property ${clash}, which is an item of family ${family}; choose another alert name`,
      });
    }
    const itemType = stringAt(items[item], 'type');
    if (type === undefined || itemType === undefined) return;
    if (NUMERIC_LIMIT_TYPES.has(type) && itemType !== 'NUMBER' && itemType !== 'INTEGER') {
      issues.push({ path: childPath(path, 'type'), message: `${type} needs a NUMBER or INTEGER item; ${item} is ${itemType}` });
    }
    if (EQUALITY_LIMIT_TYPES.has(type) && isPlainRecord(limit) && !valueFitsType(limit.value, itemType)) {
      issues.push({ path: childPath(path, 'value'), message: `must be a value of ${item}'s type ${itemType}` });
    }
  });
  return issues;
}

function valueFitsType(value: unknown, itemType: string): boolean {
  switch (itemType) {
    case 'NUMBER':
    case 'DATETIME':
      return typeof value === 'number';
    case 'INTEGER':
      return Number.isInteger(value);
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'STRING':
      return typeof value === 'string';
    default:
      return true;
  }
}
