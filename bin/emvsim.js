#!/usr/bin/env node
// Runs the compiled CLI (dist/ is built by `npm install` through the `prepare` script): the one-file
// bundle (dist/bundle, start-up time) when it is there, else the unbundled dist/src build.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

// V8's compile cache (Node >= 22.1) keeps compiled code between runs; absent on Node 20.
module.enableCompileCache?.();
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const entry = [join(dist, 'bundle', 'emvsim.js'), join(dist, 'src', 'cli', 'main.js')].find((file) => existsSync(file));
if (!entry) {
  process.stderr.write('emvsim: dist/ is missing; run `npm run build` (npm install does it through `prepare`).\n');
  process.exit(2);
}
await import(entry);
