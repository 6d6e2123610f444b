/** `apdu --contactless` and `explore --contactless` end to end (spawned through tsx), the Must-show commands of issue 16. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'emvsim-contactless-cli-'));
const file = join(dir, 'c.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function emvsim(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src', 'cli', 'main.ts'), ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const SELECT_PPSE = '00A404000E325041592E5359532E444446303100';

beforeAll(() => {
  expect(emvsim('card', 'new', '--profile', 'contactless-dual', '--out', file, '--seed', '16').status).toBe(0);
}, 60_000);

describe('emvsim apdu / explore --contactless', () => {
  it('apdu --contactless answers the PPSE FCI; over contact the same command answers 6A82', () => {
    const cl = emvsim('apdu', '--card', file, '--contactless', '--json', SELECT_PPSE);
    expect(cl.status).toBe(0);
    const records = cl.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; response?: string; sw?: string; atr?: string });
    expect(records[0]).toMatchObject({ type: 'reset' });
    expect(records[0]!.atr).toMatch(/^3B8E8001/);
    const apdu = records.find((r) => r.type === 'apdu')!;
    expect(apdu.sw).toBe('9000');
    expect(apdu.response).toMatch(/^6F..840E325041592E5359532E4444463031A5..BF0C/);
    const contact = emvsim('apdu', '--card', file, '--json', SELECT_PPSE);
    expect(contact.stdout).toContain('"sw":"6A82"');
  });

  it('explore --contactless --json: Entry Point picks priority 1, reads the records, DDA verified, PAN masked', () => {
    const r = emvsim('explore', '--contactless', '--card', file, '--json', '--un', '01020304', '--date', '261204', '--amount', '2.50');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      label: string;
      entryPoint: { candidates: { adfName: string }[]; outcome: { status: string; encoded: string } };
      application: { adfName: string; terminalData: Record<string, string>; oda: { verdict: string }; records: unknown[] };
    };
    expect(out.label).toMatch(/not an EMV contactless kernel/);
    expect(out.entryPoint.candidates.map((c) => c.adfName)).toEqual(['A0000000031010', 'A0000000032010']);
    expect(out.application.adfName).toBe('A0000000031010');
    expect(out.application.terminalData['9F02']).toBe('000000000250');
    expect(out.application.records).toHaveLength(5);
    expect(out.application.oda.verdict).toBe('verified');
    expect(out.entryPoint.outcome.encoded).toBe('F0F0F0F080F0FF00');
    expect(r.stdout).toMatch(/476173\*+\d{4}/);
  });

  it('--transaction-limit at the amount: Try Another Interface (Book B §3.1.1.5, §3.1.1.13), exit 1', () => {
    const r = emvsim('explore', '--contactless', '--card', file, '--amount', '50.00', '--transaction-limit', '50');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("Outcome: try-another-interface (Outcome Parameter Set 60F0F0F080F0FF00, UI '18' Please Insert or Swipe Card)");
  });

  it('--cvm-limit below the amount sets TTQ byte 2 b7 in the PDOL data (Book B §3.1.1.12)', () => {
    const r = emvsim('explore', '--contactless', '--card', file, '--amount', '50.00', '--cvm-limit', '25.00', '--json');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { application: { terminalData: Record<string, string> } }).application.terminalData['9F66']).toBe('27400000');
  });

  it('amounts are major units in the currency\'s ISO 4217 exponent, like transact --amount (JPY: none; BHD: 3)', () => {
    const jpy = emvsim('explore', '--contactless', '--card', file, '--json', '--currency', '0392', '--amount', '150');
    expect(jpy.status).toBe(0);
    expect((JSON.parse(jpy.stdout) as { application: { terminalData: Record<string, string> } }).application.terminalData['9F02']).toBe('000000000150');
    const bhd = emvsim('explore', '--contactless', '--card', file, '--json', '--currency', '0048', '--amount', '1.234');
    expect((JSON.parse(bhd.stdout) as { application: { terminalData: Record<string, string> } }).application.terminalData['9F02']).toBe('000000001234');
    const decimals = emvsim('explore', '--contactless', '--card', file, '--currency', '0392', '--amount', '1.50');
    expect(decimals.status).toBe(2);
    expect(decimals.stderr).toMatch(/--amount: '1\.50' has 2 decimals; the currency JPY has 0/);
  });

  it('bad terminal data exits 2 naming the option', () => {
    const r = emvsim('explore', '--contactless', '--card', file, '--ttq', '12');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--ttq/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
