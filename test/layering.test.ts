/**
 * The layering of ARCHITECTURE.md §6 as a test (issue 18): it reads the imports of every source file and fails when
 * an arrow runs upward. Static `import … from`, `export … from`, side-effect `import '…'` and dynamic `import('…')`
 * all count; type-only imports too, as they tie the layers together just the same.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import test from 'ava';

const ROOT = process.cwd();
const SOURCE_DIRS = ['actors', 'domain', 'protocols', 'supervision', 'config', 'cli', 'sim', 'bench'];
/** What ships in the service. */
const PRODUCTION = ['actors/', 'domain/', 'protocols/', 'supervision/', 'config/', 'cli/'];
/** The one part of domain/ that reads wire output (Beats documents, a batch's peer): it sits above protocols/. */
const DOMAIN_ABOVE_PROTOCOLS = ['domain/catalog/'];

interface Rule {
  from: readonly string[];
  to: readonly string[];
  why: string;
  /** Files of `from` that may import `to` anyway. */
  except?: readonly string[];
  /** Files of `to` that `from` may import anyway. */
  exceptTargets?: readonly string[];
}

const RULES: readonly Rule[] = [
  {
    from: ['protocols/'],
    to: ['actors/', 'cli/', 'sim/'],
    why: 'wire code knows nothing of the actors, the command line or the simulators',
  },
  {
    from: ['domain/'],
    to: ['actors/', 'config/', 'cli/', 'sim/', 'bench/'],
    why: "the adapter's own rules know nothing of the actors, the configuration that feeds them, the command line or the simulators",
    // Every default value lives in config/defaults.ts, which imports nothing (checked below), so reading it ties
    // domain/ to no layer.
    exceptTargets: ['config/defaults.ts'],
  },
  {
    from: ['domain/'],
    to: ['protocols/'],
    why: 'domain/ sits below the wire code, which may use its Reading and rules',
    except: ['domain/catalog/normalizer.ts'],
  },
  { from: ['protocols/'], to: DOMAIN_ABOVE_PROTOCOLS, why: 'the normalizer reads wire output, so wire code must not import it' },
  { from: ['config/'], to: ['actors/'], why: 'configuration sits below the actors that read it' },
  {
    from: PRODUCTION,
    to: ['sim/', 'bench/', 'test/'],
    why: 'the service ships without simulators, benchmarks and tests',
    // The demo command is the simulators' front end; it is loaded only on demand (the rule below).
    except: ['cli/demo.ts'],
  },
  { from: ['sim/'], to: ['cli/'], why: 'the simulators drive the adapter, not its command line' },
];

/** The demo command, and with it sim/, is loaded only by a dynamic import when `3dconnect demo` runs. */
const LAZY_ONLY = ['cli/demo.ts'];

/**
 * Arrows that are known and wait for work elsewhere; none today. Each must still occur (a fixed one fails the test
 * until it is removed from here).
 */
const KNOWN: readonly string[] = [];

interface ImportEdge {
  from: string;
  to: string;
  dynamic: boolean;
}

/**
 * Comments removed, so an import quoted in one does not count. A comment here starts after whitespace or at a line's
 * start, which keeps `http://…` and globs (a slash after a star) inside strings intact.
 */
function withoutComments(source: string): string {
  return source.replace(/(^|\s)\/\*[\s\S]*?\*\//g, '$1').replace(/(^|\s)\/\/.*$/gm, '$1');
}

/** Import and export statements start a line (ESM has them at top level only); the specifier follows `from`… */
const STATIC_FROM = /^(?:import|export)\s[^;'"`]*?\bfrom\s*['"]([^'"\n]+)['"]/gm;
/** …or directly follows `import` (a side-effect import). */
const SIDE_EFFECT = /^import\s*['"]([^'"\n]+)['"]/gm;
const DYNAMIC = /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g;

/** The relative imports of one file, resolved to paths from the repository root (a .js specifier names its .ts). */
function importsOf(file: string, source: string, exists: (path: string) => boolean): ImportEdge[] {
  const code = withoutComments(source);
  const edges: ImportEdge[] = [];
  for (const [pattern, dynamic] of [
    [STATIC_FROM, false],
    [SIDE_EFFECT, false],
    [DYNAMIC, true],
  ] as const) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[1] ?? '';
      if (!specifier.startsWith('.')) continue;
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      const ts = target.replace(/\.js$/, '.ts');
      edges.push({ from: file, to: exists(ts) ? ts : target, dynamic });
    }
  }
  return edges;
}

const under = (path: string, prefixes: readonly string[]) => prefixes.some((prefix) => path.startsWith(prefix));

/** Every arrow the rules forbid, as "from -> to" (with " (static)" for a lazy-only module imported statically). */
function violations(edges: readonly ImportEdge[]): string[] {
  const found = new Set<string>();
  for (const edge of edges) {
    for (const rule of RULES) {
      if (
        under(edge.from, rule.from) &&
        under(edge.to, rule.to) &&
        !rule.except?.includes(edge.from) &&
        !rule.exceptTargets?.includes(edge.to)
      ) {
        found.add(`${edge.from} -> ${edge.to}`);
      }
    }
    if (LAZY_ONLY.includes(edge.to) && !edge.dynamic && under(edge.from, PRODUCTION)) {
      found.add(`${edge.from} -> ${edge.to} (static)`);
    }
  }
  return [...found].sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

function treeEdges(): ImportEdge[] {
  const files = SOURCE_DIRS.flatMap(sourceFiles);
  const known = new Set(files);
  const exists = (path: string) => known.has(path) || safeRead(path) !== undefined;
  return files.flatMap((file) => importsOf(file, readFileSync(join(ROOT, file), 'utf8'), exists));
}

function safeRead(path: string): string | undefined {
  try {
    return readFileSync(join(ROOT, path), 'utf8');
  } catch {
    return undefined;
  }
}

test('no arrow runs upward in the source tree, apart from the known ones waiting for other work', (t) => {
  const edges = treeEdges();
  t.true(edges.length > 500, `read ${edges.length} imports: the reader must see the tree`);
  const found = violations(edges);
  t.log(`${edges.length} imports read; known upward arrows left: ${found.length}`, found);
  const unexpected = found.filter((arrow) => !KNOWN.includes(arrow));
  t.deepEqual(unexpected, [], 'upward imports: see RULES here and ARCHITECTURE.md §6');
  const fixed = KNOWN.filter((arrow) => !found.includes(arrow));
  t.deepEqual(fixed, [], 'these known exceptions no longer occur: remove them from KNOWN');
});

test('the shared ground every folder imports (the backoff, the coded-error base, the defaults) imports nothing', (t) => {
  const edges = treeEdges();
  // config/defaults.ts is read by protocols/, actors/, supervision/, cli/ and config/ itself: importing nothing, it
  // can close no cycle and carries no arrow upward (issue 18).
  for (const file of ['supervision/backoff.ts', 'supervision/errors.ts', 'config/defaults.ts']) {
    t.deepEqual(
      edges.filter((edge) => edge.from === file).map((edge) => edge.to),
      [],
      `${file} is imported by protocols/ and sim/, so it must not pull in the rest of supervision/`,
    );
    t.true(
      edges.some((edge) => edge.to === file && edge.from.startsWith('protocols/')),
      `protocols/ uses ${file}`,
    );
  }
});

test('the reader sees static, re-exported, side-effect, type-only and dynamic imports, and not ones in comments', (t) => {
  const source = [
    "import { a } from '../actors/a.js';",
    "import type { B } from '../cli/b.js';",
    "export { c } from './c.js';",
    "export * from '../sim/d.js';",
    "import '../bench/e.js';",
    'import {',
    '  f,',
    '  type G,',
    "} from '../config/f.js';",
    "const h = await import('../sim/h.js');",
    "// import { x } from '../actors/x.js';",
    "/* const y = await import('../sim/y.js'); */",
    "import { z } from 'node:fs';",
  ].join('\n');
  const edges = importsOf('protocols/p.ts', source, (path) => path !== 'sim/h.ts');
  t.deepEqual(
    edges.map((edge) => `${edge.to}${edge.dynamic ? ' (dynamic)' : ''}`),
    ['actors/a.ts', 'cli/b.ts', 'protocols/c.ts', 'sim/d.ts', 'config/f.ts', 'bench/e.ts', 'sim/h.js (dynamic)'],
  );
});

test('each rule catches its arrow; the demo command may import sim/ and be loaded only lazily; domain/ sits below protocols/ apart from the normalizer', (t) => {
  const edge = (from: string, to: string, dynamic = false): ImportEdge => ({ from, to, dynamic });
  t.deepEqual(
    violations([
      edge('protocols/lumberjack/x.ts', 'actors/uplink/y.ts'),
      edge('protocols/push/x.ts', 'cli/run.ts'),
      edge('protocols/push/x.ts', 'sim/printers/y.ts'),
      edge('config/defaults.ts', 'actors/uplink/limits.ts'),
      edge('actors/adapter.ts', 'sim/printers/fleet.ts'),
      edge('supervision/tree.ts', 'bench/run.ts'),
      edge('cli/run.ts', 'test/support.ts'),
      edge('sim/demo.ts', 'cli/daemon.ts'),
      edge('cli/commands.ts', 'cli/demo.ts'),
      edge('domain/health/rules.ts', 'actors/health/behaviour.ts'),
      edge('domain/loglines/rules.ts', 'config/types.ts'),
      edge('domain/health/liveness.ts', 'sim/printers/fleet.ts'),
      edge('domain/readings.ts', 'protocols/thingworx/types.ts'),
      edge('protocols/beats/documents.ts', 'domain/catalog/normalizer.ts'),
    ]),
    [
      'actors/adapter.ts -> sim/printers/fleet.ts',
      'cli/commands.ts -> cli/demo.ts (static)',
      'cli/run.ts -> test/support.ts',
      'config/defaults.ts -> actors/uplink/limits.ts',
      'domain/health/liveness.ts -> sim/printers/fleet.ts',
      'domain/health/rules.ts -> actors/health/behaviour.ts',
      'domain/loglines/rules.ts -> config/types.ts',
      'domain/readings.ts -> protocols/thingworx/types.ts',
      'protocols/beats/documents.ts -> domain/catalog/normalizer.ts',
      'protocols/lumberjack/x.ts -> actors/uplink/y.ts',
      'protocols/push/x.ts -> cli/run.ts',
      'protocols/push/x.ts -> sim/printers/y.ts',
      'sim/demo.ts -> cli/daemon.ts',
      'supervision/tree.ts -> bench/run.ts',
    ],
  );
  t.deepEqual(
    violations([
      edge('cli/commands.ts', 'cli/demo.ts', true),
      edge('cli/demo.ts', 'sim/demo.ts'),
      edge('protocols/push/x.ts', 'supervision/backoff.ts'),
      edge('protocols/push/server.ts', 'config/defaults.ts'),
      edge('sim/demo.ts', 'actors/daemon.ts'),
      edge('bench/end-to-end.ts', 'sim/printers/fleet.ts'),
      edge('actors/adapter.ts', 'config/defaults.ts'),
      edge('protocols/thingworx/types.ts', 'domain/readings.ts'),
      edge('config/types.ts', 'domain/loglines/rules.ts'),
      edge('domain/catalog/normalizer.ts', 'protocols/beats/index.ts'),
      edge('domain/health/errors.ts', 'supervision/errors.ts'),
    ]),
    [],
  );
});
