/**
 * bin/emvsim.js answers `emvsim --help` and `emvsim --version` alone without loading yargs (start-up,
 * issue 15): the help is the text the bundle's yargs printed at build time (dist/bundle/help.json).
 * Here it is checked against what that same bundle's yargs prints now, so the two cannot drift.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBin, ensureBuilt, repoRoot } from '../built-cli.js';

const bundle = join(repoRoot, 'dist', 'bundle', 'emvsim.cjs');
let scratch: string;

/** The bundle's own yargs, run as bin/emvsim.js runs it, but never through the fast path. */
function throughYargs(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const runner = join(scratch, 'through-yargs.cjs');
  writeFileSync(runner, `require(${JSON.stringify(join(repoRoot, 'bin', 'code-cache.js'))}).runCached(${JSON.stringify(bundle)}, { packageDir: ${JSON.stringify(repoRoot)}, enabled: false });\n`);
  return execFileSync(process.execPath, [runner, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

function emvsim(args: string[], env: NodeJS.ProcessEnv = {}, bin = cliBin): string {
  return execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

beforeAll(() => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'emvsim-fast-path-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('emvsim --help and --version without yargs', () => {
  it('the built help is what yargs prints, byte for byte, whatever the locale', () => {
    const yargsHelp = throughYargs(['--help']);
    expect(yargsHelp).toMatch(/^emvsim <command> \[options\]\n/);
    expect(yargsHelp).toContain('Exit codes: 0 success');
    expect(JSON.parse(readFileSync(join(repoRoot, 'dist', 'bundle', 'help.json'), 'utf8')).help).toBe(yargsHelp);
    expect(emvsim(['--help'])).toBe(yargsHelp);
    expect(emvsim(['-h'])).toBe(yargsHelp);
    // The bundle carries no yargs translations: a German locale prints the same English help both ways.
    const german = { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' };
    expect(throughYargs(['--help'], german)).toBe(yargsHelp);
    expect(emvsim(['--help'], german)).toBe(yargsHelp);
  });

  it('the version is what yargs prints: emvsim own, from its package.json', () => {
    const version = `${JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version}\n`;
    expect(throughYargs(['--version'])).toBe(version);
    expect(emvsim(['--version'])).toBe(version);
    expect(emvsim(['-v'])).toBe(version);
  });

  it('anything beside --help goes to yargs (subcommand help, a second option)', () => {
    expect(emvsim(['tlv', '--help'])).toBe(throughYargs(['tlv', '--help']));
    expect(emvsim(['--help', '--debug'])).toBe(throughYargs(['--help', '--debug']));
  });

  it('the code cache is kept per command name from the help; a typo shares the `other` cache', () => {
    const copy = join(scratch, 'commands');
    cpSync(join(repoRoot, 'bin'), join(copy, 'bin'), { recursive: true });
    cpSync(join(repoRoot, 'package.json'), join(copy, 'package.json'));
    cpSync(join(repoRoot, 'dist', 'bundle', 'emvsim.cjs'), join(copy, 'dist', 'bundle', 'emvsim.cjs'));
    cpSync(join(repoRoot, 'dist', 'bundle', 'help.json'), join(copy, 'dist', 'bundle', 'help.json'));
    const bin = join(copy, 'bin', 'emvsim.js');
    const typo = spawnSync(process.execPath, [bin, 'tarnsact'], { encoding: 'utf8' });
    expect(typo.stderr).toBe('emvsim: Did you mean transact? (see emvsim --help)\n');
    expect(typo.status).toBe(2);
    expect(emvsim(['atr', '3B6800000073C84013009000'], {}, bin)).toMatch(/^ATR /m);
    expect(readdirSync(join(copy, 'dist', '.code-cache')).map((f) => f.split('.')[0]).sort()).toEqual(['atr', 'other']);
  });

  it('a help.json of another bundle is not used: yargs answers', () => {
    const copy = join(scratch, 'package');
    cpSync(join(repoRoot, 'bin'), join(copy, 'bin'), { recursive: true });
    cpSync(join(repoRoot, 'package.json'), join(copy, 'package.json'));
    cpSync(bundle, join(copy, 'dist', 'bundle', 'emvsim.cjs'));
    writeFileSync(join(copy, 'dist', 'bundle', 'help.json'), JSON.stringify({ bundleBytes: 1, help: 'stale help\n' }));
    expect(emvsim(['--help'], {}, join(copy, 'bin', 'emvsim.js'))).toBe(throughYargs(['--help']));
  });
});
