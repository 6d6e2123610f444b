// Runs a CommonJS script (the CLI bundle, dist/bundle/emvsim.cjs) with a V8 code cache of our own, as
// v8-compile-cache does: Node 20 has no compile cache (module.enableCompileCache is 22.1+), and V8
// compiling the 1.2 MB bundle costs ~35 ms of every start where reading its cache costs ~4 ms.
//
// - The cache is written once per bundle, Node/V8 version and command (`transact`, `tlv`...), at the
//   exit of the first run, after the command ran: it then holds the functions that command compiled.
//   That first run starts from the shared cache (`other`, which the build writes) when there is one.
// - It lives in dist/.code-cache/ of the package, or, when that is not writable (a global install),
//   in os.tmpdir()/emvsim-code-cache-<uid>, a directory only this user owns and can write. Either is
//   read only when it is a directory nobody else can write (the package's may belong to the owner of
//   the bundle, as after `sudo npm install -g`).
// - It is keyed by the SHA-256 of the bundle's content (the build writes it beside the bundle,
//   emvsim.cjs.sha256; without it the bundle is hashed here) and by V8's version, platform and arch.
//   V8 checks only the source's length (SerializedCodeData::SourceHash), and npm gives every file
//   the same mtime, so neither size nor mtime nor inode tells two bundles apart.
// - Each file starts with a header holding a SHA-256 of the data: release builds of V8 do not verify
//   their own checksum, so a torn or flipped file would otherwise be run. Rejected, unreadable or
//   corrupt data is replaced on exit (temp file, fsync, rename); an unwritable directory means no
//   cache, never an error.
// EMVSIM_CODE_CACHE=0 turns it off (to measure, or to rule it out).
// CommonJS (bin/package.json), like bin/emvsim.js: Node then starts without its ES-module loader.
'use strict';
const { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { createRequire } = require('node:module');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

/**
 * `dir` when it is a directory owned by this user (or by `alsoOwner`) that no group or other user can
 * write (created when `create`), else undefined.
 */
function ownedDirectory(dir, create, alsoOwner) {
  try {
    if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    const uid = process.getuid?.();
    // Another user's directory, or one others can write, could hand us code: not used. (Where there are
    // no POSIX owners, on Windows, only that it is a directory is checked.)
    if (!st.isDirectory() || (uid !== undefined && ((st.uid !== uid && st.uid !== alsoOwner) || (st.mode & 0o022) !== 0))) return undefined;
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

const HEX64 = /^[0-9a-f]{64}(?=\s)/;

/**
 * The SHA-256 (hex) of the bundle's content: from the `<file>.sha256` the build writes (sha256sum's
 * format) when that is no older than the file, else computed from `bytes`.
 */
function contentHash(file, fileStat, bytes) {
  try {
    const sidecar = `${file}.sha256`;
    if (statSync(sidecar).mtimeMs >= fileStat.mtimeMs) {
      const m = HEX64.exec(readFileSync(sidecar, 'latin1'));
      if (m) return m[0];
    }
  } catch {
    // no sidecar: hashed below
  }
  return createHash('sha256').update(bytes).digest('hex');
}

/** The cache file name for the script with this content hash, this V8 and this command (the first argument). */
function cacheName(hash, command) {
  const v8 = process.versions.v8.replace(/[^0-9A-Za-z]/g, '_');
  return `${commandKey(command)}.v8-${v8}-${process.platform}-${process.arch}.${hash.slice(0, 32)}.bin`;
}

// A cache file: MAGIC, the SHA-256 of the data, then V8's data.
const MAGIC = Buffer.from('emvsim-code-cache-1\n', 'latin1');
const HEADER = MAGIC.length + 32;

/** V8's data of a cache file when its header and digest hold, else undefined (torn, flipped, foreign). */
function verifiedData(file) {
  if (file.length <= HEADER || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const data = file.subarray(HEADER);
  const digest = createHash('sha256').update(data).digest();
  return digest.equals(file.subarray(MAGIC.length, HEADER)) ? data : undefined;
}

/** A cache file's bytes for V8's `data`. */
function framed(data) {
  return Buffer.concat([MAGIC, createHash('sha256').update(data).digest(), data]);
}

/** One cache per command name; options first (`--help`) and anything unusual share one. */
function commandKey(command) {
  return /^[a-z][a-z0-9-]{0,23}$/.test(command ?? '') ? command : 'other';
}

/**
 * The directories a cache may be read from: each only when nobody but this user (or, for the package's
 * own, the owner of the script beside it) can write it.
 */
function readableDirectories(dirs, scriptOwner) {
  return dirs.filter((dir, i) => ownedDirectory(dir, false, i === 0 ? scriptOwner : undefined));
}

/** The verified cache `name` from the first of `dirs` that has it; `corrupt` when a file was there but failed. */
function readCache(dirs, name) {
  for (const dir of dirs) {
    let file;
    try {
      file = readFileSync(join(dir, name));
    } catch {
      continue; // not cached there
    }
    const data = verifiedData(file);
    return data ? { dir, data } : { dir, corrupt: true };
  }
  return undefined;
}

/** Writes `data` atomically (temp file, fsync, rename) to the first directory that takes it. */
function writeCache(dirs, name, data) {
  for (const candidate of dirs) {
    const dir = ownedDirectory(candidate, true);
    if (!dir) continue;
    const tmp = join(dir, `${name}.${process.pid}.tmp`);
    try {
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
        // At exit, after the command's output: a torn file is caught by the digest, this keeps it rare.
        fsyncSync(fd);
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
  const bytes = readFileSync(file);
  // latin1: the build escapes every non-ASCII character, and a one-byte string is the fastest to make.
  const source = bytes.toString('latin1');
  const dirs = enabled ? cacheDirectories(packageDir) : [];
  let name;
  let cached;
  let own = false;
  if (enabled) {
    try {
      const fileStat = statSync(file);
      const hash = contentHash(file, fileStat, bytes);
      const readable = readableDirectories(dirs, fileStat.uid);
      name = cacheName(hash, command);
      cached = readCache(readable, name);
      own = cached?.data !== undefined;
      // A command's first run starts from the shared cache (the build writes one, running `--help`):
      // V8 then skips parsing the whole script and compiles only the functions this command adds.
      const shared = cacheName(hash, undefined);
      if (!own && shared !== name) cached = readCache(readable, shared) ?? cached;
      if (cached?.data === undefined) cached = cached && { dir: cached.dir };
    } catch {
      enabled = false;
    }
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname, __emvsimFileUrl) {${source}\n})`;
  const script = new Script(wrapper, {
    filename: file,
    ...(cached?.data ? { cachedData: cached.data } : {}),
  });
  const hit = cached?.data !== undefined && script.cachedDataRejected === false;
  if (enabled && !(own && hit)) {
    // After the command ran, so the cache holds the functions it compiled, not only the top level.
    process.once('exit', () => {
      try {
        writeCache(cached ? [cached.dir, ...dirs.filter((d) => d !== cached.dir)] : dirs, name, framed(script.createCachedData()));
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

module.exports = { runCached, cacheDirectories, cacheName, contentHash };
