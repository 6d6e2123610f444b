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

  it('apdu send --card prints the decoded trace and writes the new state back', () => {
    const r = emvsim('apdu', 'send', '--card', file, '00A4040008A00000005910100200', '0020008008249999FFFFFFFFFF', '80CA9F1700');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('SELECT');
    expect(r.stdout).toContain('63C2');
    expect(r.stdout).toMatch(/9F17 .*\(1\): 02 /);
    expect(JSON.parse(readFileSync(file, 'utf8')).state.pinTryCounter).toBe(2);
  });

  it('explore --card --json lists both girocard applications and their records', () => {
    const r = emvsim('explore', '--card', file, '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { applications: { aid: string; records: unknown[]; data: Record<string, string> }[] };
    expect(out.applications.map((a) => a.aid)).toEqual(['A000000059101002', 'D27600002547410100']);
    expect(out.applications[0]!.records.length).toBe(5);
    expect(out.applications[0]!.data['9F17']).toBe('02');
  });

  it('card show prints counters; bad input exits 2 with one line', () => {
    const r = emvsim('card', 'show', file);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('PIN tries left 2 of 3');
    const bad = emvsim('card', 'show', join(dir, 'missing.json'));
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const badProfile = emvsim('card', 'new', '--profile', 'nope', '--out', join(dir, 'x.json'));
    expect(badProfile.status).toBe(2);
    expect(badProfile.stderr).toMatch(/nope\.yaml.*no such card profile/);
  });
});
