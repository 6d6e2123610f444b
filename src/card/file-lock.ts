/**
 * One process at a time per card file. A card file holds counters the card must never repeat
 * (ATC, Book 2 §8.1; PIN try counter, Book 3 §6.5.12; purse balance): two processes that each read
 * the file, run and write it back lose one another's update. The lock is `<file>.lock`, created
 * exclusively (O_EXCL) and holding the owner's pid; a second process waits a bounded time, then
 * fails naming the holder. A lock left by a process that died (kill -9) is taken over once its pid
 * is gone.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EnvironmentError } from '../apdu/index.js';
import { isProcessAlive } from '../platform/index.js';

/** Default wait for a held lock (ms); EMVSIM_LOCK_TIMEOUT_MS overrides it. */
export const DEFAULT_LOCK_WAIT_MS = 10_000;

const held = new Map<string, number>();
let exitHookInstalled = false;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readHolder(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function waitLimit(): number {
  const env = Number(process.env.EMVSIM_LOCK_TIMEOUT_MS);
  return Number.isFinite(env) && env >= 0 ? env : DEFAULT_LOCK_WAIT_MS;
}

/**
 * Locks `file` for this process (re-entrant); returns the release function. Waits up to `waitMs`
 * for another holder, then throws an EnvironmentError naming its pid (exit 3 in the CLI).
 */
export function lockCardFile(file: string, waitMs = waitLimit()): () => void {
  const path = resolve(file);
  const lockPath = `${path}.lock`;
  const count = held.get(lockPath);
  if (count !== undefined) {
    held.set(lockPath, count + 1);
    return () => releaseOne(lockPath);
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new EnvironmentError(`${path}: cannot lock the card file (${code ?? (err as Error).message} on ${lockPath}): check that its folder exists and is writable`);
      }
    }
    const holder = readHolder(lockPath);
    if (holder !== undefined && !isProcessAlive(holder)) {
      // The holder died without releasing (kill -9): its lock protects nothing any more.
      try {
        unlinkSync(lockPath);
      } catch {
        // Another waiter took it over first.
      }
      continue;
    }
    if (Date.now() >= deadline) {
      throw new EnvironmentError(
        `${path} is in use by process ${holder ?? '(unknown)'} (lock ${lockPath}); waited ${waitMs} ms: wait for it to end, or remove the lock file if that process is gone`,
      );
    }
    sleepSync(25);
  }
  held.set(lockPath, 1);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of held.keys()) removeLock(p);
    });
  }
  return () => releaseOne(lockPath);
}

function releaseOne(lockPath: string): void {
  const count = held.get(lockPath);
  if (count === undefined) return;
  if (count > 1) {
    held.set(lockPath, count - 1);
    return;
  }
  held.delete(lockPath);
  removeLock(lockPath);
}

function removeLock(lockPath: string): void {
  if (readHolder(lockPath) !== process.pid) return;
  try {
    unlinkSync(lockPath);
  } catch {
    // Already gone.
  }
}
