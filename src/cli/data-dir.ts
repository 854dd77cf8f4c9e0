import {
  closeSync,
  constants,
  accessSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** A data directory held by this process until `release()`. */
export interface DataDirLock {
  release(): void;
}

/** A data directory that cannot be used: the message says which and why. */
export class DataDirError extends Error {
  override name = 'DataDirError';
}

const LOCK_FILE = 'portcullis.pid';

/**
 * Creates the data directory if needed, checks that it is readable and writable, and takes
 * its lock: a pid file created exclusively. Two Portcullis processes on one SQLite directory
 * would each believe their configuration version; a stale lock from a process that died
 * (kill -9, power loss) is taken over.
 */
export function lockDataDir(dir: string): DataDirLock {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new DataDirError(`data directory ${dir}: ${describe(err)}`);
  }
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => releaseIfOurs(path) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DataDirError(`data directory ${dir}: ${describe(err)}`);
      }
      const holder = readPid(path);
      if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
        throw new DataDirError(
          `data directory ${dir} is in use by another Portcullis (pid ${holder}); ` +
            `stop it or choose another directory`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new DataDirError(`data directory ${dir}: could not take the lock file ${path}`);
}

function releaseIfOurs(path: string): void {
  if (readPid(path) === process.pid) rmSync(path, { force: true });
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'not a directory';
    case 'EROFS':
      return 'read-only file system';
    default:
      return e.message;
  }
}
