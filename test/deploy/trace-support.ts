/** Reading strace's log of a daemon's file-system calls: what it wrote, created, moved or removed. */
import { isAbsolute, resolve } from 'node:path';

/** The file-system calls strace is asked to report: every way to write, create, move or remove a file. */
export const WRITE_SYSCALLS = [
  'open',
  'openat',
  'openat2',
  'creat',
  'truncate',
  'rename',
  'renameat',
  'renameat2',
  'unlink',
  'unlinkat',
  'rmdir',
  'mkdir',
  'mkdirat',
  'link',
  'linkat',
  'symlink',
  'symlinkat',
  'chmod',
  'fchmodat',
  'mknod',
  'mknodat',
  'utimensat',
].join(',');

const WRITE_FLAGS = /\b(O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND)\b/;

export interface FileWrite {
  line: string;
  path: string;
}

/** The calls in an strace -f log that write to the file system, with the path each touches. */
export function fileWrites(trace: string, cwd: string): FileWrite[] {
  const writes: FileWrite[] = [];
  for (const line of trace.split('\n')) {
    const call = /^\d+\s+(\w+)\((.*)$/.exec(line.trim());
    if (!call) continue;
    const [, name = '', rest = ''] = call;
    const isOpen = name === 'open' || name === 'openat' || name === 'openat2' || name === 'creat';
    if (isOpen && name !== 'creat' && !WRITE_FLAGS.test(rest)) continue;
    // The first quoted path; for renames and links the second one too.
    const paths = [...rest.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1] ?? '');
    for (const path of name.startsWith('rename') || name.startsWith('link') || name.startsWith('symlink') ? paths : paths.slice(0, 1)) {
      writes.push({ line, path: isAbsolute(path) ? path : resolve(cwd, path) });
    }
  }
  return writes;
}
