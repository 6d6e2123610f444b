/**
 * The emvsim test certification authority and test issuer (TEST ONLY, never for production):
 * private keys shipped in scripts/ca/ (generated once by scripts/ca/generate.ts), the CA public
 * key shipped as CAPK index E5 for RIDs A000000003, A000000004, A000000059, D276000025
 * (scripts/capk/emvsim-test-ca.json). Cards made by `emvsim card new` chain up to it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Bytes, fromHex, toHex } from '../../apdu/index.js';
import { DocumentError } from '../../apdu/index.js';
import { packageRoot } from '../capk.js';
import { type RsaKeyPair, type RsaKeyPairJson, keyPairFromJson } from '../rsa.js';
import { panDigits } from './certificate-format.js';
import { type IssuerCertificateTags, createIssuerCertificate } from './issuer-certificate.js';

export const TEST_CA_INDEX = 'E5';
export const TEST_CA_RIDS = ['A000000003', 'A000000004', 'A000000059', 'D276000025'] as const;
export const TEST_CA_FILE = 'scripts/ca/emvsim-test-ca.json';
export const TEST_ISSUER_FILE = 'scripts/ca/emvsim-test-issuer.json';

export interface TestCaJson {
  label: string;
  index: string;
  rids: string[];
  bits: number;
  /** CAPK expiry YYMMDD. */
  expiry: string;
  key: RsaKeyPairJson;
}

export interface IssuerCertificateJson {
  issuerIdentifier: string;
  expiry: string;
  serial: string;
  /** Tag 90, 92 (empty when the key fits), 9F32. */
  '90': string;
  '92': string;
  '9F32': string;
}

export interface TestIssuerJson {
  label: string;
  bits: number;
  key: RsaKeyPairJson;
  certificates: IssuerCertificateJson[];
}

export interface TestCa {
  label: string;
  index: string;
  rids: string[];
  expiry: string;
  keyPair: RsaKeyPair;
}

export interface TestIssuer {
  label: string;
  keyPair: RsaKeyPair;
  certificates: IssuerCertificateJson[];
}

function readJson<T>(relative: string): T {
  const file = resolve(packageRoot(), relative);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new DocumentError(`cannot read: ${(e as Error).message}`, { file, field: '$' });
  }
}

let caCache: TestCa | undefined;
let issuerCache: TestIssuer | undefined;

/** The emvsim test CA key pair (private key included: TEST ONLY). */
export function loadTestCa(): TestCa {
  if (!caCache) {
    const j = readJson<TestCaJson>(TEST_CA_FILE);
    caCache = { label: j.label, index: j.index, rids: j.rids, expiry: j.expiry, keyPair: keyPairFromJson(j.key) };
  }
  return caCache;
}

/** The pre-generated test issuer key pair and its certificates under the test CA. */
export function loadTestIssuer(): TestIssuer {
  if (!issuerCache) {
    const j = readJson<TestIssuerJson>(TEST_ISSUER_FILE);
    issuerCache = { label: j.label, keyPair: keyPairFromJson(j.key), certificates: j.certificates };
  }
  return issuerCache;
}

export interface TestIssuerCertificate extends IssuerCertificateTags {
  issuerIdentifier: string;
  expiry: string;
  serial: string;
}

/**
 * The test issuer's certificate (90/92/9F32) for a card with this PAN: a shipped one when its
 * issuer identifier prefixes the PAN, otherwise a new one signed now by the test CA with the
 * first 6 PAN digits (RSA signatures with message recovery are deterministic, so the same
 * inputs always give the same certificate).
 */
export function testIssuerCertificate(
  pan: string | Bytes,
  options: { expiry?: string; serial?: string; issuerIdentifier?: string } = {},
): TestIssuerCertificate {
  const digits = panDigits(pan);
  const issuer = loadTestIssuer();
  const shipped = issuer.certificates.find(
    (c) =>
      digits.startsWith(c.issuerIdentifier) &&
      (options.issuerIdentifier ?? c.issuerIdentifier) === c.issuerIdentifier &&
      (options.expiry ?? c.expiry) === c.expiry &&
      (options.serial ?? c.serial) === c.serial,
  );
  if (shipped) {
    return {
      issuerIdentifier: shipped.issuerIdentifier,
      expiry: shipped.expiry,
      serial: shipped.serial,
      certificate: fromHex(shipped['90']),
      remainder: fromHex(shipped['92']),
      exponent: fromHex(shipped['9F32']),
    };
  }
  const issuerIdentifier = options.issuerIdentifier ?? digits.slice(0, Math.min(6, digits.length));
  const expiry = options.expiry ?? '1249';
  const serial = options.serial ?? '000001';
  const tags = createIssuerCertificate({
    caKey: loadTestCa().keyPair,
    issuerPublicKey: issuer.keyPair,
    issuerIdentifier,
    expiry,
    serial,
  });
  return { issuerIdentifier, expiry, serial, ...tags };
}

export function issuerCertificateToJson(c: TestIssuerCertificate): IssuerCertificateJson {
  return { issuerIdentifier: c.issuerIdentifier, expiry: c.expiry, serial: c.serial, '90': toHex(c.certificate), '92': toHex(c.remainder), '9F32': toHex(c.exponent) };
}
