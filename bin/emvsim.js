#!/usr/bin/env node
// Runs the compiled CLI (dist/ is built by `npm install` through the `prepare` script): the one-file
// bundle (dist/bundle/emvsim.cjs, start-up time) with a V8 code cache when it is there, else the
// unbundled dist/src build. CommonJS (bin/package.json): Node starts without its ES-module loader.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

// V8's compile cache (Node >= 22.1) keeps compiled code of modules between runs; absent on Node 20.
require('node:module').enableCompileCache?.();
const packageDir = join(__dirname, '..');
const bundle = join(packageDir, 'dist', 'bundle', 'emvsim.cjs');
const unbundled = join(packageDir, 'dist', 'src', 'cli', 'main.js');
if (existsSync(bundle)) {
  require('./code-cache.js').runCached(bundle, { packageDir, command: process.argv[2] });
} else if (existsSync(unbundled)) {
  import(require('node:url').pathToFileURL(unbundled).href);
} else {
  process.stderr.write('emvsim: dist/ is missing; run `npm run build` (npm install does it through `prepare`).\n');
  process.exit(2);
}
