/**
 * Reads a small file whole, refusing it before reading when it is larger than the cap (a config, a
 * secret). Errors name the path and the reason, never the content.
 */
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

export type CappedFileErrorCode = 'FILE_NOT_FOUND' | 'FILE_UNREADABLE' | 'FILE_NOT_REGULAR' | 'FILE_TOO_LARGE';

export class CappedFileError extends Error {
  override readonly name = 'CappedFileError';

  constructor(
    readonly code: CappedFileErrorCode,
    readonly path: string,
    /** The reason alone, e.g. "does not exist"; message adds the path. */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

function openError(error: unknown, path: string): CappedFileError {
  const errno = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
  switch (errno) {
    case 'ENOENT':
      return new CappedFileError('FILE_NOT_FOUND', path, 'does not exist');
    case 'EACCES':
    case 'EPERM':
      return new CappedFileError('FILE_UNREADABLE', path, 'cannot be read (permission denied)');
    case 'EISDIR':
      return new CappedFileError('FILE_NOT_REGULAR', path, 'is a directory, not a file');
    default:
      return new CappedFileError('FILE_UNREADABLE', path, `cannot be read (${errno})`);
  }
}

async function readAtMost(handle: FileHandle, limit: number): Promise<Buffer> {
  const buffer = Buffer.alloc(limit);
  let filled = 0;
  while (filled < limit) {
    const { bytesRead } = await handle.read(buffer, filled, limit - filled, null);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

export async function readCappedFile(path: string, maxBytes: number): Promise<Buffer> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO must not hang the process; it is refused below as not a regular file.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw openError(error, path);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new CappedFileError('FILE_NOT_REGULAR', path, 'is not a regular file');
    const tooLarge = () => new CappedFileError('FILE_TOO_LARGE', path, `is larger than the ${maxBytes}-byte limit`);
    if (stats.size > maxBytes) throw tooLarge();
    // The file may grow between stat and read: read one byte past the cap to notice.
    const content = await readAtMost(handle, maxBytes + 1);
    if (content.length > maxBytes) throw tooLarge();
    return content;
  } catch (error) {
    throw error instanceof CappedFileError ? error : openError(error, path);
  } finally {
    await handle.close();
  }
}
