/** `emvsim crypto` end to end (spawned through tsx): outputs, --json, exit codes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    [['crypto', 'oda', '--input', 'scripts/ca/example-sda-chain.json', '--tag', '90='], /--tag: tag 90 has an empty value/],
    [['crypto', 'oda', '--input', 'scripts/ca/example-sda-chain.json', '--tag', '92= '], /--tag: tag 92 has an empty value/],
  ])('bad input exits 2 with one line: %j', (args, message) => {
    const r = emvsim(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('oda: a left-out issuer key remainder (92) is named as the cause, with the key and room sizes (Book 2 §5.3)', () => {
    // The shipped SDA example: 1408-bit CA and issuer keys, N_I = 176 bytes, room N_CA - 36 = 140 (Book 2 Table 6).
    const example = JSON.parse(readFileSync(path.join(repoRoot, 'scripts', 'ca', 'example-sda-chain.json'), 'utf8')) as { tags: Record<string, string> };
    delete example.tags['92'];
    const dir = mkdtempSync(path.join(tmpdir(), 'emvsim-oda-'));
    try {
      const file = path.join(dir, 'no-92.json');
      writeFileSync(file, JSON.stringify(example));
      const r = emvsim('crypto', 'oda', '--input', file);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(
        'FAIL issuer certificate: issuer public key remainder (92) missing but required: the key is 176 bytes, only 140 fit in the certificate (Book 2 §5.3)',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
