/**
 * Finds or starts a pcscd with vsmartcard's vpcd driver, for the integration
 * suite and the reader benchmark. Uses a pcscd that already runs (then it finds a free vpcd slot and
 * never restarts or stops it); otherwise starts `pcscd --foreground`, keeps
 * its pid, and stops it by pid. Never pkill/killall: other programs may use pcscd.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { listPcscReaders, type PcscReaderInfo } from './pcsc-transport.js';
import { VPCD_DEFAULT_PORT } from './vpcd-protocol.js';

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
const VPCD_READER = /^Virtual PCD 00 0(\d)$/;

export interface PcscdEnvironment {
  /** We started pcscd (and may restart it). */
  owned: boolean;
  pid: number | undefined;
  /** A vpcd slot with no card in it, its reader name and TCP port. */
  slot: number;
  readerName: string;
  port: number;
  /** Stops and starts our pcscd (only when owned). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export type PcscdAvailability = { ok: true; env: PcscdEnvironment } | { ok: false; reason: string };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function readersOrUndefined(): Promise<PcscReaderInfo[] | undefined> {
  try {
    return await listPcscReaders();
  } catch {
    return undefined;
  }
}

async function waitForVpcd(timeoutMs: number, child?: ChildProcess): Promise<PcscReaderInfo[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`pcscd exited with code ${child.exitCode}`);
    if (existsSync(PCSCD_SOCKET)) {
      const readers = await readersOrUndefined();
      if (readers?.some((r) => VPCD_READER.test(r.name))) return readers;
    }
    await sleep(50);
  }
  throw new Error(`pcscd did not show a "Virtual PCD" reader within ${timeoutMs} ms (is vsmartcard-vpcd installed?)`);
}

function startDaemon(): ChildProcess {
  const child = spawn('pcscd', ['--foreground'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.resume();
  return child;
}

async function stopDaemon(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, 'SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
}

/** Finds or starts pcscd; explains in one line why not when it cannot. */
export async function preparePcscd(): Promise<PcscdAvailability> {
  try {
    await import('./pcsc-binding.js').then((m) => m.loadPcscBinding());
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  let child: ChildProcess | undefined;
  let readers = existsSync(PCSCD_SOCKET) ? await readersOrUndefined() : undefined;
  if (!readers) {
    if (spawnSync('pcscd', ['--version'], { stdio: 'ignore' }).error) return { ok: false, reason: 'pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)' };
    child = startDaemon();
    const started = child;
    const onExit = () => { if (started.pid && started.exitCode === null) process.kill(started.pid, 'SIGTERM'); };
    process.once('exit', onExit);
    try {
      readers = await waitForVpcd(10_000, child);
    } catch (err) {
      await stopDaemon(child);
      return { ok: false, reason: `cannot start pcscd: ${(err as Error).message}` };
    }
  }
  const free = readers.find((r) => VPCD_READER.test(r.name) && r.card === 'absent');
  if (!free) {
    if (child) await stopDaemon(child);
    return { ok: false, reason: 'pcscd runs but every vpcd slot already holds a card' };
  }
  const slot = Number(VPCD_READER.exec(free.name)![1]);
  const env: PcscdEnvironment = {
    owned: child !== undefined,
    get pid() { return child?.pid; },
    slot,
    readerName: free.name,
    port: VPCD_DEFAULT_PORT + slot,
    async restart() {
      if (!child) throw new Error('pcscd is not ours to restart');
      await stopDaemon(child);
      child = startDaemon();
      await waitForVpcd(10_000, child);
    },
    async stop() {
      if (child) await stopDaemon(child);
    },
  };
  return { ok: true, env };
}
