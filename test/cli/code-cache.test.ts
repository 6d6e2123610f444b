/**
 * bin/code-cache.js, the V8 code cache bin/emvsim.js runs the CLI bundle with (start-up, issue 15): used
 * on the second run, rewritten when corrupt, moved to an owned temporary directory when the package's
 * is not writable, and never an error: whatever goes wrong, the command runs as without it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
    expect(readdirSync(p.cacheDir)).toEqual([expect.stringMatching(/^tlv\.v8-[\w]+-\w+-\w+\.\d+-\d+-\d+\.bin$/)]);
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

  it('corrupt or truncated data is rejected by V8 and rewritten', () => {
    const p = makePackage('corrupt');
    p.run(TLV);
    const [file] = readdirSync(p.cacheDir);
    writeFileSync(join(p.cacheDir, file!), Buffer.alloc(64, 0xa5));
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: false });
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: true });
    writeFileSync(join(p.cacheDir, file!), '');
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: false });
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
    const otherNode = 'tlv.v8-99_0_0-linux-x64.1-2-3.bin';
    writeFileSync(join(p.cacheDir, otherNode), 'another V8');
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: false });
    expect(readdirSync(p.cacheDir).filter((f) => f.startsWith('tlv.')).sort()).toEqual([expect.stringMatching(/^tlv\.v8-/), otherNode].sort());
    expect(p.run(TLV)).toEqual({ stdout: expected, hit: true });
  });
});
