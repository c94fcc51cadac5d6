/**
 * The TLS certificate, key and CA files the adapter reads when it starts, checked before anything
 * starts: a FIFO or a device in their place would block a file-system thread forever, and then not
 * even process.exit could end the process (Node joins its thread pool on exit).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { childPath } from './issues.js';
import type { AdapterConfig } from './types.js';

export interface TlsFileSlot {
  /** Where it sits in the config, e.g. `listeners.push.tls.keyFile`. */
  path: string;
  file: string;
}

export function tlsFileSlots(config: AdapterConfig): TlsFileSlot[] {
  const slots: TlsFileSlot[] = [];
  const add = (parent: string, tls: Partial<Record<'certFile' | 'keyFile' | 'caFile', string>> | undefined) => {
    for (const key of ['certFile', 'keyFile', 'caFile'] as const) {
      const file = tls?.[key];
      if (file !== undefined) slots.push({ path: childPath(parent, key), file });
    }
  };
  add('thingworx.tls', config.thingworx.tls);
  if (config.listeners.beats.enabled) add('listeners.beats.tls', config.listeners.beats.tls);
  if (config.listeners.push.enabled) add('listeners.push.tls', config.listeners.push.tls);
  return slots;
}

/** Why the file cannot serve as a TLS file, or undefined when it is a readable regular file. */
async function problemWith(file: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const errno = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
    if (errno === 'ENOENT') return 'does not exist';
    if (errno === 'EACCES' || errno === 'EPERM') return 'cannot be read (permission denied)';
    return `cannot be read (${errno})`;
  }
  try {
    return (await handle.stat()).isFile() ? undefined : 'is not a regular file';
  } finally {
    await handle.close();
  }
}

/** Every TLS file that is missing, unreadable or not a regular file, as `path: file reason` lines. */
export async function unreadableTlsFiles(config: AdapterConfig): Promise<string[]> {
  const problems: string[] = [];
  for (const slot of tlsFileSlots(config)) {
    const problem = await problemWith(slot.file);
    if (problem !== undefined) problems.push(`${slot.path}: ${slot.file} ${problem}`);
  }
  return problems;
}
