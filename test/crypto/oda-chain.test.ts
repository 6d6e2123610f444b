/**
 * verifyOdaChain and `emvsim crypto oda` on the example chains shipped in scripts/ca/ (made
 * under the emvsim test CA, CAPK A000000003/E5): every step verifies, and each kind of damage
 * is named at the step where a kernel would detect it (Book 3 §10.3, Book 2 §5-§6).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { buildInputs, runOda } from '../../src/cli/crypto/oda-run.js';
import type { OdaArgs } from '../../src/cli/crypto/oda.js';
import { loadDefaultCapks } from '../../src/crypto/capk.js';
import { verifyOdaChain } from '../../src/crypto/oda/verify-chain.js';
import { repoRoot } from './oda-fixtures.js';

const example = (m: 'sda' | 'dda' | 'cda') => path.join(repoRoot, 'scripts', 'ca', `example-${m}-chain.json`);
const args = (over: Partial<OdaArgs>): OdaArgs => ({ json: true, ...over });

async function runJson(a: OdaArgs): Promise<{ code: number; out: { ok: boolean; method: string; steps: { object: string; recovered: string; fields: Record<string, unknown>; hashValid: boolean; failures: string[] }[]; failures: string[] } }> {
  let text = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    text += String(s);
    return true;
  });
  try {
    const code = await runOda(a);
    return { code, out: JSON.parse(text) };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('emvsim crypto oda on the shipped example chains', () => {
  it.each([
    ['sda', ['issuer certificate', 'signed static data']],
    ['dda', ['issuer certificate', 'ICC certificate', 'signed dynamic data']],
    ['cda', ['issuer certificate', 'ICC certificate', 'signed dynamic data']],
  ] as const)('%s verifies step by step', async (m, objects) => {
    const { code, out } = await runJson(args({ input: example(m) }));
    expect(out.failures).toEqual([]);
    expect(code).toBe(0);
    expect(out.method).toBe(m.toUpperCase());
    expect(out.steps.map((s) => s.object)).toEqual(objects);
    for (const s of out.steps) {
      expect(s.hashValid).toBe(true);
      expect(s.recovered.startsWith('6A')).toBe(true);
      expect(s.recovered.endsWith('BC')).toBe(true);
    }
    expect(out.steps[0]!.fields).toMatchObject({ issuerIdentifier: '476173', expiry: '1249', serial: '000001', hashAlgorithm: '01', publicKeyLength: 176 });
  });

  it('names each failed check: expired ICC certificate and PAN mismatch', async () => {
    const { code, out } = await runJson(args({ input: example('dda'), date: '300115', pan: '4761739001010028' }));
    expect(code).toBe(1);
    expect(out.failures).toEqual([
      'ICC certificate: PAN 4761739001010010 in the certificate differs from the application PAN 4761739001010028',
      'ICC certificate: expired 12/29 before transaction date 2030-01-15',
    ]);
  });

  it('a tampered issuer certificate stops the chain at the first step', async () => {
    const file = JSON.parse(readFileSync(example('dda'), 'utf8')) as { tags: Record<string, string> };
    const t90 = fromHex(file.tags['90']!);
    t90[50] = t90[50]! ^ 0xff;
    const { out } = await runJson(args({ input: example('dda'), tag: [`90=${toHex(t90)}`] }));
    expect(out.ok).toBe(false);
    expect(out.steps[0]!.failures).toContain('issuer certificate: hash mismatch');
    expect(out.steps[1]!.failures).toEqual(['ICC certificate: not verified: issuer public key not recovered']);
    expect(out.steps[2]!.failures).toEqual(['signed dynamic data: not verified: ICC public key not recovered']);
  });

  it('the same chain under a public test CAPK of the same size (Visa A000000003/92) fails at recovery', () => {
    const { inputs } = buildInputs(args({ input: example('sda'), capk: 'A000000003:92' }));
    const r = verifyOdaChain(inputs);
    expect(r.ok).toBe(false);
    expect(r.steps[0]!.failures).toContain('issuer certificate: hash mismatch');
  });

  it('CDA: a changed GENERATE AC response is caught by the transaction data hash code', async () => {
    const file = JSON.parse(readFileSync(example('cda'), 'utf8')) as { cda: { response: string } };
    const response = file.cda.response.replace('9F36020012', '9F36020013');
    const { out } = await runJson(args({ input: example('cda'), response }));
    expect(out.failures.length).toBe(1);
    expect(out.failures[0]).toMatch(/^signed dynamic data: transaction data hash code mismatch/);
  });

  it.each([
    ['auto-detected', undefined],
    ['explicit', 'DDA' as const],
  ])('DDA (%s method) without 9F4B fails: certificates alone are not DDA (Book 2 §6.5.2 step 1)', (_label, method) => {
    const { inputs } = buildInputs(args({ input: example('dda') }));
    const { '9F4B': _sdad, ...tags } = inputs.tags;
    const r = verifyOdaChain({ ...inputs, tags, ...(method ? { method } : { method: undefined }) });
    expect(r.method).toBe('DDA');
    expect(r.ok).toBe(false);
    // The certificates themselves still verify: the only failure is the missing signature.
    expect(r.steps.map((s) => s.object)).toEqual(['issuer certificate', 'ICC certificate', 'signed dynamic data']);
    expect(r.steps[1]!.failures).toEqual([]);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatch(/signed dynamic data \(9F4B\) missing/);
  });

  it('CAPK by --capk-modulus, or from tags 4F + 8F; unknown CAPK is a DocumentError', () => {
    const fe = loadDefaultCapks().get('A000000004', 'E5')!;
    const byModulus = buildInputs(args({ input: example('sda'), capk: undefined, 'capk-modulus': toHex(fe.modulus), 'capk-exponent': '03' }));
    expect(verifyOdaChain(byModulus.inputs).ok).toBe(true);
    const byTags = buildInputs(args({ input: example('sda'), tag: ['4F=A0000000041010', '8F=E5'] }));
    expect(byTags.capkLabel).toContain('A000000003/E5'); // the file names its CAPK; options win over tags
    expect(() => buildInputs(args({ input: example('sda'), capk: 'A000000003:77' }))).toThrow(/no CAPK A000000003\/77/);
  });
});
