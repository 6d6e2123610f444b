#!/usr/bin/env node
// Runs the compiled CLI (dist/ is built by `npm install` through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('emvsim: dist/ is missing; run `npm run build` (npm install does it through `prepare`).\n');
  process.exit(2);
}
await import(entry);
