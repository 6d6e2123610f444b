/** Runs the built CLI as a user runs it (node bin/emvsim.js ...) as a child process, asynchronously. */
import { execFile } from 'node:child_process';
import { cliBin, ensureBuilt, repoRoot } from '../built-cli.js';

export { ensureBuilt };
export const bin = cliBin;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** The signal that ended the child, if one did (e.g. SIGKILL). */
  signal?: NodeJS.Signals;
}

export interface RunOptions {
  cwd?: string;
  stdin?: string;
  env?: Record<string, string>;
}

export function runCli(args: readonly string[], o: RunOptions = {}): Promise<Run> {
  return new Promise((resolveRun) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...o.env };
    delete env.EMVSIM_PIN;
    if (o.env?.EMVSIM_PIN !== undefined) env.EMVSIM_PIN = o.env.EMVSIM_PIN;
    const child = execFile(process.execPath, [bin, ...args], { cwd: o.cwd ?? repoRoot, encoding: 'utf8', env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolveRun({ code, stdout, stderr, ...(err?.signal ? { signal: err.signal } : {}) });
    });
    child.stdin?.end(o.stdin ?? '');
  });
}
