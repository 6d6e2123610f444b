/**
 * Whether a process still runs, for the owners recorded in lock files, temp-file names and pidfiles
 * (src/card/file-lock.ts, src/card/persistence.ts, src/reader/pcscd-daemon.ts).
 */
import { existsSync, readFileSync } from 'node:fs';

/**
 * True while `pid` is a live process. A zombie (exited, not yet reaped by its parent) counts as
 * exited: it holds nothing any more. Linux reads /proc/<pid>/stat; elsewhere signal 0, where EPERM
 * means alive but owned by another user.
 */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    // /proc/<pid>/stat is "pid (comm) state ..." (proc(5)); comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    if (existsSync('/proc/self/stat')) return false; // Linux: no such process
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
}
