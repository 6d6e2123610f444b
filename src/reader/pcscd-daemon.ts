/**
 * Finds or starts a pcscd with vsmartcard's vpcd driver, for the integration
 * suite and the reader benchmark. Three cases, by who runs the pcscd:
 *
 * - `pidfile`: `EMVSIM_PCSCD_PIDFILE` names a file holding the pid of a pcscd
 *   that a script started (`.ci/run` does). We use it and may restart it: stop
 *   that pid, start a new `pcscd --foreground` detached (so it outlives the test
 *   worker) and write the NEW pid to the file. The script stops whatever pid the
 *   file holds when it ends.
 * - `suite`: no pcscd runs; we start `pcscd --foreground`, keep its pid, and stop it.
 * - `foreign`: a pcscd already runs (a second one would exit at once). We use a
 *   free vpcd slot in it and never restart or stop it.
 *
 * Processes are always stopped by pid. Never pkill/killall: other programs may use pcscd.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { EmvsimError } from '../apdu/index.js';
import { isProcessAlive } from '../platform/index.js';
import { listPcscReaders, type PcscReaderInfo } from './pcsc-transport.js';
import { VPCD_DEFAULT_PORT } from './vpcd-protocol.js';

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
/** Environment variable: a file holding the pid of the pcscd a script started for us. */
export const PCSCD_PIDFILE_ENV = 'EMVSIM_PCSCD_PIDFILE';
/** Environment variable (optional): where a pcscd we start detached writes its log. */
export const PCSCD_LOG_ENV = 'EMVSIM_PCSCD_LOG';
const VPCD_READER = /^Virtual PCD 00 0(\d)$/;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000; // pcscd takes about 2 s to close its vpcd readers on SIGTERM

/** pcscd could not be started, stopped or restarted; the message names the pid or pidfile. */
export class PcscdDaemonError extends EmvsimError {
  constructor(message: string) {
    super('PCSCD', message);
  }
}

/** Who runs the pcscd we use, which decides whether we may restart or stop it. */
export type PcscdManager = 'suite' | 'pidfile' | 'foreign';

export interface PcscdEnvironment {
  manager: PcscdManager;
  /** The pcscd's pid, when we know it (suite, pidfile). */
  readonly pid: number | undefined;
  /** Why `restart()` cannot run here, in one line; undefined when it can. */
  restartBlocker: string | undefined;
  /** A vpcd slot with no card in it, its reader name and TCP port. */
  slot: number;
  readerName: string;
  port: number;
  /** Stops the pcscd and starts a new one, then waits for its vpcd readers. */
  restart(): Promise<void>;
  /** Stops the pcscd if we started it (suite); leaves a pidfile's or a foreign one running. */
  stop(): Promise<void>;
}

export type PcscdAvailability = { ok: true; env: PcscdEnvironment } | { ok: false; reason: string };

export interface PreparePcscdOptions {
  /** Defaults to `$EMVSIM_PCSCD_PIDFILE`. */
  pidfile?: string | undefined;
  /** Defaults to `$EMVSIM_PCSCD_LOG`; without it a detached pcscd's output is discarded. */
  logFile?: string | undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function readersOrUndefined(): Promise<PcscReaderInfo[] | undefined> {
  try {
    return await listPcscReaders();
  } catch {
    return undefined;
  }
}

/** The command name of `pid` on Linux, or undefined (no such process, or no /proc). */
function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

async function waitForVpcd(timeoutMs: number, isRunning: () => string | undefined): Promise<PcscReaderInfo[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exited = isRunning();
    if (exited !== undefined) throw new PcscdDaemonError(exited);
    if (existsSync(PCSCD_SOCKET)) {
      const readers = await readersOrUndefined();
      if (readers?.some((r) => VPCD_READER.test(r.name))) return readers;
    }
    await sleep(50);
  }
  throw new PcscdDaemonError(`pcscd did not show a "Virtual PCD" reader within ${timeoutMs} ms (is vsmartcard-vpcd installed?)`);
}

const childExit = (child: ChildProcess) => () =>
  child.exitCode !== null || child.signalCode !== null ? `pcscd (pid ${child.pid}) exited with ${child.exitCode ?? child.signalCode}` : undefined;

/** Sends SIGTERM to `pid`, waits for it to exit, SIGKILL after STOP_TIMEOUT_MS; then waits for the socket to go. */
async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isProcessAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isProcessAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    while (isProcessAlive(pid) && Date.now() < deadline + 2000) await sleep(50);
    if (isProcessAlive(pid)) throw new PcscdDaemonError(`pcscd (pid ${pid}) survived SIGTERM and SIGKILL`);
  }
  // pcscd removes its socket as it exits (pcscdaemon.c clean_temp_files); a new one refuses to start while it is there.
  while (existsSync(PCSCD_SOCKET) && Date.now() < deadline + 2000) await sleep(50);
}

function startAttached(): ChildProcess {
  const child = spawn('pcscd', ['--foreground'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.resume();
  child.on('error', () => {}); // reported through exitCode by waitForVpcd
  return child;
}

/** A pcscd that outlives this process: its own session, no pipes to us; the pidfile's owner stops it. */
function startDetached(logFile: string | undefined): ChildProcess {
  const log = logFile ? openSync(logFile, 'a') : 'ignore';
  try {
    const child = spawn('pcscd', ['--foreground'], { detached: true, stdio: ['ignore', log, log] });
    child.on('error', () => {});
    child.unref();
    return child;
  } finally {
    if (typeof log === 'number') closeSync(log);
  }
}

function readPidfile(pidfile: string): number {
  let text: string;
  try {
    text = readFileSync(pidfile, 'utf8');
  } catch (err) {
    throw new PcscdDaemonError(`${PCSCD_PIDFILE_ENV}=${pidfile}: cannot read it (${(err as NodeJS.ErrnoException).code})`);
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new PcscdDaemonError(`${pidfile}:1: not a pid: ${JSON.stringify(text.trim())}`);
  return pid;
}

/** Replaces the pidfile in one step, so its reader never sees it half-written. */
function writePidfile(pidfile: string, pid: number): void {
  const temporary = `${pidfile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${pid}\n`);
  renameSync(temporary, pidfile);
}

async function stopAttached(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  await stopPid(child.pid);
}

/** Finds or starts pcscd; explains in one line why not when it cannot. */
export async function preparePcscd(options: PreparePcscdOptions = {}): Promise<PcscdAvailability> {
  const pidfile = options.pidfile ?? (process.env[PCSCD_PIDFILE_ENV] || undefined);
  const logFile = options.logFile ?? (process.env[PCSCD_LOG_ENV] || undefined);
  try {
    await import('./pcsc-binding.js').then((m) => m.loadPcscBinding());
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  if (pidfile !== undefined) return fromPidfile(pidfile, logFile);

  let child: ChildProcess | undefined;
  let readers = existsSync(PCSCD_SOCKET) ? await readersOrUndefined() : undefined;
  if (!readers) {
    if (spawnSync('pcscd', ['--version'], { stdio: 'ignore' }).error) return { ok: false, reason: 'pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)' };
    child = startAttached();
    // A worker that exits without afterAll must not leave our pcscd behind.
    process.once('exit', () => { if (child?.pid && child.exitCode === null) process.kill(child.pid, 'SIGTERM'); });
    try {
      readers = await waitForVpcd(START_TIMEOUT_MS, childExit(child));
    } catch (err) {
      await stopAttached(child);
      return { ok: false, reason: `cannot start pcscd: ${(err as Error).message}` };
    }
  }
  const slot = freeSlot(readers);
  if (!slot) {
    if (child) await stopAttached(child);
    return { ok: false, reason: 'pcscd runs but every vpcd slot already holds a card' };
  }
  const env: PcscdEnvironment = {
    manager: child ? 'suite' : 'foreign',
    get pid() { return child?.pid; },
    restartBlocker: child ? undefined : `pcscd was already running and is not ours to restart (start none, or set ${PCSCD_PIDFILE_ENV})`,
    ...slot,
    async restart() {
      if (!child) throw new PcscdDaemonError(env.restartBlocker!);
      await stopAttached(child);
      child = startAttached();
      await waitForVpcd(START_TIMEOUT_MS, childExit(child));
    },
    async stop() {
      if (child) await stopAttached(child);
    },
  };
  return { ok: true, env };
}

function freeSlot(readers: PcscReaderInfo[]): Pick<PcscdEnvironment, 'slot' | 'readerName' | 'port'> | undefined {
  const free = readers.find((r) => VPCD_READER.test(r.name) && r.card === 'absent');
  if (!free) return undefined;
  const slot = Number(VPCD_READER.exec(free.name)![1]);
  return { slot, readerName: free.name, port: VPCD_DEFAULT_PORT + slot };
}

/** The pcscd a script started and named in `pidfile`: must be running with vpcd; restarts write the new pid back. */
async function fromPidfile(pidfile: string, logFile: string | undefined): Promise<PcscdAvailability> {
  let pid: number;
  try {
    pid = readPidfile(pidfile);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  const pidfileExit = () => (isProcessAlive(pid) ? undefined : `pcscd pid ${pid} from ${pidfile} is not running`);
  let readers: PcscReaderInfo[];
  try {
    readers = await waitForVpcd(START_TIMEOUT_MS, pidfileExit);
  } catch (err) {
    return { ok: false, reason: `${PCSCD_PIDFILE_ENV}=${pidfile}: ${(err as Error).message}` };
  }
  const slot = freeSlot(readers);
  if (!slot) return { ok: false, reason: 'pcscd runs but every vpcd slot already holds a card' };
  const env: PcscdEnvironment = {
    manager: 'pidfile',
    get pid() { return pid; },
    restartBlocker: undefined,
    ...slot,
    async restart() {
      const current = readPidfile(pidfile);
      const name = processName(current);
      if (name !== undefined && name !== 'pcscd') throw new PcscdDaemonError(`${pidfile}: pid ${current} is "${name}", not pcscd; not stopping it`);
      await stopPid(current);
      const started = startDetached(logFile);
      if (started.pid === undefined) throw new PcscdDaemonError('cannot spawn pcscd (is it on PATH?)');
      pid = started.pid;
      writePidfile(pidfile, pid); // before waiting: the script must be able to stop it even if the wait fails
      await waitForVpcd(START_TIMEOUT_MS, pidfileExit);
    },
    async stop() {
      // The script that wrote the pidfile stops the pcscd it names (.ci/run's EXIT trap).
    },
  };
  return { ok: true, env };
}
