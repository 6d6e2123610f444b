/**
 * bin/code-cache.js, the V8 code cache bin/emvsim.js runs the CLI bundle with (start-up, issue 15): used
 * on the second run, keyed by the bundle's content, rewritten when corrupt (its own digest, since release
 * V8 does not verify its checksum), moved to an owned temporary directory when the package's is not
 * writable, read only from directories nobody else can write, and never an error: whatever goes wrong,
 * the command runs as without it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from '../built-cli.js';

const TLV = ['tlv', 'decode', '6F1A840E315041592E5359532E4444463031A5088801025F2D02656E'];
let scratch: string;
let expected: string;

/** A package with bin/ and the bundle; `run(args)` runs the bundle and says whether the cache was used. */
function makePackage(name: string): { dir: string; cacheDir: string; run: (args: string[], env?: NodeJS.ProcessEnv) => { stdout: string; hit: boolean } } {
  const dir = join(scratch, name);
  cpSync(join(repoRoot, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(repoRoot, 'dist', 'bundle', 'emvsim.cjs'), join(dir, 'dist', 'bundle', 'emvsim.cjs'));
  const runner = join(dir, 'bin', 'run-reporting.cjs');
  writeFileSync(
    runner,
    "const hit = require('./code-cache.js').runCached(require('node:path').join(__dirname, '..', 'dist', 'bundle', 'emvsim.cjs'), { packageDir: require('node:path').join(__dirname, '..'), command: process.argv[2] });\n" +
      "process.on('exit', () => process.stderr.write(`cache hit: ${hit}\\n`));\n",
  );
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(process.execPath, [runner, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
    expect(r.status, r.stderr).toBe(0);
    return { stdout: r.stdout, hit: /cache hit: true/.test(r.stderr) };
  };
  return { dir, cacheDir: join(dir, 'dist', '.code-cache'), run };
}

beforeAll(() => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'emvsim-code-cache-'));
  expected = execFileSync(process.execPath, [join(repoRoot, 'bin', 'emvsim.js'), ...TLV], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the code cache', () => {
  it('is written by the first run of a command and used by the next', () => {
    const p = makePackage('fresh');
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: false });
    expect(readdirSync(p.cacheDir)).toEqual([expect.stringMatching(/^tlv\.v8-[\w]+-\w+-\w+\.[0-9a-f]{32}\.bin$/)]);
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: true });
  });

  it("a command's first run starts from the shared cache, then writes its own", () => {
    const p = makePackage('shared');
    const version = p.run(['--version', '--debug']);
    expect(version.hit).toBe(false);
    expect(readdirSync(p.cacheDir)).toEqual([expect.stringMatching(/^other\./)]);
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: true });
    expect(readdirSync(p.cacheDir).map((f) => f.split('.')[0]).sort()).toEqual(['other', 'tlv']);
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: true });
  });

  it('corrupt or truncated data is not used and is rewritten', () => {
    const p = makePackage('corrupt');
    p.run(TLV);
    const [file] = readdirSync(p.cacheDir);
    writeFileSync(join(p.cacheDir, file!), Buffer.alloc(64, 0xa5));
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: false });
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: true });
    writeFileSync(join(p.cacheDir, file!), '');
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: false });
  });

  it('one flipped byte in the middle of a real cache file is caught by its digest, and the file rewritten', () => {
    const p = makePackage('flipped');
    p.run(TLV);
    const [file] = readdirSync(p.cacheDir);
    const path = join(p.cacheDir, file!);
    const good = readFileSync(path);
    const flipped = Buffer.from(good);
    flipped[flipped.length >> 1]! ^= 0x01;
    writeFileSync(path, flipped);
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: false });
    const rewritten = readFileSync(path);
    expect(rewritten.equals(flipped)).toBe(false);
    // The header's SHA-256 covers what follows it: the rewritten file is whole again and used.
    const header = 'emvsim-code-cache-1\n'.length;
    expect(rewritten.subarray(0, header).toString('latin1')).toBe('emvsim-code-cache-1\n');
    expect(createHash('sha256').update(rewritten.subarray(header + 32)).digest().equals(rewritten.subarray(header, header + 32))).toBe(true);
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: true });
  });

  it('a bundle of the same size, mtime and inode but other content does not run the old cache', () => {
    const p = makePackage('same-size');
    const bundle = join(p.dir, 'dist', 'bundle', 'emvsim.cjs');
    // npm gives every file of a package the same mtime (1985-10-26); an upgrade may reuse the inode.
    const npmTime = new Date('1985-10-26T08:15:00Z');
    utimesSync(bundle, npmTime, npmTime);
    p.run(TLV);
    expect(p.run(TLV).hit).toBe(true);
    const before = statSync(bundle);
    const text = readFileSync(bundle, 'latin1');
    expect(text.split('Language Preference')).toHaveLength(2);
    writeFileSync(bundle, text.replace('Language Preference', 'Language Pr3ference'), 'latin1');
    utimesSync(bundle, npmTime, npmTime);
    const after = statSync(bundle);
    expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino]);
    const run = p.run(TLV);
    expect(run.stdout).toBe(expected.replace('Language Preference', 'Language Pr3ference'));
    expect(run.hit).toBe(false);
    expect(p.run(TLV)).toEqual({ stdout: run.stdout, hit: true });
  });

  it("uses the build's content hash beside the bundle, unless that file is older than the bundle", () => {
    const p = makePackage('sidecar');
    const bundle = join(p.dir, 'dist', 'bundle', 'emvsim.cjs');
    const digest = createHash('sha256').update(readFileSync(bundle)).digest('hex');
    // Without the sidecar the bundle is hashed: the same name.
    p.run(TLV);
    expect(readdirSync(p.cacheDir)).toEqual([expect.stringContaining(`.${digest.slice(0, 32)}.bin`)]);
    // With it, its hash is the key (here a made-up one, to see that it is read rather than recomputed).
    const madeUp = 'ab'.repeat(32);
    writeFileSync(`${bundle}.sha256`, `${madeUp}  emvsim.cjs\n`);
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: false });
    expect(readdirSync(p.cacheDir)).toEqual([expect.stringContaining(`.${madeUp.slice(0, 32)}.bin`)]);
    // A sidecar older than the bundle (a bundle copied over by hand) is not believed.
    const old = new Date(statSync(bundle).mtimeMs - 60_000);
    utimesSync(`${bundle}.sha256`, old, old);
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: false });
    expect(readdirSync(p.cacheDir)).toEqual([expect.stringContaining(`.${digest.slice(0, 32)}.bin`)]);
    // The build writes the real one, in sha256sum's format.
    expect(readFileSync(join(repoRoot, 'dist', 'bundle', 'emvsim.cjs.sha256'), 'utf8')).toBe(
      `${createHash('sha256').update(readFileSync(join(repoRoot, 'dist', 'bundle', 'emvsim.cjs'))).digest('hex')}  emvsim.cjs\n`,
    );
  });

  it("reads the package's cache directory only when nobody else can write it", () => {
    const p = makePackage('package-dir');
    const tmp = join(scratch, 'tmp-for-package-dir');
    mkdirSync(tmp);
    p.run(TLV, { TMPDIR: tmp });
    expect(p.run(TLV, { TMPDIR: tmp }).hit).toBe(true);
    chmodSync(p.cacheDir, 0o770);
    expect(p.run(TLV, { TMPDIR: tmp })).toEqual({ stdout: expected, hit: false });
    chmodSync(p.cacheDir, 0o700);
    expect(p.run(TLV, { TMPDIR: tmp }).hit).toBe(true);
  });

  it.skipIf(process.getuid?.() !== 0)("reads a package cache directory of another user only when that user owns the bundle (root only)", () => {
    const p = makePackage('other-owner');
    const tmp = join(scratch, 'tmp-for-other-owner');
    mkdirSync(tmp);
    p.run(TLV, { TMPDIR: tmp });
    const nobody = 65534;
    chownSync(p.cacheDir, nobody, nobody);
    for (const f of readdirSync(p.cacheDir)) chownSync(join(p.cacheDir, f), nobody, nobody);
    // Not ours and not the bundle's owner's: not read (the run writes its cache under TMPDIR instead).
    expect(p.run(TLV, { TMPDIR: tmp })).toEqual({ stdout: expected, hit: false });
    rmSync(join(tmp), { recursive: true });
    mkdirSync(tmp);
    // `sudo npm install -g`: the package, bundle and cache belong to one user, who alone can write them.
    chownSync(join(p.dir, 'dist', 'bundle', 'emvsim.cjs'), nobody, nobody);
    expect(p.run(TLV, { TMPDIR: tmp })).toEqual({ stdout: expected, hit: true });
  });

  it('goes to an owned directory under TMPDIR when the package cannot hold it, and is off when neither can', () => {
    const p = makePackage('unwritable');
    writeFileSync(p.cacheDir, 'not a directory'); // what an unwritable package directory amounts to, even for root
    const tmp = join(scratch, 'tmp-for-unwritable');
    mkdirSync(tmp);
    expect(p.run(TLV, { TMPDIR: tmp })).toEqual({ stdout: expected, hit: false });
    const [owned] = readdirSync(tmp);
    expect(owned).toMatch(/^emvsim-code-cache-/);
    expect(p.run(TLV, { TMPDIR: tmp })).toEqual({ stdout: expected, hit: true });
    // A directory others can write could hand us code: neither read nor written.
    chmodSync(join(tmp, owned!), 0o777);
    expect(p.run(TLV, { TMPDIR: tmp })).toEqual({ stdout: expected, hit: false });
    // Nowhere to write: the command runs all the same.
    const nowhere = join(scratch, 'nowhere');
    writeFileSync(nowhere, '');
    expect(p.run(TLV, { TMPDIR: nowhere })).toEqual({ stdout: expected, hit: false });
  });

  it('EMVSIM_CODE_CACHE=0 turns it off', () => {
    const p = makePackage('off');
    expect(p.run(TLV, { EMVSIM_CODE_CACHE: '0' })).toEqual({ stdout: expected, hit: false });
    expect(() => readdirSync(p.cacheDir)).toThrow(/ENOENT/);
  });

  it('each command has its own cache, and a rebuilt bundle replaces the old one', () => {
    const p = makePackage('commands');
    p.run(TLV);
    p.run(['atr', '3B6800000073C84013009000']);
    expect(readdirSync(p.cacheDir).map((f) => f.split('.')[0]).sort()).toEqual(['atr', 'tlv']);
    // Another bundle (here: the same text, one byte longer) gets its own key; the old tlv cache goes.
    const bundle = join(p.dir, 'dist', 'bundle', 'emvsim.cjs');
    cpSync(join(repoRoot, 'dist', 'bundle', 'emvsim.cjs'), bundle);
    writeFileSync(bundle, '\n', { flag: 'a' });
    // Another Node version's cache of the same command stays (one per command and V8).
    const otherNode = `tlv.v8-99_0_0-linux-x64.${'0'.repeat(32)}.bin`;
    writeFileSync(join(p.cacheDir, otherNode), 'another V8');
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: false });
    expect(readdirSync(p.cacheDir).filter((f) => f.startsWith('tlv.')).sort()).toEqual([expect.stringMatching(/^tlv\.v8-/), otherNode].sort());
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: true });
  });
});
