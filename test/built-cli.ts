/**
 * The built CLI as users run it: `node bin/emvsim.js`. dist/ is rebuilt with the package's own
 * build script (`npm run build`) when a source file is newer than the built entry point, so tests
 * always run what a user's `npm install` would build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..');
export const cliBin = join(repoRoot, 'bin', 'emvsim.js');
const builtMain = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** The CLI bundle bin/emvsim.js runs (scripts/build/bundle.mjs writes it after dist/src). */
const builtBundle = join(repoRoot, 'dist', 'bundle', 'emvsim.cjs');

/** Builds dist/ when it is missing or older than src/ (or the bundle older than its build script). */
export function ensureBuilt(): void {
  const sources = Math.max(newestMtime(join(repoRoot, 'src')), newestMtime(join(repoRoot, 'scripts', 'build')));
  const built = [builtMain, builtBundle].map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0));
  if (Math.min(...built) >= sources) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'ignore' });
}
