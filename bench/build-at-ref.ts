/**
 * The adapter as it was at another commit, compiled, for a benchmark that compares two builds in one
 * run (`npm run bench end-to-end -- --against <git-ref>`): a temporary detached git worktree with
 * this tree's node_modules linked in, compiled with `tsc -p tsconfig.build.json` into its own dist/.
 * The worktree is removed when the bench is done, also when it fails or is interrupted.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AdapterBuild {
  /** The ref as given (`HEAD~1`, a branch), or `working tree` for the sources in this checkout. */
  ref: string;
  commit: string;
  /** This checkout only: uncommitted changes to tracked files are part of the build. */
  dirty?: boolean;
  /** The compiled daemon entry point (`dist/cli/start.js`). */
  cli: string;
}

export interface BuildAtRef extends AdapterBuild {
  /** Removes the temporary worktree; safe to call more than once. */
  remove(): void;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** This checkout as a build: its commit, and whether its tracked files differ from it. */
export function workingTreeBuild(projectDir: string, cli: string): AdapterBuild {
  const commit = git(projectDir, ['rev-parse', 'HEAD']);
  const dirty = git(projectDir, ['status', '--porcelain', '--untracked-files=no']) !== '';
  return { ref: 'working tree', commit, dirty, cli };
}

/**
 * Checks out `ref` in a temporary worktree and compiles it. Throws (and leaves nothing behind) when
 * the ref does not name a commit or its sources do not compile.
 */
export function buildAtRef(projectDir: string, ref: string): BuildAtRef {
  let commit: string;
  try {
    commit = git(projectDir, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]);
  } catch {
    throw new Error(`--against ${ref}: not a commit in this repository`);
  }
  const dir = mkdtempSync(join(tmpdir(), '3dconnect-bench-against-'));
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    try {
      git(projectDir, ['worktree', 'remove', '--force', dir]);
    } catch {
      // Not registered (the add failed) or already gone: the directory and git's record go below.
    }
    rmSync(dir, { recursive: true, force: true });
    git(projectDir, ['worktree', 'prune']);
  };
  // Interrupted (Ctrl-C reaches the whole process group) or exiting on an uncaught error: no finally
  // block runs then, so the worktree goes here.
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', remove);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    git(projectDir, ['worktree', 'add', '--detach', dir, commit]);
    symlinkSync(realpathSync(join(projectDir, 'node_modules')), join(dir, 'node_modules'), 'dir');
    const tsc = join(projectDir, 'node_modules', 'typescript', 'bin', 'tsc');
    // Compiler output to stderr: stdout carries the bench's JSON.
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: dir, stdio: ['ignore', 2, 2] });
  } catch (error) {
    remove();
    throw new Error(`--against ${ref}: could not build ${commit.slice(0, 12)}: ${(error as Error).message}`);
  }
  return { ref, commit, cli: join(dir, 'dist', 'cli', 'start.js'), remove };
}
