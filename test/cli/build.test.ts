import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import { until } from '../support/until.js';
import { runCli, startDaemonFixture } from './daemon-support.js';

// The production package as deploy/README.md and the Containerfile lay it out: dist/ (compiled), the
// bin cli/bin/3dconnect.js without the sources beside it, and package.json. It sits inside the project
// so that its imports resolve against node_modules as they do in /opt/3dconnect.
const packageDir = join(process.cwd(), '.tmp', `build-test-${randomBytes(6).toString('hex')}`);
const dist = join(packageDir, 'dist');
const start = join(dist, 'cli', 'start.js');
const bin = join(packageDir, 'cli', 'bin', '3dconnect.js');
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** Records every module a process resolves (one file URL a line, to $RECORD_MODULES_TO), through Node's module hooks. */
const hookRegister = join(packageDir, 'record-modules.mjs');

test.before(async () => {
  await new Promise<void>((done, reject) => {
    execFile(
      process.execPath,
      [join('node_modules', '.bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', dist],
      { timeout: 60_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`tsc failed:\n${stdout}${stderr}`)) : done()),
    );
  });
  mkdirSync(dirname(bin), { recursive: true });
  copyFileSync(join('cli', 'bin', '3dconnect.js'), bin);
  copyFileSync('package.json', join(packageDir, 'package.json'));
  const hooks = join(packageDir, 'record-modules-hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (resolved.url.startsWith('file:')) appendFileSync(process.env.RECORD_MODULES_TO, resolved.url + '\\n');
  return resolved;
}
`,
  );
  writeFileSync(hookRegister, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
});

test.after.always(() => rmSync(packageDir, { recursive: true, force: true }));

interface Recording {
  env: NodeJS.ProcessEnv;
  /** The modules the process resolved so far, paths relative to the project. */
  modules(): string[];
}

function recording(env: NodeJS.ProcessEnv): Recording {
  const log = join(packageDir, `modules-${randomBytes(4).toString('hex')}.log`);
  return {
    env: { ...env, RECORD_MODULES_TO: log, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(hookRegister).href}`.trim() },
    modules: () =>
      (existsSync(log) ? readFileSync(log, 'utf8') : '')
        .split('\n')
        .filter(Boolean)
        .map((url) => relative(process.cwd(), new URL(url).pathname)),
  };
}

const SIM_OR_BENCH = /(^|\/)(sim|bench)\//;
/** The recorded modules under the build's sim/ or bench/ (packages in node_modules aside). */
const simOrBench = (modules: string[]) =>
  modules.map((file) => relative(dist, resolve(file))).filter((file) => !file.startsWith('..') && SIM_OR_BENCH.test(file));
const typescriptLoader = (modules: string[]) =>
  modules.filter((file) => /node_modules\/(tsx|esbuild|typescript)\//.test(file) || file.endsWith('.ts'));

test('the build holds the production code only, with source maps', (t) => {
  t.true(existsSync(start));
  t.true(existsSync(`${start}.map`));
  t.true(existsSync(join(dist, 'sim', 'thingworx', 'stand-in.js')), '`3dconnect demo` needs the simulators');
  t.false(existsSync(join(dist, 'test')));
  t.false(existsSync(join(dist, 'bench')));
});

// ---- The import graph of the compiled code, read statically -------------------------------------

interface ModuleImports {
  static: string[];
  dynamic: string[];
}

/** import/export … from '…', import '…' (static), and import('…') with a literal (dynamic). */
function importsOf(file: string): ModuleImports {
  const source = readFileSync(file, 'utf8');
  const staticImports = [
    ...source.matchAll(/^\s*(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
  ].map((match) => match[1]!);
  const dynamicImports = [...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1]!);
  return { static: staticImports, dynamic: dynamicImports };
}

const builtins = new Set(builtinModules);
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtins.has(specifier);
const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Every module reachable from `entry` (absolute paths), and the packages they import. */
function walk(entry: string, follow: (importer: string, imports: ModuleImports) => string[]) {
  const modules = new Set<string>();
  const packages = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (modules.has(file)) continue;
    modules.add(file);
    for (const specifier of follow(file, importsOf(file))) {
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else if (!isBuiltin(specifier)) packages.set(packageName(specifier), relative(dist, file));
    }
  }
  return { modules: [...modules].map((file) => relative(dist, file)), packages };
}

test('statically, `run` and the views reach no sim/ or bench/ module; the demo is imported only when it runs', (t) => {
  const staticOnly = walk(start, (_importer, imports) => imports.static);
  t.true(staticOnly.modules.includes('cli/run.js') && staticOnly.modules.includes('cli/commands/index.js'), 'the walk follows the imports');
  t.true(staticOnly.modules.length > 50, `${staticOnly.modules.length} modules`);
  t.deepEqual(
    staticOnly.modules.filter((file) => SIM_OR_BENCH.test(file) || file === 'cli/demo.js'),
    [],
  );
  // Where the demo comes in: one dynamic import, from the command list.
  const importers = staticOnly.modules.filter((file) => importsOf(join(dist, file)).dynamic.includes('./demo.js'));
  t.deepEqual(importers, ['cli/commands.js']);
});

test('every entry of "dependencies" is imported by production code, and production code imports nothing else', (t) => {
  // Production code: everything reachable from the entry point, the demo's dynamic import aside.
  const production = walk(start, (importer, imports) =>
    relative(dist, importer) === 'cli/commands.js' ? imports.static : [...imports.static, ...imports.dynamic],
  );
  t.deepEqual(
    production.modules.filter((file) => SIM_OR_BENCH.test(file)),
    [],
  );
  const dependencies = Object.keys(manifest.dependencies).sort();
  t.deepEqual([...production.packages.keys()].sort(), dependencies, `imported: ${JSON.stringify(Object.fromEntries(production.packages))}`);
  t.false('tsx' in manifest.dependencies, 'the TypeScript loader is a development dependency');
  t.true('tsx' in manifest.devDependencies);

  // The demo too runs on a production install (the image holds it): what it imports is installed there.
  const everything = walk(start, (_importer, imports) => [...imports.static, ...imports.dynamic]);
  t.true(everything.modules.includes('sim/demo.js'));
  for (const [name, importer] of everything.packages)
    t.true(name in manifest.dependencies, `${importer} imports ${name}, not in "dependencies"`);
});

test('the lazy demo entry in the command list says what cli/demo.ts says', async (t) => {
  const { COMMANDS } = await import('../../cli/commands.js');
  const { demoCommand } = await import('../../cli/demo.js');
  const listed = COMMANDS.find((command) => command.name === 'demo');
  t.deepEqual(
    { name: listed?.name, summary: listed?.summary, args: listed?.args },
    { name: demoCommand.name, summary: demoCommand.summary, args: demoCommand.args },
  );
});

// ---- The compiled package, run --------------------------------------------------------------------

test('compiled: check-config accepts the example config', async (t) => {
  const result = await runCli(['check-config', join('config', 'examples', 'adapter.yaml')], process.env, start);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /\bok\b/);
});

test('compiled: the daemon and every view load no sim/ or bench/ module and no TypeScript loader; status has the package version; SIGTERM exits 0', async (t) => {
  // The daemon, recorded from its start (NODE_OPTIONS reaches the child the fixture spawns).
  // ava runs each test file in its own process: nothing else here spawns while the fixture starts.
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, RECORD_MODULES_TO: process.env.RECORD_MODULES_TO };
  const daemonRecording = recording(process.env);
  Object.assign(process.env, daemonRecording.env);
  const daemon = await startDaemonFixture(1, 1, start).finally(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  t.teardown(() => daemon.stop());
  // Let it receive and deliver before reading what it loaded: late imports would show up too.
  await until(() => daemon.standIn.records.length > 0, { what: 'readings at the stand-in', timeoutMs: 20_000, everyMs: 200 }).catch(
    () => {},
  ); // asserted below
  t.true(daemon.standIn.records.length > 0, 'readings reached the stand-in');
  const daemonModules = daemonRecording.modules();
  t.true(
    daemonModules.some((file) => file.endsWith('dist/cli/run.js')),
    'the hook recorded the daemon',
  );
  t.is(simOrBench([relative(process.cwd(), join(dist, 'sim', 'demo.js'))]).length, 1, 'the check sees a simulator module');
  t.deepEqual(simOrBench(daemonModules), []);
  t.deepEqual(typescriptLoader(daemonModules), []);

  // The views, through the production bin: no sources beside it, so it runs dist/.
  for (const view of ['status', 'printers', 'uplink', 'metrics', 'config']) {
    for (const json of [[], ['--json']]) {
      const viewRecording = recording({ ...daemon.env, NODE_OPTIONS: saved.NODE_OPTIONS, RECORD_MODULES_TO: undefined });
      const result = await runCli([view, ...json, '--socket', daemon.socket], viewRecording.env, bin);
      t.is(result.code, 0, `${view}: ${result.stderr}`);
      const modules = viewRecording.modules();
      t.true(
        modules.some((file) => file.endsWith('dist/cli/start.js')),
        `${view} ran the build`,
      );
      t.deepEqual(simOrBench(modules), [], view);
      t.deepEqual(typescriptLoader(modules), [], view);
    }
  }

  const status = await runCli(['status', '--json', '--socket', daemon.socket], daemon.env, bin);
  t.is(status.code, 0, status.stderr);
  const { adapter, actors } = JSON.parse(status.stdout) as { adapter: { version: string; pid: number }; actors: { status: string }[] };
  t.is(adapter.version, manifest.version);
  t.is(adapter.pid, daemon.child.pid!);
  t.true(actors.length > 0 && actors.every((actor) => actor.status === 'running'));

  daemon.child.kill('SIGTERM');
  t.is(await daemon.exited, 0, daemon.output());
});

test('the bin from a clone runs the sources through tsx (development)', async (t) => {
  const helpRecording = recording(process.env);
  const result = await runCli(['help'], helpRecording.env);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /usage: 3dconnect COMMAND/);
  const modules = helpRecording.modules();
  t.true(modules.includes(join('cli', 'start.ts')), 'cli/start.ts from the sources');
  t.deepEqual(
    modules.filter((file) => file.startsWith('dist/') || (file.startsWith('.tmp/') && !file.includes('record-modules'))),
    [],
    'no build',
  );
});

test('the bin with neither the sources and tsx nor a build says how to build, exit 70', async (t) => {
  const bare = join(packageDir, 'bare');
  mkdirSync(join(bare, 'cli', 'bin'), { recursive: true });
  copyFileSync(bin, join(bare, 'cli', 'bin', '3dconnect.js'));
  const result = await runCli(['help'], process.env, join(bare, 'cli', 'bin', '3dconnect.js'));
  t.is(result.code, 70);
  t.regex(result.stderr, /npm run build/);
  t.deepEqual(readdirSync(bare).sort(), ['cli']);
});
