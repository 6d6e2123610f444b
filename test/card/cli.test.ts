/** `emvsim card`, `apdu send --card` and `explore --card` end to end (spawned through tsx). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLuhnValid } from '../../src/crypto/luhn.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'emvsim-card-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function emvsim(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('emvsim card / apdu send / explore', () => {
  const file = join(dir, 'giro.json');

  it('card new --json prints pan, pin, aid and file, and writes the card file', () => {
    const r = emvsim('card', 'new', '--profile', 'girocard', '--out', file, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { pan: string; pin: string; aid: string; file: string };
    expect(out.file).toBe(file);
    expect(out.pin).toBe('1234');
    expect(out.aid).toBe('A000000059101002');
    expect(out.pan).toMatch(/^672000\d{13}$/);
    expect(isLuhnValid(out.pan)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).profile.pan).toBe(out.pan);
  });

  // girocard PDOL 9F0206 5F2A02 9F1A02 9C01: amount 10.00, EUR, Germany, purchase.
  const GPO = '80A800000D830B00000000100009780276' + '0000';
  const SELECT = '00A4040008A00000005910100200';
  const WRONG_PIN = '0020008008249999FFFFFFFFFF';

  it('apdu send --card prints the decoded trace and writes the new state back', () => {
    const r = emvsim('apdu', 'send', '--card', file, SELECT, GPO, WRONG_PIN, '80CA9F1700');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('SELECT');
    expect(r.stdout).toContain('GET PROCESSING OPTIONS');
    expect(r.stdout).toContain('63C2');
    expect(r.stdout).toMatch(/9F17 .*\(1\): 02 /);
    expect(JSON.parse(readFileSync(file, 'utf8')).state.pinTryCounter).toBe(2);
  });

  it('apdu --card <hex..> (no subcommand) is apdu send: same trace, same state written back', () => {
    // VERIFY right after SELECT: no transaction initiated yet, so 6985 and no try spent (Book 3 §6.5.12, CCD).
    const r = emvsim('apdu', '--card', file, SELECT, WRONG_PIN, '80CA9F1700');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/VERIFY.*\n(.*\n)*?.*6985 .*conditions of use not satisfied/);
    expect(r.stdout).toMatch(/9F17 .*\(1\): 02 /);
    expect(JSON.parse(readFileSync(file, 'utf8')).state.pinTryCounter).toBe(2);
    const json = emvsim('apdu', '--card', file, '--json', SELECT, '80CA9F3600');
    expect(json.status).toBe(0);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; sw?: string });
    expect(lines.filter((l) => l.type === 'apdu').map((l) => l.sw)).toEqual(['9000', '9000']);
  });

  it('apdu parse still decodes; apdu parse rejects --card; apdu alone asks for a subcommand or APDUs', () => {
    const parse = emvsim('apdu', 'parse', '80CA9F1700');
    expect(parse.status).toBe(0);
    expect(parse.stdout).toMatch(/INS\s+CA\s+GET DATA/);
    const withCard = emvsim('apdu', 'parse', '--card', file, '80CA9F1700');
    expect(withCard.status).toBe(2);
    expect(withCard.stderr).toMatch(/Unknown argument: card/);
    const bare = emvsim('apdu');
    expect(bare.status).toBe(2);
    expect(bare.stderr.trim().split('\n')).toHaveLength(1);
    expect(bare.stderr).toMatch(/apdu subcommand \(parse, send\)/);
  });

  it('a malformed APDU argument exits 2 naming which argument (1-based) and where, and sends nothing', () => {
    const before = readFileSync(file, 'utf8');
    for (const args of [['apdu', 'send', '--card', file, SELECT, '00'], ['apdu', '--card', file, SELECT, '00']]) {
      const r = emvsim(...args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual(['emvsim: APDU #2: a command APDU needs at least 4 header bytes, got 1 at byte offset 1']);
    }
    const hex = emvsim('apdu', '--card', file, SELECT, WRONG_PIN, '80CA9F17Z0');
    expect(hex.status).toBe(2);
    expect(hex.stderr.trim()).toBe("emvsim: APDU #3: invalid hex digit 'Z' at character 8");
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('explore --card --json lists both girocard applications and their records', () => {
    const r = emvsim('explore', '--card', file, '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { applications: { aid: string; records: unknown[]; data: Record<string, string> }[] };
    expect(out.applications.map((a) => a.aid)).toEqual(['A000000059101002', 'D27600002547410100']);
    expect(out.applications[0]!.records.length).toBe(5);
    expect(out.applications[0]!.data['9F17']).toBe('02');
  });

  it('card show prints counters; a missing file exits 3, a bad profile 2, each with one line', () => {
    const r = emvsim('card', 'show', file);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('PIN tries left 2 of 3');
    // A missing file is the environment (exit 3, docs/cli.md), still one line.
    const bad = emvsim('card', 'show', join(dir, 'missing.json'));
    expect(bad.status).toBe(3);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const badProfile = emvsim('card', 'new', '--profile', 'nope', '--out', join(dir, 'x.json'));
    expect(badProfile.status).toBe(2);
    expect(badProfile.stderr).toMatch(/nope\.yaml.*no such card profile/);
  });
});

describe('--help examples', () => {
  /** The command column of the Examples section, one entry per line of help text. */
  function exampleLines(...args: string[]): string[] {
    const r = emvsim(...args, '--help');
    expect(r.status).toBe(0);
    // The examples end where the exit-code epilogue begins.
    const section = r.stdout.split('\nExamples:\n')[1]?.split('\nExit codes:')[0];
    expect(section, `${args.join(' ')} --help has an Examples section`).toBeDefined();
    return section!.split('\n').filter((l) => l.trim() !== '');
  }

  it('the main help keeps each example command on one line (copyable, not wrapped mid-hex)', () => {
    const lines = exampleLines();
    expect(lines.some((l) => l.trim().startsWith('emvsim tlv decode 6F1A840E315041592E5359532E4444463031A5088801025F2D02656E '))).toBe(true);
    for (const l of lines) expect(l.trim()).toMatch(/^emvsim /);
  });

  it('apdu, trace show, card show, crypto, crypto oda, hid and watch show examples', () => {
    for (const cmd of [['apdu'], ['trace', 'show'], ['card', 'show'], ['crypto'], ['crypto', 'oda'], ['hid', 'list'], ['watch']]) {
      const lines = exampleLines(...cmd);
      expect(lines.length, cmd.join(' ')).toBeGreaterThan(0);
      expect(lines.some((l) => l.includes(`emvsim ${cmd[0]}`)), cmd.join(' ')).toBe(true);
    }
  });
});
