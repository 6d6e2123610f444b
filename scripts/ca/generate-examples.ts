/**
 * Writes example ODA chains under the emvsim test CA (CAPK A000000003/E5, TEST_CA_INDEX) for
 * `emvsim crypto oda --input FILE`, the docs and the CLI tests:
 *   scripts/ca/example-sda-chain.json, example-dda-chain.json, example-cda-chain.json
 * The ICC key comes from a fixed seed, so the files are reproducible. TEST ONLY data.
 * Usage: npx tsx scripts/ca/generate-examples.ts
 */
import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import { encodeTlv, encodeTlvList } from '../../src/apdu/tlv.js';
import { packageRoot } from '../../src/crypto/capk.js';
import { createCdaSignature, createDdaSignature, transactionDataHashCode } from '../../src/crypto/oda/dynamic-data.js';
import { createIccCertificate } from '../../src/crypto/oda/icc-certificate.js';
import { buildStaticDataToBeAuthenticated, createSignedStaticData } from '../../src/crypto/oda/static-data.js';
import { TEST_CA_INDEX, loadTestIssuer, testIssuerCertificate } from '../../src/crypto/oda/test-ca.js';
import { generateRsaKeyPair } from '../../src/crypto/rsa.js';

const PAN = '4761739001010010';
// AIP: SDA (40), DDA (20), cardholder verification (10), terminal risk management (08), CDA (01): Book 3 Annex C1
const AIP = fromHex('7900');
const record1 = encodeTlv('70', [
  { tag: '5A', value: fromHex(PAN) },
  { tag: '5F24', value: fromHex('291231') },
  { tag: '5F25', value: fromHex('240101') },
  { tag: '9F07', value: fromHex('FF00') },
  { tag: '8E', value: fromHex('000000000000000042031E031F00') },
]);
const staticData = buildStaticDataToBeAuthenticated([{ sfi: 1, record: record1 }], { sdaTagList: fromHex('82'), aip: AIP });

const issuer = loadTestIssuer();
const issuerCert = testIssuerCertificate(PAN);
const icc = generateRsaKeyPair(1024, 3, { seed: 'emvsim example ICC 4761739001010010' });
const iccCert = createIccCertificate({ issuerKey: issuer.keyPair, iccPublicKey: icc, pan: PAN, expiry: '1229', serial: '000101', staticData });
const common = {
  about: 'Example ODA chain under the emvsim TEST ONLY CA (scripts/ca/generate-examples.ts). Verify: emvsim crypto oda --input <this file>',
  capk: `A000000003:${TEST_CA_INDEX}`,
  pan: PAN,
  date: '261121',
  staticData: toHex(staticData),
};
const issuerTags = { '90': toHex(issuerCert.certificate), '92': toHex(issuerCert.remainder), '9F32': toHex(issuerCert.exponent) };
const iccTags = { '9F46': toHex(iccCert.certificate), '9F48': toHex(iccCert.remainder), '9F47': toHex(iccCert.exponent) };

const sda = {
  ...common,
  method: 'sda',
  tags: { ...issuerTags, '93': toHex(createSignedStaticData({ issuerKey: issuer.keyPair, dataAuthenticationCode: 'DAC1', staticData })) },
};

const ddolData = fromHex('1A2B3C4D'); // DDOL 9F3704: the terminal unpredictable number
const dda = {
  ...common,
  method: 'dda',
  dynamicData: toHex(ddolData),
  tags: { ...issuerTags, ...iccTags, '9F4B': toHex(createDdaSignature({ iccKey: icc, iccDynamicNumber: '8A4C1D02', ddolData })) },
};

// CDA: first GENERATE AC asking for an ARQC with CDA. CDOL1 data = amount, other amount, country,
// TVR, currency, date, type, unpredictable number (9F02 9F03 9F1A 95 5F2A 9A 9C 9F37).
const un = fromHex('5E7A0C11');
const pdolData = fromHex('0000000010000978');
const cdol1Data = concat(fromHex('000000001000' + '000000000000' + '0276' + '0000000000' + '0978' + '261121' + '00'), un);
const cid = 0x80;
const ac = fromHex('3B9C1E2F4A5D6E70');
const otherResponseTlvs = [
  { tag: '9F27', value: Uint8Array.of(cid) },
  { tag: '9F36', value: fromHex('0012') },
  { tag: '9F10', value: fromHex('06010A03A00000') },
];
const tdhc = transactionDataHashCode({ pdolData, cdol1Data, responseTlvs: encodeTlvList(otherResponseTlvs) });
const sdad = createCdaSignature({ iccKey: icc, iccDynamicNumber: '8A4C1D02', cid, applicationCryptogram: ac, transactionDataHashCode: tdhc, unpredictableNumber: un });
const response = encodeTlv('77', [...otherResponseTlvs.slice(0, 2), { tag: '9F4B', value: sdad }, otherResponseTlvs[2]!]);
const cda = {
  ...common,
  method: 'cda',
  tags: { ...issuerTags, ...iccTags, '9F4B': toHex(sdad) },
  cda: { unpredictableNumber: toHex(un), cid: '80', pdolData: toHex(pdolData), cdol1Data: toHex(cdol1Data), response: toHex(response) },
};

for (const [name, value] of [['sda', sda], ['dda', dda], ['cda', cda]] as const) {
  const file = resolve(packageRoot(), 'scripts', 'ca', `example-${name}-chain.json`);
  writeFileSync(file + '.tmp', JSON.stringify(value, null, 2) + '\n');
  renameSync(file + '.tmp', file);
  process.stderr.write(`wrote scripts/ca/example-${name}-chain.json\n`);
}
