/**
 * `3dconnect provision --config FILE`: creates or updates, in ThingWorx, the entities the adapter writes to (see
 * protocols/thingworx/provisioning/). Thin: options, the config, the administrator's key; planning and the wire
 * calls live in the protocol folder.
 */
import { parseArgs } from 'node:util';
import { readThingworxTls } from '../../actors/uplink/behaviour.js';
import { silentLogger } from '../../config/logging.js';
import { loadConfigFile } from '../../config/load.js';
import type { AdapterConfig } from '../../config/types.js';
import { resolveSecret } from '../../config/secrets.js';
import { createProvisioningClient, ProvisionError } from '../../protocols/thingworx/provisioning/client.js';
import { desiredModel } from '../../protocols/thingworx/provisioning/desired-model.js';
import { NOTHING_OBSERVED, type Plan, planProvisioning } from '../../protocols/thingworx/provisioning/planner.js';
import { type ProvisionCall, READS } from '../../protocols/thingworx/provisioning/services.js';
import { COMMAND_EXIT } from './exit-codes.js';
import type { CommandIo } from './io.js';

export const SUMMARY = 'create or update the ThingWorx Things, properties, value stream and alerts the adapter needs';
export const ARGS = '--config FILE';
const USAGE =
  'usage: 3dconnect provision --config FILE (--app-key-file PATH | --dry-run) [--json] [--replace-mismatched] [--value-stream NAME]';

export const HELP = `${[
  USAGE,
  '',
  'Creates in ThingWorx, through its REST services, what the adapter configured in FILE writes to: a Thing',
  '(GenericThing) per printer with a property per catalog item of its family, PrinterState, and per',
  'operating limit its alert (BOOLEAN, with <Alert>_Severity and <Alert>_Value) and an EqualTo alert',
  "definition whose priority follows the severity (critical 1, warning 2, info 3); the adapter's own Thing",
  'with its health properties; and one value stream that every property is logged to. Things are then',
  'enabled and restarted. It reads first and sends only what is missing or different: a second run makes',
  'no write call and says so. It connects with the ThingWorx url and TLS settings of FILE.',
  '',
  'Options:',
  '  --config FILE           the adapter configuration (.yaml, .yml or .json)',
  '  --app-key-file PATH     a file holding an administrator app key (one that may create entities); the',
  "                          adapter's own run-time key is never used. Sent only in the appKey header.",
  '  --dry-run               contact nothing and need no key: print every call for an empty ThingWorx',
  '  --json                  print the result (or, with --dry-run, the calls) as JSON, for scripts',
  '  --replace-mismatched    remove and add again a property whose base type or logging differs (its',
  '                          current value is lost; its logged history stays); otherwise it is reported',
  '  --value-stream NAME     the value stream to create and log to (default 3DConnect-<adapter.id>-History)',
  '  --export FILE           not available: PTC documents entity import/export in Composer, but not the XML',
  '                          schema of a Thing entity, so a hand-written entities file would be a guess.',
  '                          Provision over REST, then export from Composer if you need a file.',
  '  -h, --help              this help',
  '',
  'Exit codes: 0 ok, 64 usage error, 69 ThingWorx unreachable or the key refused, 70 unexpected answer,',
  '78 configuration error, or ThingWorx holds a property that differs and was not replaced.',
].join('\n')}\n`;

const FLAGS = {
  config: { type: 'string' },
  'app-key-file': { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  'replace-mismatched': { type: 'boolean' },
  'value-stream': { type: 'string' },
  export: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface ProvisionOptions {
  configFile: string;
  appKeyFile: string | undefined;
  dryRun: boolean;
  json: boolean;
  replaceMismatched: boolean;
  valueStream: string | undefined;
}

type Parsed = { ok: true; options: ProvisionOptions } | { ok: false; message: string } | { ok: false; help: true };

function parse(argv: readonly string[]): Parsed {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    return { ok: false, message: error instanceof Error ? (error.message.split('\n')[0] ?? 'bad arguments') : 'bad arguments' };
  }
  if (values.help) return { ok: false, help: true };
  if (values.export !== undefined) {
    return {
      ok: false,
      message: '--export is not available: PTC does not document the entities XML schema (see --help); use the REST path',
    };
  }
  if (!values.config) return { ok: false, message: '--config FILE is required' };
  if (values['dry-run'] && values['app-key-file'] !== undefined)
    return { ok: false, message: '--dry-run needs no key: leave out --app-key-file' };
  if (!values['dry-run'] && !values['app-key-file']) return { ok: false, message: '--app-key-file PATH is required (or --dry-run)' };
  if (values['value-stream'] === '') return { ok: false, message: '--value-stream needs a name' };
  return {
    ok: true,
    options: {
      configFile: values.config,
      appKeyFile: values['app-key-file'],
      dryRun: values['dry-run'] ?? false,
      json: values.json ?? false,
      replaceMismatched: values['replace-mismatched'] ?? false,
      valueStream: values['value-stream'],
    },
  };
}

const APP_KEY_HEADER = 'appKey: [REDACTED]';

function callLine(call: { method: string; path: string; body?: Record<string, unknown> }): string {
  return `${call.method} ${call.path}${call.body === undefined ? '' : ` ${JSON.stringify(call.body)}`}`;
}

function printDryRun(io: CommandIo, plan: Plan, options: ProvisionOptions, thingNames: readonly string[]): number {
  const writes = plan.calls.map(({ service, method, path, body, action, entity }) => ({ service, method, path, body, action, entity }));
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ dryRun: true, headers: { appKey: '[REDACTED]' }, calls: writes }, null, 2)}\n`);
    return COMMAND_EXIT.ok;
  }
  io.stdout.write(`dry run: nothing is contacted. Each call carries ${APP_KEY_HEADER}, Content-Type and Accept application/json.\n`);
  io.stdout.write(
    `A live run first reads each entity (${callLine(READS.thing(thingNames[0] ?? '<Thing>'))}, GetPropertyDefinitions, GetAlertDefinitions) and sends only what differs; against an empty ThingWorx it sends:\n`,
  );
  for (const call of plan.calls) io.stdout.write(`${callLine(call)}\n`);
  io.stdout.write(`${plan.calls.length} write calls\n`);
  return COMMAND_EXIT.ok;
}

function conflictLines(plan: Plan): string[] {
  return plan.conflicts.map(
    (conflict) => `conflict: ${conflict.entity} ${conflict.reason} (not changed; --replace-mismatched replaces it)`,
  );
}

/** Whether the adapter's own key (when it can be read here) is the administrator's: only compared, never used. */
async function sameAsRuntimeKey(config: AdapterConfig, adminKey: string, env: NodeJS.ProcessEnv | undefined): Promise<boolean> {
  try {
    return (await resolveSecret(config.thingworx.appKey, { env: env ?? process.env })) === adminKey;
  } catch {
    return false;
  }
}

function exitFor(error: ProvisionError): number {
  return error.code === 'TWX_PROVISION_UNEXPECTED' ? COMMAND_EXIT.software : COMMAND_EXIT.unavailable;
}

export async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parse(argv);
  if (!parsed.ok) {
    if ('help' in parsed) {
      io.stdout.write(HELP);
      return COMMAND_EXIT.ok;
    }
    io.stderr.write(`3dconnect provision: ${parsed.message}\n${USAGE}\n`);
    return COMMAND_EXIT.usage;
  }
  const { options } = parsed;
  const loaded = await loadConfigFile(options.configFile);
  if (!loaded.ok) {
    for (const error of loaded.errors) io.stderr.write(`${error}\n`);
    return COMMAND_EXIT.config;
  }
  const config = loaded.config;
  const desired = desiredModel(config, options.valueStream === undefined ? {} : { valueStream: options.valueStream });
  if (options.dryRun) {
    return printDryRun(
      io,
      planProvisioning(desired, NOTHING_OBSERVED),
      options,
      desired.things.map((thing) => thing.name),
    );
  }

  let appKey: string;
  try {
    appKey = await resolveSecret({ file: options.appKeyFile ?? '' });
  } catch (error) {
    io.stderr.write(`3dconnect provision: the app key ${error instanceof Error ? error.message : 'cannot be read'}\n`);
    return COMMAND_EXIT.config;
  }
  const { thingworx } = config;
  if (thingworx.tls.allowSelfSigned) io.stderr.write('warning: ThingWorx certificate verification is OFF (tls.allowSelfSigned)\n');
  if (thingworx.url.startsWith('http:'))
    io.stderr.write('warning: ThingWorx is reached over plain HTTP: the administrator key travels in clear\n');
  if (await sameAsRuntimeKey(config, appKey, io.env)) {
    io.stderr.write(
      "warning: the administrator key is also the adapter's run-time key; give the adapter a key that may only write values\n",
    );
  }
  let client: ReturnType<typeof createProvisioningClient>;
  try {
    client = createProvisioningClient({
      baseUrl: thingworx.url,
      appKey,
      tls: await readThingworxTls(config),
      allowInsecureHttp: thingworx.tls.allowInsecureHttp,
      requestTimeoutMs: thingworx.requestTimeoutMs,
      logger: silentLogger(),
    });
  } catch (error) {
    io.stderr.write(`3dconnect provision: ${error instanceof Error ? error.message : String(error)}\n`);
    return COMMAND_EXIT.config;
  }

  const done: { service: string; entity: string; path: string }[] = [];
  const progress = (text: string): void => {
    if (!options.json) io.stdout.write(text);
  };
  try {
    progress(`reading ThingWorx at ${thingworx.url} … `);
    const plan = planProvisioning(desired, await client.observe(desired), { replaceMismatched: options.replaceMismatched });
    progress(`ok: ${plan.unchanged} already right, ${plan.calls.length} to send\n`);
    let failed: { call: ProvisionCall; error: ProvisionError } | undefined;
    for (const call of plan.calls) {
      progress(`${call.action} ${call.entity} … `);
      try {
        await client.execute(call);
      } catch (error) {
        if (!(error instanceof ProvisionError)) throw error;
        progress(`failed: ${error.message}\n`);
        failed = { call, error };
        break;
      }
      done.push({ service: call.service, entity: call.entity, path: call.path });
      progress('ok\n');
    }
    const conflicts = conflictLines(plan);
    if (options.json) {
      io.stdout.write(
        `${JSON.stringify(
          {
            ok: failed === undefined && plan.conflicts.length === 0,
            writeCalls: done.length,
            planned: plan.calls.length,
            unchanged: plan.unchanged,
            calls: done,
            conflicts: plan.conflicts,
            notes: plan.notes,
            ...(failed
              ? {
                  failed: {
                    service: failed.call.service,
                    entity: failed.call.entity,
                    code: failed.error.code,
                    detail: failed.error.message,
                  },
                }
              : {}),
          },
          null,
          2,
        )}\n`,
      );
    } else {
      for (const note of plan.notes) io.stdout.write(`note: ${note.entity} ${note.reason} (left as it is)\n`);
      for (const line of conflicts) io.stdout.write(`${line}\n`);
      if (failed) io.stdout.write(`stopped: ${done.length} of ${plan.calls.length} calls made; run again once fixed (it resumes)\n`);
      else if (plan.calls.length === 0) io.stdout.write(`nothing to change: ${plan.unchanged} entities already right, 0 write calls\n`);
      else io.stdout.write(`provisioned: ${done.length} write calls, ${plan.unchanged} entities were already right\n`);
    }
    if (failed) return exitFor(failed.error);
    return plan.conflicts.length > 0 ? COMMAND_EXIT.config : COMMAND_EXIT.ok;
  } catch (error) {
    if (!(error instanceof ProvisionError)) throw error;
    progress('failed\n');
    io.stderr.write(`3dconnect provision: ${error.message}\n`);
    return exitFor(error);
  } finally {
    client.close();
  }
}
