/**
 * isProcessAlive (src/platform/process.ts), the one liveness check behind the card-file lock, the
 * stale temp-file sweep and the pcscd pidfile: live, exited and zombie processes, and the card-file
 * lock taking over a lock whose holder is a zombie.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockCardFile } from '../../src/card/file-lock.js';
import { isProcessAlive } from '../../src/platform/index.js';

const dir = mkdtempSync(join(tmpdir(), 'emvsim-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A zombie: `sh` starts a short `sleep` in the background, then becomes a `sleep` that never reaps it. */
async function withZombie(body: (pid: number) => void | Promise<void>): Promise<void> {
  const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    const deadline = Date.now() + 3000;
    while (!/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await body(pid);
  } finally {
    parent.kill('SIGTERM');
  }
}

describe('isProcessAlive', () => {
  it('this process is alive; a process that exited and was reaped is not', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(process.ppid)).toBe(true);
    const done = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
    expect(isProcessAlive(Number(done.stdout.trim()))).toBe(false);
  });

  it.runIf(existsSync('/proc/self/stat'))('a zombie (exited, not yet reaped) counts as exited', async () => {
    await withZombie((pid) => {
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(/\) Z /); // still in the process table
      expect(isProcessAlive(pid)).toBe(false);
    });
  });

  it.runIf(existsSync('/proc/self/stat'))('the card-file lock takes over a lock whose holder is a zombie, at once', async () => {
    await withZombie((pid) => {
      const card = join(dir, 'card.json');
      writeFileSync(`${card}.lock`, `${pid}\n`);
      const started = Date.now();
      const release = lockCardFile(card, 2000);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(readFileSync(`${card}.lock`, 'utf8')).toBe(`${process.pid}\n`);
      release();
      expect(existsSync(`${card}.lock`)).toBe(false);
    });
  });
});
