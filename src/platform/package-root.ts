/**
 * The package root (the directory of emvsim's package.json), from src/ (tsx), dist/src/ (built) or
 * dist/bundle/ (the CLI bundle): the one place that finds it, for the shipped documents
 * (src/documents/paths.ts), the CAPK and test CA files (src/crypto) and the build's compiled documents
 * (src/cli). Node built-ins only, so that the CLI's start-up can find it without loading node:crypto.
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
