/**
 * Generates the emvsim test CA and test issuer ONCE (TEST ONLY keys, never for production)
 * and rewrites the shipped CAPK lists:
 *   scripts/ca/emvsim-test-ca.json      CA key pair (1408 bits, exponent 3), CAPK index E5
 *   scripts/ca/emvsim-test-issuer.json  issuer key pair (1408 bits, exponent 65537) + certificates
 *   scripts/capk/emvsim-test-ca.json    the CA public key as CAPK E5 for the emvsim RIDs
 *   scripts/capk/test-capks.json        public EMVCo/scheme CAPKs from test/vectors
 *
 * Usage: npx tsx scripts/ca/generate.ts [--force]   (--force makes NEW keys: every card
 * personalised with the old ones stops verifying; without it existing keys are kept and only
 * the derived files are rewritten).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { toHex } from '../../src/apdu/bytes.js';
import { type CapkJson, capkChecksum, packageRoot } from '../../src/crypto/capk.js';
import { generateRsaKeyPair, keyPairToJson } from '../../src/crypto/rsa.js';
import {
  TEST_CA_FILE,
  TEST_CA_INDEX,
  TEST_CA_RIDS,
  TEST_ISSUER_FILE,
  type TestCaJson,
  type TestIssuerJson,
  issuerCertificateToJson,
  loadTestCa,
  testIssuerCertificate,
} from '../../src/crypto/oda/test-ca.js';

const LABEL = 'emvsim TEST ONLY key: the private key is public. Never use it for production cards or terminals.';
const root = packageRoot();
const force = process.argv.includes('--force');

function writeAtomically(relative: string, value: unknown): void {
  const file = resolve(root, relative);
  const tmp = file + '.tmp';
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
  process.stderr.write(`wrote ${relative}\n`);
}

if (force || !existsSync(resolve(root, TEST_CA_FILE))) {
  const ca: TestCaJson = {
    label: LABEL,
    index: TEST_CA_INDEX,
    rids: [...TEST_CA_RIDS],
    bits: 1408,
    expiry: '491231',
    key: keyPairToJson(generateRsaKeyPair(1408, 3)),
  };
  writeAtomically(TEST_CA_FILE, ca);
}

if (force || !existsSync(resolve(root, TEST_ISSUER_FILE))) {
  const issuer: TestIssuerJson = { label: LABEL, bits: 1408, key: keyPairToJson(generateRsaKeyPair(1408, 65537)), certificates: [] };
  writeAtomically(TEST_ISSUER_FILE, issuer);
}
{
  // Certificates are deterministic, so they are recomputed on every run (they need the issuer
  // file on disk: testIssuerCertificate reads it). Issuer identifiers for common test PANs:
  // Visa 476173..., Mastercard 541333..., girocard/Maestro 672...
  const issuer = JSON.parse(readFileSync(resolve(root, TEST_ISSUER_FILE), 'utf8')) as TestIssuerJson;
  issuer.certificates = [];
  writeAtomically(TEST_ISSUER_FILE, issuer);
  issuer.certificates = ['476173', '541333', '672'].map((issuerIdentifier) =>
    issuerCertificateToJson(testIssuerCertificate(issuerIdentifier.padEnd(16, '0'), { issuerIdentifier, expiry: '1249', serial: '000001' })),
  );
  writeAtomically(TEST_ISSUER_FILE, issuer);
}

// The CA public key as CAPK E5 for every emvsim RID.
const ca = loadTestCa();
const EXPIRED_TEST_CA_INDEX = 'E4';
const emvsimCapks: CapkJson[] = ca.rids.map((rid) => ({
  rid,
  index: ca.index,
  modulus: toHex(ca.keyPair.modulus),
  exponent: toHex(ca.keyPair.exponent),
  checksum: toHex(capkChecksum(rid, ca.index, ca.keyPair.modulus, ca.keyPair.exponent)),
  hashAlgorithm: '01',
  expiry: ca.expiry,
  scheme: 'emvsim',
  kind: 'test',
  note: 'emvsim test CA (scripts/ca/emvsim-test-ca.json); TEST ONLY',
}));
// The same key listed again as CAPK E4, expired 2019-12-31 (well past the six-month grace of Book 2
// §11.2.3): a withdrawn CA key for the lab's CAPK-expiry cases (a card personalised with
// certificates: {caIndex: E4}). A terminal must not use it; treated as missing (Book 2 §5.2, §6.2).
const expiredCapks: CapkJson[] = ca.rids.map((rid) => ({
  rid,
  index: EXPIRED_TEST_CA_INDEX,
  modulus: toHex(ca.keyPair.modulus),
  exponent: toHex(ca.keyPair.exponent),
  checksum: toHex(capkChecksum(rid, EXPIRED_TEST_CA_INDEX, ca.keyPair.modulus, ca.keyPair.exponent)),
  hashAlgorithm: '01',
  expiry: '191231',
  scheme: 'emvsim',
  kind: 'test',
  note: 'emvsim test CA key listed as EXPIRED 2019-12-31 (withdrawn, Book 2 §11.2.3); TEST ONLY',
}));
writeAtomically('scripts/capk/emvsim-test-ca.json', [...emvsimCapks, ...expiredCapks]);

// Public scheme CAPKs from the shared known-answer vectors (openemv/emv-utils, javaemvreader).
interface VectorKey {
  rid: string;
  index: string;
  modulus: string;
  exponent: string;
  sha1_checksum: string;
  scheme?: string;
  kind?: string;
  note?: string | null;
}
const vectors = JSON.parse(readFileSync(resolve(root, '..', 'shared', 'vectors', 'emv-known-answers.json'), 'utf8')) as {
  oda: { capks_openemv: VectorKey[]; capks_javaemvreader_test_xml: { keys: VectorKey[] } };
};
const byKey = new Map<string, CapkJson>();
for (const k of [...vectors.oda.capks_openemv, ...vectors.oda.capks_javaemvreader_test_xml.keys]) {
  const id = `${k.rid}/${k.index}`;
  // emvsim's test CA owns index E5 (TEST_CA_INDEX) under its RIDs; a public vector with that RID and index would clash
  // (see README.md (oda section)). A000000004/FE, the public Mastercard test key, is kept.
  if (k.index === TEST_CA_INDEX && (TEST_CA_RIDS as readonly string[]).includes(k.rid)) continue;
  if (byKey.has(id)) continue;
  byKey.set(id, {
    rid: k.rid,
    index: k.index,
    modulus: k.modulus,
    exponent: k.exponent,
    checksum: k.sha1_checksum,
    hashAlgorithm: '01',
    ...(k.scheme ? { scheme: k.scheme } : {}),
    kind: k.kind ?? 'test',
    ...(k.note ? { note: k.note } : {}),
  });
}
writeAtomically('scripts/capk/test-capks.json', [...byKey.values()]);
