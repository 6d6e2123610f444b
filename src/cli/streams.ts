/**
 * Pipes and signals for every command, installed once by main.ts:
 * - stdout closed early (`emvsim demo | head -1`): end quietly with 141, like a Unix filter ended by SIGPIPE;
 * - SIGINT/SIGTERM: restore the terminal (cursor, line wrap), run the registered clean-ups (a partial
 *   report, a progress summary), then exit 130/143 unless the command waits for the signal itself
 *   (emulate, watch, host --listen);
 * - progress bars on stderr only, and only when stderr is a terminal, with an ETA.
 */
import { EXIT } from './exit.js';

type Cleanup = (signal: 'SIGINT' | 'SIGTERM') => void;
const cleanups = new Set<Cleanup>();

/** Runs `fn` (synchronously) when the user interrupts; returns the function that unregisters it. */
export function onInterrupt(fn: Cleanup): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/**
 * Resolves at the first SIGINT or SIGTERM: how a long-running command (emulate, watch, host serve, lab
 * serve) waits to stop. With `keepAlive` it keeps Node alive until then (signal listeners alone do not;
 * a listening server does); it leaves no listener behind, so installStreamGuards' exit codes apply to a
 * later signal.
 */
export function untilInterrupted(keepAlive: boolean): Promise<NodeJS.Signals> {
  const timer = keepAlive ? setInterval(() => {}, 1 << 30) : undefined;
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      clearInterval(timer);
      resolve(signal);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** Shows the cursor and turns line wrap back on: what a progress bar turned off. */
export function restoreTerminal(): void {
  if (process.stderr.isTTY) process.stderr.write('\x1b[?25h\x1b[?7h');
  if (process.stdout.isTTY) process.stdout.write('\x1b[?25h\x1b[?7h');
}

let installed = false;

export function installStreamGuards(): void {
  if (installed) return;
  installed = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(EXIT.brokenPipe);
    throw err;
  });
  process.stderr.on('error', () => undefined);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      restoreTerminal();
      for (const fn of [...cleanups]) {
        try {
          fn(signal);
        } catch (err) {
          process.stderr.write(`emvsim: while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }
      cleanups.clear();
      // A command that listens for the signal itself (emulate, watch, host) stops on its own.
      if (process.listenerCount(signal) > 1) return;
      process.exit(signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
    });
  }
}

export interface Progress {
  increment(label?: string, by?: number): void;
  stop(): void;
}

/** A progress bar with ETA on stderr when it is a terminal; otherwise nothing (undefined). */
export async function progressBar(total: number, label: string, enabled = Boolean(process.stderr.isTTY)): Promise<Progress | undefined> {
  if (!enabled || total <= 0) return undefined;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    { format: `${label} [{bar}] {value}/{total} ETA {eta_formatted} {item}`, hideCursor: true, clearOnComplete: true, stream: process.stderr, etaBuffer: 20 },
    Presets.shades_classic,
  );
  bar.start(total, 0, { item: '' });
  const unregister = onInterrupt(() => bar.stop());
  return {
    increment: (item = '', by = 1) => bar.increment(by, { item }),
    stop: () => {
      unregister();
      bar.stop();
    },
  };
}
