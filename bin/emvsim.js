#!/usr/bin/env node
// Runs the compiled CLI (dist/ is built by `npm install` through the `prepare` script): the one-file
// bundle (dist/bundle/emvsim.cjs, start-up time) with a V8 code cache when it is there, else the
// unbundled dist/src build. CommonJS (bin/package.json): Node starts without its ES-module loader.
'use strict';
const { readFileSync, statSync, writeSync } = require('node:fs');
const { join } = require('node:path');

// V8's compile cache (Node >= 22.1) keeps compiled code of modules between runs; absent on Node 20.
require('node:module').enableCompileCache?.();
const packageDir = join(__dirname, '..');
const bundle = join(packageDir, 'dist', 'bundle', 'emvsim.cjs');
const bundleStat = statSync(bundle, { throwIfNoEntry: false });

/** Writes all of `text` to stdout without loading the stream modules; gives up quietly if stdout is gone. */
function print(text) {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(1, bytes, at);
    } catch (err) {
      if (err.code === 'EAGAIN') continue; // a non-blocking pipe that is full: try again
      if (err.code === 'EPIPE') process.exitCode = 141; // the reader went away, as the full CLI ends
      return;
    }
  }
}

/** dist/bundle/help.json when it was written for this very bundle (scripts/build/bundle.mjs), else undefined. */
function builtHelp() {
  try {
    const built = JSON.parse(readFileSync(join(packageDir, 'dist', 'bundle', 'help.json'), 'utf8'));
    return built.bundleBytes === bundleStat.size && typeof built.help === 'string' && Array.isArray(built.commands) ? built : undefined;
  } catch {
    return undefined; // no help.json (a build in progress, an older build): yargs answers
  }
}

/**
 * `emvsim --help` and `emvsim --version` alone, answered without loading yargs: the help is what the
 * bundle's yargs printed at build time (help.json; test/cli/fast-path.test.ts checks it against
 * yargs), the version is emvsim's own (src/cli/version.ts finds the same package.json).
 */
function answeredFast(args, built) {
  if (args.length !== 1) return false;
  if ((args[0] === '--help' || args[0] === '-h') && built) {
    print(built.help);
    return true;
  }
  if (args[0] === '--version' || args[0] === '-v') {
    try {
      const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
      if (pkg.name !== 'emvsim' || typeof pkg.version !== 'string' || !pkg.version) return false;
      print(`${pkg.version}\n`);
      return true;
    } catch {
      return false; // yargs answers
    }
  }
  return false;
}

if (bundleStat) {
  const built = builtHelp();
  const args = process.argv.slice(2);
  // One code cache per command; without the command list, the first word as it is.
  const command = !built || built.commands.includes(args[0]) ? args[0] : undefined;
  if (!answeredFast(args, built)) require('./code-cache.js').runCached(bundle, { packageDir, command });
} else if (statSync(join(packageDir, 'dist', 'src', 'cli', 'main.js'), { throwIfNoEntry: false })) {
  import(require('node:url').pathToFileURL(join(packageDir, 'dist', 'src', 'cli', 'main.js')).href);
} else {
  process.stderr.write('emvsim: dist/ is missing; run `npm run build` (npm install does it through `prepare`).\n');
  process.exit(2);
}
