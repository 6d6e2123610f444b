/**
 * Atomic persistence of the card file (DEVELOPERS.md: temp file, fsync,
 * rename, fsync of the directory). A reader of the path sees either the old
 * complete file or the new complete file, never a torn one, whatever moment
 * the writing process dies at: rename(2) replaces the directory entry in one
 * step (the commit point), and the fsyncs order the data before the rename on
 * disk and make the rename itself durable.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isProcessAlive } from '../platform/index.js';

let counter = 0;

/**
 * Errors of platforms that cannot open or fsync a directory (Windows: EISDIR/EPERM/EACCES on
 * open; some file systems: EINVAL/ENOTSUP on fsync). The rename is still atomic there; its
 * durability is the platform's business. Any other error (EIO, ENOSPC, ...) means the rename
 * may not be on disk and is rethrown.
 */
const DIRECTORY_FSYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EACCES', 'ENOTSUP', 'EBADF']);

/** Name of the temp file for `path`, in the same directory (rename(2) does not cross file systems). */
function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
}

export function writeFileAtomic(path: string, text: string): void {
  const dir = dirname(path);
  const tmp = tempName(path);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone.
    }
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  fsyncDirectory(dir);
}

function fsyncDirectory(dir: string): void {
  let dfd: number;
  try {
    dfd = openSync(dir, 'r');
  } catch (err) {
    if (DIRECTORY_FSYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) return;
    throw err;
  }
  try {
    fsyncSync(dfd);
  } catch (err) {
    if (!DIRECTORY_FSYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    closeSync(dfd);
  }
}

/**
 * Removes temp files a crashed writer of `path` left behind (`.<name>.<pid>.<n>.tmp`). They
 * are never the truth: the rename is the commit point, so a temp file is an unfinished write.
 * Temp files of writers still running (their pid is alive) are left alone. Returns the names
 * removed.
 */
export function removeStaleTempFiles(path: string): string[] {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (!m || isProcessAlive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // Removed by someone else meanwhile.
    }
  }
  return removed;
}
