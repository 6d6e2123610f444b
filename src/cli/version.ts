/** emvsim's own version: from the package.json of this installation, found from this file, never from the working directory. */
import { readFileSync } from 'node:fs';

export function ownVersion(): string {
  // src/cli/version.ts (tsx) sits two levels below the package root, dist/src/cli/version.js three; a
  // bundled CLI may sit one level down: walk up to the first package.json that is emvsim's.
  for (let up = 1; up <= 5; up++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(`${'../'.repeat(up)}package.json`, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'emvsim' && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}
