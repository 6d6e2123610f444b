/** The built CLI for child-process tests: dist/ is rebuilt first when a source file is newer than it. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');
export const bin = join(root, 'bin', 'emvsim.js');
const builtMain = join(root, 'dist', 'src', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  if (!existsSync(builtMain) || statSync(builtMain).mtimeMs < newestMtime(join(root, 'src'))) {
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore' });
    } catch {
      // Type errors elsewhere still emit JavaScript; the tests tell whether the CLI works.
    }
  }
}
