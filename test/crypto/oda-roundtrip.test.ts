/**
 * Create/recover round trips for every EMV signed object (Book 2 §5.3, §5.4, §6.3-§6.6, §7.1)
 * at 1024 and 1984 bits with exponents 3 and 65537. The recovered layouts are checked byte by
 * byte against the spec tables (Tables 6, 7, 14, 17, 19), and the hash against SHA-1 taken here.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import {
  createCdaSignature,
  createDdaSignature,
  createIccCertificate,
  createIccPinEnciphermentCertificate,
  createIssuerCertificate,
  createSignedStaticData,
  recoverCdaSignature,
  recoverDdaSignature,
  recoverIccCertificate,
  recoverIccPinEnciphermentCertificate,
  recoverIssuerCertificate,
  recoverSignedStaticData,
  transactionDataHashCode,
} from '../../src/crypto/oda/index.js';
import { rsaPublicOperation } from '../../src/crypto/rsa.js';
import { fixtureKey } from './oda-fixtures.js';

const sha1 = (...p: Uint8Array[]) => new Uint8Array(createHash('sha1').update(concat(...p)).digest());
const PAN = '5413330089010434';
const STATIC = fromHex('5A0854133300890104345F24032912315F25032401019F0702FF00' + '3900');

const chains = [
  { name: '1024 bits, e=3', ca: fixtureKey('ca', 1024, 3), issuer: fixtureKey('issuer', 1024, 3), icc: fixtureKey('icc', 1024, 3) },
  { name: '1024 bits, e=65537', ca: fixtureKey('ca', 1024, 65537), issuer: fixtureKey('issuer', 1024, 65537), icc: fixtureKey('icc', 1024, 65537) },
  { name: '1984 bits, e=3', ca: fixtureKey('ca', 1984, 3), issuer: fixtureKey('issuer', 1984, 3), icc: fixtureKey('icc', 1984, 3) },
  { name: '1984 bits, e=65537', ca: fixtureKey('ca', 1984, 65537), issuer: fixtureKey('issuer', 1984, 65537), icc: fixtureKey('icc', 1984, 65537) },
  { name: 'CA 1984 e=3, issuer 1024 e=65537 (fits), ICC 1024 e=3', ca: fixtureKey('ca', 1984, 3), issuer: fixtureKey('issuer', 1024, 65537), icc: fixtureKey('icc', 1024, 3) },
];

describe.each(chains)('$name', ({ ca, issuer, icc }) => {
  const nCa = ca.modulus.length;
  const nI = issuer.modulus.length;
  const nIc = icc.modulus.length;

  it('issuer certificate (90/92/9F32): Table 6 layout, remainder only when N_I > N_CA - 36', () => {
    const tags = createIssuerCertificate({ caKey: ca, issuerPublicKey: issuer, issuerIdentifier: '541333', expiry: '1230', serial: '00A1B2' });
    expect(tags.certificate.length).toBe(nCa);
    expect(tags.remainder.length).toBe(Math.max(0, nI - (nCa - 36)));
    expect(toHex(tags.exponent)).toBe(toHex(issuer.exponent));
    const x = rsaPublicOperation(ca, tags.certificate);
    expect(toHex(x.subarray(0, 15))).toBe(
      '6A02' + '541333FF' + '1230' + '00A1B2' + '01' + '01' + nI.toString(16).padStart(2, '0').toUpperCase() + (issuer.exponent.length === 1 ? '01' : '03'),
    );
    expect(x[nCa - 1]).toBe(0xbc);
    expect(toHex(x.subarray(nCa - 21, nCa - 1))).toBe(toHex(sha1(x.subarray(1, nCa - 21), tags.remainder, tags.exponent)));
    if (tags.remainder.length === 0) expect(toHex(x.subarray(15 + nI, nCa - 21))).toBe('BB'.repeat(nCa - 36 - nI));

    const r = recoverIssuerCertificate({ capk: ca, certificate: tags.certificate, remainder: tags.remainder, exponent: tags.exponent, pan: PAN, transactionDate: '261121' });
    expect(r.failures).toEqual([]);
    expect(r.ok && r.hashValid).toBe(true);
    expect(toHex(r.issuerPublicKey!.modulus)).toBe(toHex(issuer.modulus));
    expect(r.fields).toMatchObject({ issuerIdentifier: '541333', expiry: '1230', serial: '00A1B2', hashAlgorithm: '01', publicKeyAlgorithm: '01', publicKeyLength: nI });
  });

  it('ICC certificate (9F46/9F48/9F47): Table 14 layout, hash includes the static data', () => {
    const tags = createIccCertificate({ issuerKey: issuer, iccPublicKey: icc, pan: PAN, expiry: '0728', serial: '000042', staticData: STATIC });
    expect(tags.certificate.length).toBe(nI);
    expect(tags.remainder.length).toBe(Math.max(0, nIc - (nI - 42)));
    const x = rsaPublicOperation(issuer, tags.certificate);
    expect(toHex(x.subarray(0, 21))).toBe('6A04' + PAN + 'FFFF' + '0728' + '000042' + '0101' + nIc.toString(16).padStart(2, '0').toUpperCase() + (icc.exponent.length === 1 ? '01' : '03'));
    expect(toHex(x.subarray(nI - 21, nI - 1))).toBe(toHex(sha1(x.subarray(1, nI - 21), tags.remainder, tags.exponent, STATIC)));
    expect(x[nI - 1]).toBe(0xbc);
    const r = recoverIccCertificate({ issuerPublicKey: issuer, ...tags, pan: fromHex(PAN), transactionDate: '270731', staticData: STATIC });
    expect(r.failures).toEqual([]);
    expect(toHex(r.iccPublicKey!.modulus)).toBe(toHex(icc.modulus));
    expect(r.fields.pan).toBe(PAN);
  });

  it('ICC PIN encipherment certificate (9F2D/9F2F/9F2E): same layout, no static data in the hash', () => {
    const tags = createIccPinEnciphermentCertificate({ issuerKey: issuer, iccPublicKey: icc, pan: PAN, expiry: '1229', serial: '000043' });
    const x = rsaPublicOperation(issuer, tags.certificate);
    expect(x[1]).toBe(0x04);
    expect(toHex(x.subarray(nI - 21, nI - 1))).toBe(toHex(sha1(x.subarray(1, nI - 21), tags.remainder, tags.exponent)));
    const r = recoverIccPinEnciphermentCertificate({ issuerPublicKey: issuer, ...tags, pan: PAN, transactionDate: '261121' });
    expect(r.failures).toEqual([]);
    expect(toHex(r.iccPublicKey!.modulus)).toBe(toHex(icc.modulus));
  });

  it('signed static application data (93): Table 7 layout with the DAC', () => {
    const ssad = createSignedStaticData({ issuerKey: issuer, dataAuthenticationCode: 'DAC1', staticData: STATIC });
    const x = rsaPublicOperation(issuer, ssad);
    expect(toHex(x.subarray(0, 5))).toBe('6A0301DAC1');
    expect(toHex(x.subarray(5, nI - 21))).toBe('BB'.repeat(nI - 26));
    expect(toHex(x.subarray(nI - 21, nI - 1))).toBe(toHex(sha1(x.subarray(1, nI - 21), STATIC)));
    const r = recoverSignedStaticData({ issuerPublicKey: issuer, signedStaticData: ssad, staticData: STATIC });
    expect(r.failures).toEqual([]);
    expect(r.fields.dac).toBe('DAC1');
  });

  it('DDA signed dynamic data (9F4B): Table 17 layout over the DDOL data', () => {
    const ddol = fromHex('01020304');
    const sdad = createDdaSignature({ iccKey: icc, iccDynamicNumber: '1122334455667788', ddolData: ddol });
    const x = rsaPublicOperation(icc, sdad);
    expect(toHex(x.subarray(0, 13))).toBe('6A0501' + '09' + '08' + '1122334455667788');
    expect(toHex(x.subarray(13, nIc - 21))).toBe('BB'.repeat(nIc - 9 - 25));
    expect(toHex(x.subarray(nIc - 21, nIc - 1))).toBe(toHex(sha1(x.subarray(1, nIc - 21), ddol)));
    const r = recoverDdaSignature({ iccPublicKey: icc, signedDynamicData: sdad, ddolData: ddol });
    expect(r.failures).toEqual([]);
    expect(r.fields.iccDynamicNumber).toBe('1122334455667788');
  });

  it('CDA signed dynamic data (9F4B): Table 19 dynamic data and the transaction data hash code', () => {
    const un = fromHex('CAFEBABE');
    const pdolData = fromHex('0000000010000978');
    const cdol1Data = concat(fromHex('0000000010000000000000000276000000000009782611210000'), un);
    const responseTlvs = fromHex('9F2701809F360200129F100706010A03A00000');
    const tdhc = transactionDataHashCode({ pdolData, cdol1Data, responseTlvs });
    expect(toHex(tdhc)).toBe(toHex(sha1(pdolData, cdol1Data, responseTlvs)));
    const ac = fromHex('0102030405060708');
    const sdad = createCdaSignature({ iccKey: icc, iccDynamicNumber: 'A1B2', cid: 0x80, applicationCryptogram: ac, transactionDataHashCode: tdhc, unpredictableNumber: un });
    const x = rsaPublicOperation(icc, sdad);
    expect(toHex(x.subarray(0, 4 + 32))).toBe('6A0501' + '20' + '02A1B2' + '80' + '0102030405060708' + toHex(tdhc));
    expect(toHex(x.subarray(nIc - 21, nIc - 1))).toBe(toHex(sha1(x.subarray(1, nIc - 21), un)));
    // The response as the card sends it: 9F4B inside the 77 template is left out of the hash code.
    const sdadTlv = concat(fromHex('9F4B' + berLength(nIc)), sdad);
    const content = concat(responseTlvs.subarray(0, 9), sdadTlv, responseTlvs.subarray(9));
    const response = concat(fromHex('77' + berLength(content.length)), content);
    const r = recoverCdaSignature({ iccPublicKey: icc, signedDynamicData: sdad, unpredictableNumber: un, cid: 0x80, transactionData: { pdolData, cdol1Data, responseTlvs: response } });
    expect(r.failures).toEqual([]);
    expect(r.fields).toMatchObject({ iccDynamicNumber: 'A1B2', cid: '80', applicationCryptogram: '0102030405060708', transactionDataHashCode: toHex(tdhc) });
  });

  it('CDA transaction data hash code covers an FF81xx object and skips only trailing FF filler (Book 2 §6.6.1)', () => {
    const pdol = '0000000010000978';
    const cdol1 = '00000000100000000000000002760000000000097826112100CAFEBABE';
    // 77 1E template: 9F27 | FF8105 (a C-2 style template holding 9F60 01 AB) | 9F4B (8 dummy bytes) | 9F36 | FF FF filler.
    const response = '771E' + '9F270180' + 'FF8105049F6001AB' + '9F4B08' + '1111111111111111' + '9F36020012' + 'FFFF';
    expect(fromHex(response).length).toBe(2 + 0x1e);
    // Hash input by hand: PDOL data || CDOL1 data || every object but 9F4B, in order, as sent.
    const expected = createHash('sha1')
      .update(Buffer.from(pdol + cdol1 + '9F270180' + 'FF8105049F6001AB' + '9F36020012', 'hex'))
      .digest('hex')
      .toUpperCase();
    const tdhc = transactionDataHashCode({ pdolData: fromHex(pdol), cdol1Data: fromHex(cdol1), responseTlvs: fromHex(response) });
    expect(toHex(tdhc)).toBe(expected);
    // The same objects given as the template's content (no 77) hash the same.
    const content = fromHex(response).subarray(2);
    expect(toHex(transactionDataHashCode({ pdolData: fromHex(pdol), cdol1Data: fromHex(cdol1), responseTlvs: content }))).toBe(expected);
  });
});

/** BER length field (Book 3 Annex B2): short form below 128, else 81 xx or 82 xxxx. */
function berLength(n: number): string {
  const h = (v: number, w: number) => v.toString(16).toUpperCase().padStart(w, '0');
  return n < 0x80 ? h(n, 2) : n < 0x100 ? '81' + h(n, 2) : '82' + h(n, 4);
}
