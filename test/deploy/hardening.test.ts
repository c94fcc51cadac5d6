/** The deploy files keep their hardening: a change that loosens one fails here, on purpose. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { parse } from 'yaml';

const deploy = (...path: string[]) => readFileSync(join('deploy', ...path), 'utf8');

/** The [Service] settings of a systemd unit, each key with every value it is given. */
function unitService(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? '';
      continue;
    }
    const eq = line.indexOf('=');
    if (section !== 'Service' || eq < 0) continue;
    const key = line.slice(0, eq).trim();
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return settings;
}

test('the systemd unit: non-root, read-only system, no privileges or capabilities, memory cap, restart on failure, compiled build', (t) => {
  const service = unitService(deploy('3dconnect.service'));
  const one = (key: string) => service.get(key)?.at(-1);
  t.is(one('User'), '3dconnect');
  t.is(one('NoNewPrivileges'), 'true');
  t.is(one('ProtectSystem'), 'strict');
  t.is(one('ProtectHome'), 'true');
  t.is(one('PrivateTmp'), 'true');
  t.is(one('PrivateDevices'), 'true');
  t.is(one('ProtectKernelTunables'), 'true');
  t.is(one('ProtectKernelModules'), 'true');
  t.is(one('ProtectControlGroups'), 'true');
  t.is(one('RestrictNamespaces'), 'true');
  t.is(one('CapabilityBoundingSet'), '', 'no capabilities');
  t.is(one('AmbientCapabilities'), '');
  t.deepEqual(one('RestrictAddressFamilies')?.split(/\s+/).sort(), ['AF_INET', 'AF_INET6', 'AF_UNIX']);
  t.is(one('UMask'), '0077');
  t.regex(one('MemoryMax') ?? '', /^\d+[KMG]$/);
  t.is(one('Restart'), 'on-failure');
  t.is(one('RuntimeDirectory'), '3dconnect');
  t.false(service.has('ReadWritePaths'), 'nothing is writable');
  t.regex(one('ExecStart') ?? '', /\/dist\/cli\/start\.js run\b/, 'the compiled build, no TypeScript loader');
  t.notRegex(one('ExecStart') ?? '', /tsx/);
});

interface ComposeService {
  read_only?: boolean;
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  privileged?: boolean;
  network_mode?: string;
  tmpfs?: string[];
  mem_limit?: string;
  restart?: string;
  secrets?: string[];
  volumes?: string[];
  ports?: string[];
  environment?: Record<string, string>;
}

test('compose.yaml: read-only, all capabilities dropped, no new privileges, secrets as files, config read-only, printer ports only', (t) => {
  const compose = parse(deploy('container', 'compose.yaml')) as {
    services: Record<string, ComposeService>;
    secrets: Record<string, { file?: string }>;
  };
  const service = compose.services.adapter;
  if (!service) return t.fail('no adapter service');
  t.true(service.read_only);
  t.deepEqual(service.cap_drop, ['ALL']);
  t.is(service.cap_add, undefined);
  t.not(service.privileged, true);
  t.not(service.network_mode, 'host');
  t.true(service.security_opt?.includes('no-new-privileges:true'));
  t.true(
    service.tmpfs?.some((mount) => mount.startsWith('/run/3dconnect:')),
    'the control socket in a tmpfs',
  );
  t.regex(service.mem_limit ?? '', /^\d+[kmg]$/);
  t.is(service.restart, 'on-failure');
  t.true(service.secrets?.includes('thingworx_app_key'));
  t.truthy(compose.secrets.thingworx_app_key?.file, 'the app key is a file secret');
  for (const secret of service.secrets ?? []) t.truthy(compose.secrets[secret]?.file, `${secret} is a file secret`);
  t.false(JSON.stringify(service.environment ?? {}).match(/KEY|TOKEN|SECRET/i) !== null, 'no secret in the environment');
  for (const volume of service.volumes ?? []) t.regex(volume, /:ro$/, `${volume} is read-only`);
  t.true(service.volumes?.some((volume) => volume.endsWith(':/etc/3dconnect/adapter.yaml:ro')));
  // Published: the Beats and push listeners of adapter.yaml, each on one address, nothing else.
  const config = parse(deploy('container', 'adapter.yaml')) as {
    listeners: { beats: { port: number }; push: { port: number } };
    control: { socket: string };
  };
  const published = (service.ports ?? []).map((port) => /^(?<ip>[\d.:[\]]+):(?<host>\d+):(?<container>\d+)$/.exec(port)?.groups);
  t.true(
    published.every((groups) => groups !== undefined),
    'every port is bound to one address',
  );
  t.deepEqual(
    published.map((groups) => Number(groups?.container)).sort(),
    [config.listeners.beats.port, config.listeners.push.port].sort(),
  );
  t.true(config.control.socket.startsWith('/run/3dconnect/'));
});

test('Containerfile: BASE argument, multi-stage, numeric non-root user, HEALTHCHECK via 3dconnect status, compiled entry point, no VOLUME', (t) => {
  const file = deploy('container', 'Containerfile');
  const lines = file.split('\n').filter((line) => !line.trim().startsWith('#'));
  const instructions = lines.join('\n').replace(/\\\n/g, ' ');
  t.regex(instructions, /^ARG BASE=node:24-bookworm-slim$/m);
  const stages = [...instructions.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/gm)].map((match) => ({ from: match[1], name: match[2] }));
  const base = ['$', '{BASE}'].join('');
  t.deepEqual(stages, [
    { from: base, name: 'build' },
    { from: base, name: 'runtime' },
  ]);
  const runtime = instructions.slice(instructions.lastIndexOf('FROM '));
  t.regex(runtime, /npm ci --omit=dev/);
  t.regex(runtime, /COPY --from=build \/src\/dist dist/);
  t.notRegex(runtime, /COPY (actors|domain|protocols|supervision|config|sim|test|bench) /, 'no sources in the runtime stage');
  const user = /^USER\s+(\S+)$/m.exec(runtime)?.[1] ?? '';
  t.regex(user, /^[1-9]\d*(:[1-9]\d*)?$/, 'a numeric, non-root user');
  t.regex(runtime, /^HEALTHCHECK .*CMD \["3dconnect", "status"/m);
  t.regex(runtime, /^ENTRYPOINT \["node", .*"\/opt\/3dconnect\/dist\/cli\/start\.js"\]$/m);
  t.notRegex(instructions, /^VOLUME/m, 'an anonymous volume would be a disk');
  t.notRegex(instructions, /tsx/);
});
