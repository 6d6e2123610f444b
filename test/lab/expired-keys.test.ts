/**
 * Expired keys in the lab (issue 14): the card delta `certificates` (issuer/ICC certificate
 * expiration dates, the CA public key index), CAPK E4 listed as expired, the kernel's CAPK
 * withdrawal (Book 2 §11.2.3), the shipped cases and the faulty terminals they catch.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../src/apdu/errors.js';
import { fromHex } from '../../src/apdu/bytes.js';
import { parseProfile } from '../../src/card/profile/loader.js';
import { issueCard } from '../../src/card/factory.js';
import { capkLastUseDate, capkWithdrawn, loadDefaultCapks, recoverIccCertificate, recoverIssuerCertificate } from '../../src/crypto/index.js';
import { caseEnvironment, checkCases } from '../../src/lab/runner.js';
import { createTerminal } from '../../src/terminal/index.js';
import { kernelTerminal, labDirectory, loadPlan, parsePlan, runLabCases, type InProcessTerminal } from '../../src/lab/index.js';
import { expiredCapkTerminal, faultyTerminal } from './faulty-terminals.js';

const plan = loadPlan(join(labDirectory(), 'contact-terminal.yaml'));
const byId = (ids: string[]) => plan.cases.filter((c) => ids.includes(c.id));
const inProcess = (terminal: InProcessTerminal) => ({ mode: { kind: 'in-process' as const, terminal }, timeoutMs: 20_000 });
const EXPIRED = ['oda-issuer-certificate-expired', 'oda-sda-issuer-certificate-expired', 'oda-icc-certificate-expired', 'oda-capk-expired', 'oda-cda-capk-expired'];

describe('CAPK withdrawal dates (Book 2 §11.2.3: removed within six months of the 31 December expiry)', () => {
  it.each([
    ['191231', 20200630],
    ['241231', 20250630],
    ['491231', 20500630],
    ['250831', 20260228],
  ])('a key expiring %s is last used on %d', (expiry, last) => expect(capkLastUseDate(expiry)).toBe(last));
  it('is withdrawn the day after', () => {
    expect(capkWithdrawn('191231', '200630')).toBe(false);
    expect(capkWithdrawn('191231', '200701')).toBe(true);
    expect(capkWithdrawn('491231', '261204')).toBe(false);
    expect(capkWithdrawn('191231', '191231', 0)).toBe(false);
    expect(capkWithdrawn('191231', '200101', 0)).toBe(true);
  });
  it('the shipped CAPK list holds E4 as the test CA key, expired 2019-12-31, next to E5', () => {
    const capks = loadDefaultCapks();
    for (const rid of ['A000000003', 'A000000004', 'A000000059', 'D276000025']) {
      const e4 = capks.get(rid, 'E4')!;
      const e5 = capks.get(rid, 'E5')!;
      expect(e4.expiry).toBe('191231');
      expect(e4.modulus).toEqual(e5.modulus);
      expect(e5.expiry).toBe('491231');
    }
  });
});

describe('the card delta `certificates`', () => {
  const profile = (delta: string) => parseProfile(`base: visa-cvn18\n${delta}`, 'delta.yaml');
  it('signs the issuer certificate with the given expiry; the chain is intact but expired (Book 2 §6.3 step 9)', () => {
    const card = issueCard(profile('certificates: {issuerExpiry: "1219"}'), { seed: 'x' });
    const capk = loadDefaultCapks().get('A000000003', 'E5')!;
    const pan = card.profile.pan!;
    const tags = { capk, certificate: fromHex(card.oda!.issuerCertificate), remainder: fromHex(card.oda!.issuerRemainder ?? ''), exponent: fromHex(card.oda!.issuerExponent), pan };
    const before = recoverIssuerCertificate({ ...tags, transactionDate: '191231' });
    expect(before.failures).toEqual([]);
    expect(before.fields.expiry).toBe('1219');
    const after = recoverIssuerCertificate({ ...tags, transactionDate: '200101' });
    expect(after.failures).toEqual(['issuer certificate: expired 12/19 before transaction date 2020-01-01']);
    expect(card.oda!.caIndex).toBe('E5');
  });
  it("signs the ICC certificate with the given expiry, not the card's", () => {
    const card = issueCard(profile('certificates: {iccExpiry: "0120"}'), { seed: 'y' });
    const capk = loadDefaultCapks().get('A000000003', 'E5')!;
    const issuer = recoverIssuerCertificate({ capk, certificate: fromHex(card.oda!.issuerCertificate), remainder: fromHex(card.oda!.issuerRemainder ?? ''), exponent: fromHex(card.oda!.issuerExponent) });
    const icc = recoverIccCertificate({ issuerPublicKey: issuer.issuerPublicKey!, certificate: fromHex(card.oda!.iccCertificate!), remainder: fromHex(card.oda!.iccRemainder ?? ''), exponent: fromHex(card.oda!.iccExponent!), transactionDate: '200201' });
    expect(icc.fields.expiry).toBe('0120');
    expect(icc.failures).toEqual(['ICC certificate: hash mismatch']); // no static data given here: the date is judged in the lab case
  });
  it('names the CA public key index', () => {
    expect(issueCard(profile('certificates: {caIndex: e4}'), { seed: 'z' }).oda!.caIndex).toBe('E4');
  });
  it.each([
    ['certificates: {issuerExpiry: "1319"}', 'certificates.issuerExpiry', /'1319' is not a month MMYY/],
    ['certificates: {iccExpiry: 1219, caIndex: E4E5}', 'certificates.caIndex', /must be 1 byte of hex, got 2/],
    ['certificates: {issuerExpiry: "1219", icc: "1219"}', 'certificates.icc', /unknown field \(known: issuerExpiry, iccExpiry, caIndex\)/],
    ['oda: none\ncertificates: {issuerExpiry: "1219"}', 'certificates', /oda is 'none'/],
    ['oda: sda\ncertificates: {iccExpiry: "1219"}', 'certificates.iccExpiry', /an SDA card has no ICC public key certificate/],
  ])('refuses %s naming file:line:field', (delta, field, message) => {
    let error: unknown;
    try {
      profile(delta);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DocumentError);
    const e = error as DocumentError;
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/delta\.yaml:\d+/);
  });
  it('in a lab plan, a bad delta is bad input naming the plan file:line and the case', async () => {
    const text = `plan: p\ncases:\n  - id: a\n    title: t\n    spec: Book 2 §6.3\n    card: {set: {certificates: {issuerExpiry: "1319"}}}\n    expect: {oda: dda}\n`;
    const bad = parsePlan(text, 'bad.yaml');
    const error = await checkCases(bad.cases).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentError);
    expect((error as DocumentError).message).toMatch(/^bad\.yaml:3: a\.card: case 'a' cannot be set up: .*certificates\.issuerExpiry.*'1319' is not a month MMYY/);
  });
});

describe('the expired-key cases of the shipped plan', () => {
  it("emvsim's kernel passes them: the certificates and CAPK E4 fail ODA", async () => {
    const results = await runLabCases(byId(EXPIRED), inProcess(kernelTerminal()));
    expect(results.map((r) => [r.id, r.verdict, r.findings.map((f) => f.seen)])).toEqual(EXPIRED.map((id) => [id, 'pass', []]));
  });
  it.each([
    ['oda-issuer-certificate-expired', /DDA failed: issuer public key certificate: issuer certificate: expired 12\/19 before transaction date/],
    ['oda-sda-issuer-certificate-expired', /SDA failed: issuer public key certificate: issuer certificate: expired 12\/19/],
    ['oda-icc-certificate-expired', /DDA failed: ICC public key certificate: ICC certificate: expired 12\/19/],
    ['oda-capk-expired', /DDA failed: CA public key A000000003\/E4 expired 191231, withdrawn after 20200630 \(Book 2 §11.2.3\)/],
    ['oda-cda-capk-expired', /CDA failed: CA public key A000000004\/E4 expired 191231/],
  ])("the kernel fails %s for the expiry, nothing else", async (id, why) => {
    const env = await caseEnvironment(byId([id])[0]!, false);
    try {
      const outcome = await createTerminal({ profile: 'eu-pos-pin', host: env.host, cardholder: { pins: ['1234'] } }).transact(env.card, { amount: 800, type: 'goods' });
      const decisions = outcome.steps.flatMap((s) => s.decisions.map((d) => d.text));
      expect(decisions.join('\n')).toMatch(why);
    } finally {
      await env.close();
    }
  });
  it.each([
    ['oda-issuer-certificate-expired', /ignores the issuer certificate's expiration date/, /'DDA failed' set/],
    ['oda-sda-issuer-certificate-expired', /ignores the issuer certificate's expiration date/, /'SDA failed' set/],
    ['oda-icc-certificate-expired', /ignores the ICC certificate's expiration date/, /'DDA failed' set/],
  ])('a terminal that ignores certificate expiry fails %s, the fault named', async (id, fault, expected) => {
    const [r] = await runLabCases(byId([id]), inProcess(faultyTerminal('ignores-certificate-expiry')));
    expect(r!.verdict).toBe('fail');
    const f = r!.findings.filter((x) => fault.test(x.fault ?? ''));
    expect(f.map((x) => x.expected).join(' ')).toMatch(expected);
    // A wrong ODA bit is placed at offline data authentication in the step strip, not at the GENERATE AC carrying it.
    expect(r!.steps.filter((s) => s.state === 'deviated').map((s) => s.step)).toContain('offline data authentication');
  });
  it.each([
    ['oda-capk-expired', /'DDA failed' set/],
    ['oda-cda-capk-expired', /CDA signature not requested|'CDA failed' set/],
  ])('a terminal that uses an expired CAPK fails %s, the fault named', async (id, expected) => {
    const [r] = await runLabCases(byId([id]), inProcess(expiredCapkTerminal()));
    expect(r!.verdict).toBe('fail');
    const f = r!.findings.filter((x) => /uses an expired \(withdrawn\) CA public key/.test(x.fault ?? ''));
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => x.expected).join(' ')).toMatch(expected);
  });
  it('both faulty terminals still pass the cases whose keys are valid: the faults are about expiry only', async () => {
    for (const t of [faultyTerminal('ignores-certificate-expiry'), expiredCapkTerminal()]) {
      const results = await runLabCases(byId(['oda-dda', 'oda-cda', 'oda-sda', 'oda-bad-issuer-certificate']), inProcess(t));
      expect(results.map((r) => `${r.id} ${r.verdict}`), t.name).toEqual(['oda-dda pass', 'oda-cda pass', 'oda-sda pass', 'oda-bad-issuer-certificate pass']);
    }
  });
});
