/**
 * Runs the built CLI as a user runs it (node bin/emvsim.js ...) and rebuilds dist/ first when a
 * source file is newer than it. Shared by the CLI tests.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..', '..');
export const bin = join(root, 'bin', 'emvsim.js');
const builtMain = join(root, 'dist', 'src', 'cli', 'main.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Compiles src/ into dist/ when dist/ is missing or older than a source file. */
export function ensureBuilt(): void {
  if (existsSync(builtMain) && statSync(builtMain).mtimeMs >= newestMtime(join(root, 'src'))) return;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore' });
  } catch {
    // Type errors elsewhere still emit JavaScript; the tests tell whether the CLI works.
  }
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
    const child = execFile(process.execPath, [bin, ...args], { cwd: o.cwd ?? root, encoding: 'utf8', env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolveRun({ code, stdout, stderr });
    });
    child.stdin?.end(o.stdin ?? '');
  });
}
