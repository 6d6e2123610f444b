/**
 * The CLI bundle carries better-sqlite3's JavaScript and loads only its native addon from node_modules
 * (scripts/build/bundle.mjs, start-up): a missing or broken addon is still one line naming the package.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from '../built-cli.js';

let scratch: string;

/** emvsim as installed, with node_modules holding only what `setup` puts there. */
function installed(name: string, setup: (nodeModules: string) => void): string {
  const dir = join(scratch, name);
  for (const part of ['bin', 'scripts', 'package.json', join('dist', 'bundle', 'emvsim.cjs'), join('dist', 'documents.json')]) {
    cpSync(join(repoRoot, part), join(dir, part), { recursive: true });
  }
  mkdirSync(join(dir, 'node_modules'));
  setup(join(dir, 'node_modules'));
  return join(dir, 'bin', 'emvsim.js');
}

/** better-sqlite3 as its install leaves it: package.json, lib/ (unused: the bundle has it) and the addon. */
function copySqlite(nodeModules: string): string {
  const from = join(repoRoot, 'node_modules', 'better-sqlite3');
  const to = join(nodeModules, 'better-sqlite3');
  for (const part of ['package.json', 'lib', join('build', 'Release', 'better_sqlite3.node')]) cpSync(join(from, part), join(to, part), { recursive: true, dereference: true });
  return to;
}

/** `binding`: EMVSIM_SQLITE, so that the ledger loads better-sqlite3 on Node 24 too (where it is node:sqlite by default). */
function transact(bin: string, binding?: 'better-sqlite3') {
  const env = { ...process.env, NO_COLOR: '1', ...(binding ? { EMVSIM_SQLITE: binding } : {}) };
  return spawnSync(process.execPath, [bin, 'transact', '--amount', '12.34', '--pin', '1234'], { encoding: 'utf8', env });
}

beforeAll(() => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'emvsim-bundle-native-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('better-sqlite3 inside the CLI bundle', () => {
  const oneLine = /^emvsim: the native module better-sqlite3 is missing or not built for Node [\d.]+: run `npm rebuild better-sqlite3` \(it needs a C\+\+ toolchain\)\n$/;

  it('works with the package installed', () => {
    const bin = installed('ok', copySqlite);
    const r = transact(bin);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^OUTCOME {6}APPROVED/m);
  });

  it.skipIf(Number(process.versions.node.split('.')[0]) < 24)('Node >= 24: works with no better-sqlite3 at all (the ledger is node:sqlite)', () => {
    const r = transact(installed('node-sqlite', () => {}));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^OUTCOME {6}APPROVED/m);
  });

  it('package missing: one line naming it, exit 3', () => {
    const r = transact(installed('missing', () => {}), 'better-sqlite3');
    expect(r.stderr).toMatch(oneLine);
    expect(r.status).toBe(3);
  });

  it('addon not loadable (not built for this Node): one line naming it, exit 3', () => {
    const bin = installed('broken', (nm) => {
      writeFileSync(join(copySqlite(nm), 'build', 'Release', 'better_sqlite3.node'), 'not an ELF file');
    });
    const r = transact(bin, 'better-sqlite3');
    expect(r.stderr).toMatch(oneLine);
    expect(r.status).toBe(3);
  });
});
