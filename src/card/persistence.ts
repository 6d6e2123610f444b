/**
 * Atomic persistence of the card file (DEVELOPERS.md: temp file, fsync,
 * rename, fsync of the directory). A reader of the path sees either the old
 * complete file or the new complete file, never a torn one, whatever moment
 * the writing process dies at: rename(2) replaces the directory entry in one
 * step, and the fsyncs order the data before the rename on disk.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

export function writeFileAtomic(path: string, text: string): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${counter++}.tmp`);
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
  // Make the rename itself durable (POSIX: fsync the directory).
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Some platforms (Windows) cannot open a directory; the rename is still atomic.
  }
}
