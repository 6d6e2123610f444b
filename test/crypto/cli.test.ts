/** `emvsim crypto` end to end (spawned through tsx): outputs, --json, exit codes. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from './known-answers.js';

function emvsim(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'main.ts'), ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('emvsim crypto', () => {
  test('derive-icc-mk option A (pyemv doctest value)', () => {
    const r = emvsim('crypto', 'derive-icc-mk', '--imk', '0123456789ABCDEFFEDCBA9876543210', '--pan', '12345678901234567', '--psn', '01', '--option', 'a');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('73AD54688CEF2934B0979857E3C719F1\n');
  });

  test('arpc method 2 --json', () => {
    const r = emvsim('crypto', 'arpc', '--method', '2', '--key', 'AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB', '--arqc', '1234567890ABCDEF', '--csu', '00000000', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ method: 2, arpc: '9308BEBC' });
  });

  test('luhn keeps a 19-digit PAN as a string and exits 1 when invalid', () => {
    const r = emvsim('crypto', 'luhn', '9578526412345678903', '--json');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ input: '9578526412345678903', valid: false });
  });

  test.each([
    [['crypto', 'kcv', '--key', '01G3'], /--key: invalid hex digit 'G'/],
    [['crypto', 'ac', '--sk', '0011', '--data', '00'], /--sk: 2 bytes; expected 16 bytes/],
    [['crypto', 'derive-icc-mk', '--imk', '0123456789ABCDEFFEDCBA9876543210', '--pan', '12AB', '--option', 'a'], /--pan/],
  ])('bad input exits 2 with one line: %j', (args, message) => {
    const r = emvsim(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
