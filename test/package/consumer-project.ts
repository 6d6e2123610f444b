/**
 * A consumer project in a temporary folder with emvsim installed from its
 * packed tarball, as a user installs it, but offline: the project gets a
 * package-lock.json whose entries are this repository's own (same versions,
 * same integrity), so `npm ci --offline` takes every package from the local
 * npm cache that the repository's own `npm ci` filled. Install scripts are
 * skipped; better-sqlite3's addon, built for this Node by the repository's
 * install, is copied in (it is the only native module the checks load).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');

interface LockEntry {
  version?: string;
  integrity?: string;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

/** The path of `name` as Node resolves it from the package at `from` (nearest node_modules first). */
function lockPath(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

/** The lock entries `roots` need, with everything they depend on (optional and peer ones when present). */
function closure(packages: Record<string, LockEntry>, roots: Record<string, string>): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  const visit = (from: string, names: readonly string[]) => {
    for (const name of names) {
      const path = lockPath(packages, from, name);
      if (!path || out[path]) continue;
      const entry = packages[path]!;
      out[path] = entry;
      const optionalPeers = Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n);
      const peers = Object.keys(entry.peerDependencies ?? {}).filter((n) => !optionalPeers.includes(n));
      visit(path, [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers]);
    }
  };
  visit('', Object.keys(roots));
  return out;
}

export interface ConsumerProject {
  dir: string;
  /** Runs a command in the project; returns stdout (throws with stdout and stderr when it fails). */
  run(command: string, args: readonly string[]): string;
}

/** What a clean build needs from the working tree (the package's `files` are a subset). */
const STAGED = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'LICENSE', 'README.md', 'bin', 'src', 'bench', 'scripts', 'docs'];

/**
 * Packs the working tree into `dir` as `npm pack` would after a clean build: the files are
 * staged in `dir/stage`, built there with the package's own build script (so no stale file of
 * the repository's dist/ ships, and the repository's dist/ is left alone), then packed.
 * Returns the tarball's path.
 */
export function packTarball(dir: string): string {
  const stage = join(dir, 'stage');
  mkdirSync(stage, { recursive: true });
  for (const entry of STAGED) if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(stage, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: stage, stdio: ['ignore', 'ignore', 'pipe'] });
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [packed] = JSON.parse(out) as { filename: string }[];
  return join(dir, packed!.filename);
}

/** The files the tarball holds, by path inside the package. */
export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
}

/** A project in `dir` with the tarball and the dev tools given (names of this repository's devDependencies). */
export function createConsumerProject(dir: string, tarball: string, devTools: readonly string[]): ConsumerProject {
  const ownLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const own = ownLock.packages;
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  const tgz = 'emvsim.tgz';
  cpSync(tarball, join(dir, tgz));
  const devDependencies = Object.fromEntries(devTools.map((name) => [name, own[`node_modules/${name}`]!.version!]));
  const emvsimEntry: LockEntry = {
    version: String(manifest.version),
    resolved: `file:${tgz}`,
    integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
    license: manifest.license,
    dependencies: manifest.dependencies,
    optionalDependencies: manifest.optionalDependencies,
    bin: manifest.bin,
    engines: manifest.engines,
  };
  const packages: Record<string, LockEntry> = {
    '': { name: 'emvsim-consumer', dependencies: { emvsim: `file:${tgz}` }, devDependencies },
    'node_modules/emvsim': emvsimEntry,
    ...closure(own, { ...manifest.dependencies, ...manifest.optionalDependencies }),
    ...closure(own, devDependencies),
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'emvsim-consumer', private: true, type: 'module', dependencies: { emvsim: `file:${tgz}` }, devDependencies }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'emvsim-consumer', lockfileVersion: 3, requires: true, packages }, null, 2));
  const run = (command: string, args: readonly string[]): string => {
    try {
      return execFileSync(command, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', FORCE_COLOR: '0' } });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${command} ${args.join(' ')} failed in ${dir}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
    }
  };
  run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund']);
  // The one native addon the checks load, built for this Node by the repository's own install.
  const addon = join(ROOT, 'node_modules', 'better-sqlite3', 'build');
  if (existsSync(addon)) cpSync(addon, join(dir, 'node_modules', 'better-sqlite3', 'build'), { recursive: true });
  return { dir, run };
}
