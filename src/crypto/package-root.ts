/**
 * The package root (the directory of emvsim's package.json), from src/ (tsx), dist/src/ (built) or
 * dist/bundle/ (the CLI bundle). Apart from capk.ts so that the CLI's start-up can find it without
 * loading node:crypto (~4 ms).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let foundRoot: string | undefined;

export function packageRoot(): string {
  if (foundRoot !== undefined) return foundRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        if ((JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'emvsim') return (foundRoot = dir);
      } catch {
        // not our package.json; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('emvsim package root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
