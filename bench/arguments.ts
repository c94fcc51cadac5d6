import { parseArgs } from 'node:util';

/**
 * `npm run bench [NAME…] [-- --against GIT-REF]`: which benchmarks to run, and for the end-to-end one
 * the build to compare this tree with in the same run.
 */
export interface BenchArguments {
  /** Benchmarks named on the command line, in order; empty: the default set. */
  names: string[];
  against?: string;
}

/** Benchmarks that can compare this tree with another build (`--against`). */
export const COMPARES_BUILDS: readonly string[] = ['end-to-end'];

/** The arguments, or what is wrong with them (a usage error: exit 64). */
export function parseBenchArguments(args: readonly string[], known: readonly string[]): BenchArguments | { problem: string } {
  let parsed: { values: { against?: string | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: { against: { type: 'string' } }, strict: true, allowPositionals: true });
  } catch (error) {
    return { problem: (error as Error).message.split('\n')[0] ?? String(error) };
  }
  const names = parsed.positionals;
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) return { problem: `unknown benchmark(s): ${unknown.join(', ')}; known: ${known.join(', ')}` };
  const { against } = parsed.values;
  if (against === undefined) return { names };
  if (against === '') return { problem: '--against needs a git ref (a commit, a branch, HEAD~1)' };
  if (names.length === 0 || names.some((name) => !COMPARES_BUILDS.includes(name))) {
    return { problem: `--against compares two builds in one run; name only ${COMPARES_BUILDS.join(' or ')}` };
  }
  return { names, against };
}
