/** emvsim's own version: from the package.json of this installation, found from this file, never from the working directory. */
import { readFileSync } from 'node:fs';

export function ownVersion(): string {
  // src/cli/version.ts (tsx) is two levels below the package root, dist/src/cli/version.js three.
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'emvsim' && pkg.version) return pkg.version;
    } catch {
      // not this level
    }
  }
  return 'unknown';
}
