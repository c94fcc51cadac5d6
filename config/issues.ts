/**
 * One configuration problem: where (a path like `printers[3].address`) and what. Rendered as
 * `printers[3].address: must be host:port`.
 */
import type { ValidationError } from 'yup';

export interface ConfigIssue {
  /** Empty for the document as a whole. */
  path: string;
  message: string;
}

/** Path of a key below path, in the form yup uses: `a.b`, `a[2]`, `a["x.y"]` for keys with dots. */
export function childPath(path: string | undefined, key: string | number): string {
  const parent = path ?? '';
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (key.includes('.')) return `${parent}["${key}"]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/** Every leaf error of a yup ValidationError (abortEarly: false collects them under inner). */
export function issuesFromYup(error: ValidationError): ConfigIssue[] {
  const leaves = error.inner.length > 0 ? error.inner : [error];
  return leaves.map((leaf) => {
    const path = leaf.path ?? '';
    // yup's own messages start with the path ("x cannot be null"); ours never do.
    const message = path !== '' && leaf.message.startsWith(`${path} `) ? leaf.message.slice(path.length + 1) : leaf.message;
    return { path, message };
  });
}

/** Sorted by path as written (printers[2] before printers[10]), duplicates dropped. */
export function renderIssues(issues: readonly ConfigIssue[]): string[] {
  const lines = new Set<string>();
  for (const issue of [...issues].sort(byPath)) lines.add(formatIssue(issue));
  return [...lines];
}

function byPath(a: ConfigIssue, b: ConfigIssue): number {
  return a.path.localeCompare(b.path, 'en', { numeric: true });
}
