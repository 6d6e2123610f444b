/**
 * RSA throughput for offline data authentication (EMV Book 2 §5-§6): the private operation is
 * what a card does per DDA/CDA signature and what personalisation does per certificate; the
 * public operation is what a terminal does per recovered certificate/signature. Plus a whole
 * DDA chain verification (issuer certificate + ICC certificate + 9F4B) as a kernel runs it.
 */
import { generateRsaKeyPair, rsaPrivateOperation, rsaPublicOperation, type RsaKeyPair } from '../src/crypto/rsa.js';
import { createDdaSignature, createIccCertificate, createIssuerCertificate, verifyOdaChain } from '../src/crypto/oda/index.js';
import { fromHex } from '../src/apdu/bytes.js';
import { opsPerSecond, type BenchRow, type BenchSuite } from './harness.js';

function block(key: RsaKeyPair): Uint8Array {
  const m = new Uint8Array(key.modulus.length).fill(0xbb);
  m[0] = 0x6a;
  m[m.length - 1] = 0xbc;
  return m;
}

export const rsaSuite: BenchSuite = {
  name: 'rsa',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const keys: Record<string, RsaKeyPair> = {};
    for (const bits of [1024, 1408, 1984]) {
      for (const e of [3, 65537] as const) {
        const key = generateRsaKeyPair(bits, e);
        keys[`${bits}-${e}`] = key;
        const m = block(key);
        const s = rsaPrivateOperation(key, m);
        rows.push({ suite: 'rsa', metric: `sign (private op) ${bits} bits e=${e}`, value: await opsPerSecond(() => rsaPrivateOperation(key, m), 500), unit: 'ops/s', note: 'OpenSSL, CRT' });
        rows.push({ suite: 'rsa', metric: `verify (public op) ${bits} bits e=${e}`, value: await opsPerSecond(() => rsaPublicOperation(key, s), 500), unit: 'ops/s', note: 'BigInt modPow' });
      }
    }
    const ca = keys['1408-3']!;
    const issuer = keys['1408-65537']!;
    const icc = keys['1024-3']!;
    const pan = '4761739001010010';
    const staticData = fromHex('5A0847617390010100105F24032912317900');
    const ddolData = fromHex('01020304');
    const t90 = createIssuerCertificate({ caKey: ca, issuerPublicKey: issuer, issuerIdentifier: '476173', expiry: '1249', serial: '000001' });
    const t9f46 = createIccCertificate({ issuerKey: issuer, iccPublicKey: icc, pan, expiry: '1229', serial: '000002', staticData });
    const sdad = createDdaSignature({ iccKey: icc, iccDynamicNumber: '0102', ddolData });
    const tags = { '90': t90.certificate, '92': t90.remainder, '9F32': t90.exponent, '9F46': t9f46.certificate, '9F48': t9f46.remainder, '9F47': t9f46.exponent, '9F4B': sdad };
    rows.push({
      suite: 'rsa',
      metric: 'DDA chain verification (90 + 9F46 + 9F4B)',
      value: await opsPerSecond(() => verifyOdaChain({ capk: ca, pan, transactionDate: '261121', tags, staticData, ddolData }), 1000),
      unit: 'ops/s',
      note: 'CA 1408/e3, issuer 1408/e65537, ICC 1024/e3',
    });
    return rows;
  },
};
