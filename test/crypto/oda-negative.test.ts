/**
 * Every verification check of EMV Book 2 §5.3, §5.4, §6.3-§6.6 failing on its own, each with a
 * human-readable reason: tampered bytes, wrong CAPK, expiry, issuer identifier, PAN, remainder,
 * exponent, static data, DDOL data, CDA CID and transaction data hash code.
 */
import { describe, expect, it } from 'vitest';
import { concat, fromHex } from '../../src/apdu/bytes.js';
import {
  OdaError,
  buildStaticDataToBeAuthenticated,
  createCdaSignature,
  createDdaSignature,
  createIccCertificate,
  createIssuerCertificate,
  createSignedStaticData,
  recoverCdaSignature,
  recoverDdaSignature,
  recoverIccCertificate,
  recoverIssuerCertificate,
  recoverSignedStaticData,
  transactionDataHashCode,
} from '../../src/crypto/oda/index.js';
import { fixtureKey } from './oda-fixtures.js';

const ca = fixtureKey('ca', 1984, 3);
const issuer = fixtureKey('issuer', 1984, 65537);
const icc = fixtureKey('icc', 1024, 3);
const otherCa = fixtureKey('ca', 1984, 65537);
const PAN = '4761739001010010';
const STATIC = fromHex('5A0847617390010100105F24032912313900');
const issuerTags = createIssuerCertificate({ caKey: ca, issuerPublicKey: issuer, issuerIdentifier: '476173', expiry: '1224', serial: '000001' });
const iccTags = createIccCertificate({ issuerKey: issuer, iccPublicKey: icc, pan: PAN, expiry: '0626', serial: '000002', staticData: STATIC });

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const c = bytes.slice();
  c[at] = c[at]! ^ 0x01;
  return c;
}

const recoverIssuer = (over: Partial<Parameters<typeof recoverIssuerCertificate>[0]> = {}) =>
  recoverIssuerCertificate({ capk: ca, ...issuerTags, pan: PAN, transactionDate: '241201', ...over });

describe('issuer certificate checks (Book 2 §5.3 / §6.3)', () => {
  it('verifies when nothing is wrong', () => expect(recoverIssuer().failures).toEqual([]));

  it('a tampered certificate byte gives garbage: trailer, header, format and hash fail', () => {
    const r = recoverIssuer({ certificate: flip(issuerTags.certificate, 100) });
    expect(r.ok).toBe(false);
    expect(r.hashValid).toBe(false);
    expect(r.failures).toContain('issuer certificate: hash mismatch');
    expect(r.issuerPublicKey).toBeUndefined();
  });

  it('a tampered remainder (92) or exponent (9F32) breaks the hash', () => {
    expect(recoverIssuer({ remainder: flip(issuerTags.remainder, 0) }).failures).toEqual(['issuer certificate: hash mismatch']);
    expect(recoverIssuer({ exponent: fromHex('03') }).failures).toEqual(['issuer certificate: hash mismatch']);
  });

  it('the wrong CAPK cannot recover it', () => {
    const r = recoverIssuer({ capk: otherCa });
    expect(r.ok).toBe(false);
    expect(r.failures.some((f) => f.startsWith('issuer certificate: recovered data trailer'))).toBe(true);
    expect(r.failures).toContain('issuer certificate: hash mismatch');
  });

  it('a CAPK of another length: certificate length check', () => {
    const r = recoverIssuer({ capk: fixtureKey('ca', 1024, 3) });
    expect(r.failures).toEqual(['issuer certificate: certificate (90) has 248 bytes, the CA public key modulus has 128']);
  });

  it('expired: valid through the end of 12/24, expired in January 2025', () => {
    expect(recoverIssuer({ transactionDate: '241231' }).failures).toEqual([]);
    expect(recoverIssuer({ transactionDate: '250101' }).failures).toEqual(['issuer certificate: expired 12/24 before transaction date 2025-01-01']);
    expect(recoverIssuer({ transactionDate: '261121' }).failures).toEqual(['issuer certificate: expired 12/24 before transaction date 2026-11-21']);
  });

  it('issuer identifier must match the leftmost PAN digits', () => {
    expect(recoverIssuer({ pan: '5413330089010434' }).failures).toEqual([
      'issuer certificate: issuer identifier 476173 does not match the leftmost digits of PAN 5413330089010434',
    ]);
  });

  it('remainder missing: named as the cause (the key does not fit), and the hash over data without 92 fails', () => {
    // N_I = N_CA = 248 bytes; the certificate holds N_CA - 36 = 212 (Book 2 Table 6): 92 is required.
    const want = [
      'issuer certificate: issuer public key remainder (92) missing but required: the key is 248 bytes, only 212 fit in the certificate (Book 2 §5.3)',
      'issuer certificate: hash mismatch',
    ];
    expect(recoverIssuer({ remainder: undefined }).failures).toEqual(want);
    expect(recoverIssuer({ remainder: new Uint8Array(0) }).failures).toEqual(want);
  });

  it('revocation list (Book 2 §5.3 step 8)', () => {
    const r = recoverIssuer({ capk: { ...ca, rid: 'A000000003', index: 'FE' }, revocationList: [{ rid: 'A000000003', index: 'FE', serial: '000001' }] });
    expect(r.failures).toEqual(['issuer certificate: serial 000001 under CAPK A000000003/FE is revoked']);
  });
});

describe('ICC certificate checks (Book 2 §6.4)', () => {
  const recoverIcc = (over: Partial<Parameters<typeof recoverIccCertificate>[0]> = {}) =>
    recoverIccCertificate({ issuerPublicKey: issuer, ...iccTags, pan: PAN, transactionDate: '260601', staticData: STATIC, ...over });

  it('verifies when nothing is wrong', () => expect(recoverIcc().failures).toEqual([]));
  it('wrong PAN', () =>
    expect(recoverIcc({ pan: '4761739001010028' }).failures).toEqual([
      'ICC certificate: PAN 4761739001010010 in the certificate differs from the application PAN 4761739001010028',
    ]));
  it('expired', () => expect(recoverIcc({ transactionDate: '260701' }).failures).toEqual(['ICC certificate: expired 06/26 before transaction date 2026-07-01']));
  it('changed static data (a record or the AIP) breaks the hash', () =>
    expect(recoverIcc({ staticData: flip(STATIC, STATIC.length - 1) }).failures).toEqual(['ICC certificate: hash mismatch']));
  it('remainder missing when the ICC key does not fit', () => {
    // N_IC = 128 <= N_I - 42 = 206: no remainder; with a 1984-bit ICC key the remainder is needed.
    const big = fixtureKey('icc', 1984, 3);
    const t = createIccCertificate({ issuerKey: issuer, iccPublicKey: big, pan: PAN, expiry: '1226', serial: '000003' });
    expect(t.remainder.length).toBe(248 - (248 - 42));
    const r = recoverIccCertificate({ issuerPublicKey: issuer, certificate: t.certificate, exponent: t.exponent, pan: PAN });
    expect(r.failures).toEqual([
      'ICC certificate: ICC public key remainder (9F48) missing but required: the key is 248 bytes, only 206 fit in the certificate (Book 2 §6.4)',
      'ICC certificate: hash mismatch',
    ]);
  });
  it('a CA key cannot certify a longer key', () => {
    expect(() => createIssuerCertificate({ caKey: fixtureKey('ca', 1024, 3), issuerPublicKey: issuer, issuerIdentifier: '476173', expiry: '1224', serial: '000001' })).toThrow(OdaError);
  });
});

describe('signed static data checks (Book 2 §5.4)', () => {
  const ssad = createSignedStaticData({ issuerKey: issuer, dataAuthenticationCode: 'D1A2', staticData: STATIC });
  it('changed static data: hash mismatch', () => {
    const r = recoverSignedStaticData({ issuerPublicKey: issuer, signedStaticData: ssad, staticData: flip(STATIC, 3) });
    expect(r.failures).toEqual(['signed static data: hash mismatch']);
    expect(r.fields.dac).toBe('D1A2');
  });
  it('a wrong issuer key: trailer/header/format/hash', () => {
    const r = recoverSignedStaticData({ issuerPublicKey: fixtureKey('issuer', 1984, 3), signedStaticData: ssad, staticData: STATIC });
    expect(r.failures).toContain('signed static data: hash mismatch');
    expect(r.failures.length).toBeGreaterThan(1);
  });
  it('static data to be authenticated: SFI 1-10 records must be 70 templates; SDA tag list only 82', () => {
    expect(() => buildStaticDataToBeAuthenticated([{ sfi: 2, record: fromHex('5A024761') }])).toThrow(/not a single '70' template/);
    expect(() => buildStaticDataToBeAuthenticated([], { sdaTagList: fromHex('9F07'), aip: fromHex('3900') })).toThrow(/only '82'/);
    // SFI 1-10: value only; SFI 11-30: the whole record (Book 3 §10.3).
    const sd = buildStaticDataToBeAuthenticated(
      [
        { sfi: 1, record: fromHex('70045A021234') },
        { sfi: 11, record: fromHex('70039F0700') },
      ],
      { sdaTagList: fromHex('82'), aip: fromHex('3900') },
    );
    expect(sd).toEqual(fromHex('5A021234' + '70039F0700' + '3900'));
  });
});

describe('signed dynamic data checks (Book 2 §6.5, §6.6)', () => {
  it('DDA: other DDOL data (unpredictable number) gives a hash mismatch', () => {
    const sdad = createDdaSignature({ iccKey: icc, iccDynamicNumber: '0102', ddolData: fromHex('11223344') });
    const r = recoverDdaSignature({ iccPublicKey: icc, signedDynamicData: sdad, ddolData: fromHex('11223345') });
    expect(r.failures).toEqual(['signed dynamic data: hash mismatch']);
  });

  const un = fromHex('0A0B0C0D');
  const pdolData = fromHex('0978');
  const cdol1Data = concat(fromHex('000000000100'), un);
  const responseTlvs = fromHex('9F2701409F36020007');
  const tdhc = transactionDataHashCode({ pdolData, cdol1Data, responseTlvs });
  const ac = fromHex('1111111111111111');
  const sdad = createCdaSignature({ iccKey: icc, iccDynamicNumber: 'ABCD', cid: 0x40, applicationCryptogram: ac, transactionDataHashCode: tdhc, unpredictableNumber: un });
  const recoverCda = (over: Partial<Parameters<typeof recoverCdaSignature>[0]> = {}) =>
    recoverCdaSignature({ iccPublicKey: icc, signedDynamicData: sdad, unpredictableNumber: un, cid: 0x40, transactionData: { pdolData, cdol1Data, responseTlvs }, ...over });

  it('CDA verifies when nothing is wrong', () => expect(recoverCda().failures).toEqual([]));
  it('CDA: a tampered 9F4B (e.g. an AC substituted in transit) fails the hash', () => {
    expect(recoverCda({ signedDynamicData: flip(sdad, 40) }).hashValid).toBe(false);
  });
  it('CDA: an AC signed for other transaction data fails the transaction data hash code', () => {
    const forged = createCdaSignature({ iccKey: icc, iccDynamicNumber: 'ABCD', cid: 0x40, applicationCryptogram: fromHex('2222222222222222'), transactionDataHashCode: new Uint8Array(20), unpredictableNumber: un });
    const r = recoverCda({ signedDynamicData: forged });
    expect(r.hashValid).toBe(true);
    expect(r.failures).toEqual([`signed dynamic data: transaction data hash code mismatch (computed ${Buffer.from(tdhc).toString('hex').toUpperCase()})`]);
  });
  it('CDA: a changed response data object (ATC) fails the transaction data hash code', () => {
    const r = recoverCda({ transactionData: { pdolData, cdol1Data, responseTlvs: fromHex('9F2701409F36020008') } });
    expect(r.failures[0]).toMatch(/^signed dynamic data: transaction data hash code mismatch/);
  });
  it('CDA: the CID in the response must equal the CID in the signature', () => {
    expect(recoverCda({ cid: 0x80 }).failures).toEqual(['signed dynamic data: CID 40 in the signature differs from CID 80 in the response']);
  });
  it('CDA: another unpredictable number fails the hash', () => {
    expect(recoverCda({ unpredictableNumber: fromHex('0A0B0C0E') }).failures).toEqual(['signed dynamic data: hash mismatch']);
  });
  it('CDA: a DDA-style signature has too little dynamic data', () => {
    const dda = createDdaSignature({ iccKey: icc, iccDynamicNumber: 'ABCD', ddolData: un });
    expect(recoverCda({ signedDynamicData: dda }).failures).toEqual(['signed dynamic data: ICC dynamic data has 3 bytes, CDA needs 32 (number, CID, AC, hash code)']);
  });
});
