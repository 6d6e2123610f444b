// Runs a CommonJS script (the CLI bundle, dist/bundle/emvsim.cjs) with a V8 code cache of our own, as
// v8-compile-cache does: Node 20 has no compile cache (module.enableCompileCache is 22.1+), and V8
// compiling the 1.2 MB bundle costs ~35 ms of every start where reading its cache costs ~4 ms.
//
// - The cache is written once per bundle, Node/V8 version and command (`transact`, `tlv`...), at the
//   exit of the first run, after the command ran: it then holds the functions that command compiled.
//   That first run starts from the shared cache (`other`, which the build writes) when there is one.
// - It lives in dist/.code-cache/ of the package, or, when that is not writable (a global install),
//   in os.tmpdir()/emvsim-code-cache-<uid>, a directory only this user owns and can write.
// - It is keyed by the bundle's size, mtime and inode and by V8's version, platform and arch; V8 itself
//   also rejects data from another V8, other flags or a source of another length. Rejected, unreadable
//   or corrupt data is replaced on exit; an unwritable directory means no cache, never an error.
// EMVSIM_CODE_CACHE=0 turns it off (to measure, or to rule it out).
// CommonJS (bin/package.json), like bin/emvsim.js: Node then starts without its ES-module loader.
'use strict';
const { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } = require('node:fs');
const { createRequire } = require('node:module');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

/** `dir` when it is a directory that only this user can write (created when `create`), else undefined. */
function ownedDirectory(dir, create) {
  try {
    if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    const uid = process.getuid?.();
    // Another user's directory, or one others can write, could hand us code: not used. (Where there are
    // no POSIX owners, on Windows, only that it is a directory is checked.)
    if (!st.isDirectory() || (uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0))) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** Candidate cache directories, best first. */
function cacheDirectories(packageDir) {
  const uid = process.getuid?.() ?? 'user';
  return [join(packageDir, 'dist', '.code-cache'), join(tmpdir(), `emvsim-code-cache-${uid}`)];
}

/** The cache file name for this script, this V8 and this command (the first argument). */
function cacheName(file, command) {
  const st = statSync(file);
  const v8 = process.versions.v8.replace(/[^0-9A-Za-z]/g, '_');
  return `${commandKey(command)}.v8-${v8}-${process.platform}-${process.arch}.${st.size}-${Math.trunc(st.mtimeMs)}-${st.ino}.bin`;
}

/** One cache per command name; options first (`--help`) and anything unusual share one. */
function commandKey(command) {
  return /^[a-z][a-z0-9-]{0,23}$/.test(command ?? '') ? command : 'other';
}

/** The cache, from the package's directory (as trusted as the code beside it) or an owned one. */
function readCache(dirs, name) {
  for (const [i, dir] of dirs.entries()) {
    try {
      if (i > 0 && !ownedDirectory(dir, false)) continue;
      return { dir, data: readFileSync(join(dir, name)) };
    } catch {
      // not cached there
    }
  }
  return undefined;
}

/** Writes `data` atomically (temp file, rename) to the first directory that takes it. */
function writeCache(dirs, name, data) {
  for (const candidate of dirs) {
    const dir = ownedDirectory(candidate, true);
    if (!dir) continue;
    const tmp = join(dir, `${name}.${process.pid}.tmp`);
    try {
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, data);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, join(dir, name));
      // The same command's caches of earlier bundles, for this V8: one file per command and Node version.
      const prefix = name.slice(0, name.lastIndexOf('.', name.length - 5) + 1);
      for (const old of readdirSync(dir)) {
        if (!old.startsWith(prefix) || old === name || !old.endsWith('.bin')) continue;
        try {
          unlinkSync(join(dir, old));
        } catch {
          // another process pruned it first
        }
      }
      return true;
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing written
      }
    }
  }
  return false;
}

/**
 * Runs `file` (CommonJS, ASCII) as Node would require it, with `__emvsimFileUrl` (the file's URL, what
 * the bundle's `import.meta.url` became) in scope. Returns whether a cache was used.
 * @param {string} file absolute path of the script
 * @param {{ packageDir: string, command?: string, enabled?: boolean }} options
 */
function runCached(file, { packageDir, command, enabled = process.env.EMVSIM_CODE_CACHE !== '0' }) {
  // latin1: the build escapes every non-ASCII character, and a one-byte string is the fastest to make.
  const source = readFileSync(file, 'latin1');
  const dirs = enabled ? cacheDirectories(packageDir) : [];
  let name;
  let cached;
  let own = false;
  if (enabled) {
    try {
      name = cacheName(file, command);
      cached = readCache(dirs, name);
      own = cached !== undefined;
      // A command's first run starts from the shared cache (the build writes one, running `--help`):
      // V8 then skips parsing the whole script and compiles only the functions this command adds.
      const shared = cacheName(file, undefined);
      if (!cached && shared !== name) cached = readCache(dirs, shared);
    } catch {
      enabled = false;
    }
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname, __emvsimFileUrl) {${source}\n})`;
  const script = new Script(wrapper, {
    filename: file,
    ...(cached ? { cachedData: cached.data } : {}),
  });
  const hit = cached !== undefined && script.cachedDataRejected === false;
  if (enabled && !(own && hit)) {
    // After the command ran, so the cache holds the functions it compiled, not only the top level.
    process.once('exit', () => {
      try {
        writeCache(cached ? [cached.dir, ...dirs.filter((d) => d !== cached.dir)] : dirs, name, script.createCachedData());
      } catch {
        // no cache this time
      }
    });
  }
  // A script has no import() on Node 20 (vm.Script needs --experimental-vm-modules for one): the build
  // turns the bundle's import() of packages into require(), and src/documents/import-module.ts borrows this
  // module's import() for a user's file.
  globalThis[Symbol.for('emvsim.import')] ??= (specifier) => import(specifier);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href);
  return hit;
}

module.exports = { runCached, cacheDirectories, cacheName };
