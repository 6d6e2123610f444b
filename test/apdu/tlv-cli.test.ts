/**
 * `emvsim tlv decode`: the tree, the JSON array and the one-line error with
 * exit code 2, run through the real CLI entry point (tsx, no build needed).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FCI = '6F1A840E315041592E5359532E4444463031A5088801025F2D02656E';

function emvsim(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('emvsim tlv decode', () => {
  it('prints the FCI tree with names and decoded values', () => {
    const r = emvsim('tlv', 'decode', FCI);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('6F FCI Template (26)');
    expect(r.stdout).toContain('84 DF Name (14): 315041592E5359532E4444463031  -> 1PAY.SYS.DDF01');
    expect(r.stdout).toContain('A5 FCI Proprietary Template (8)');
    expect(r.stdout).toContain('88 SFI of the Directory Elementary File (1): 02  -> 2');
    expect(r.stdout).toContain('5F2D Language Preference (2): 656E  -> en');
  });

  it("--aid reads 9F6C by the selected application's scheme; without it 9F6C is ambiguous; a bad --aid is exit 2", () => {
    const record = '70059F6C020001';
    expect(emvsim('tlv', 'decode', record, '--aid', 'A0000000041010').stdout).toContain('(2): 0001  -> mag-stripe application version 0001 (Mastercard Mag-stripe Application Version Number (Card))');
    expect(JSON.parse(emvsim('tlv', 'decode', record, '--aid', 'a0000000031010', '--json').stdout)[0].children[0].details).toEqual(['byte 2 b1: RFU bit set']);
    expect(emvsim('tlv', 'decode', record).stdout).toContain('-> ambiguous without the AID (4F/84)');
    const bad = emvsim('tlv', 'decode', record, '--aid', 'A000');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--aid: 'A000' is not an AID (5 to 16 bytes of hex)");
  });

  it('--json prints an array of {tag, name, length, value, children}', () => {
    const r = emvsim('tlv', 'decode', FCI, '--json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ tag: '6F', name: 'FCI Template', length: 26 });
    expect(json[0].children[1].children[1]).toMatchObject({ tag: '5F2D', length: 2, value: '656E', decoded: 'en' });
  });

  it('joins several hex words and keeps leading zeroes', () => {
    const r = emvsim('tlv', 'decode', '0000', '9F35', '01', '22');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('9F35 Terminal Type (1): 22  -> attended, offline with online capability, operated by merchant');
  });

  it('exits 2 with a one-line message naming the offset on truncated input', () => {
    const r = emvsim('tlv', 'decode', '9F0206000000');
    expect(r.status).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('emvsim:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/offset 0/);
    expect(r.stdout).toBe('');
  });
});
