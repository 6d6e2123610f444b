/**
 * Shared test helpers for the RSA / ODA tests: the vendored known-answer vectors
 * (test/vectors/emv-known-answers.json) and the pre-generated key pairs of fixtures/rsa-keys.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RsaKeyPair, type RsaKeyPairJson, keyPairFromJson } from '../../src/crypto/rsa.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface VectorCapk {
  rid: string;
  index: string;
  modulus: string;
  exponent: string;
  sha1_checksum: string;
  checksum_verified: boolean;
  kind?: string;
}

export interface KnownAnswers {
  oda: {
    capk_checksum_formula: { text: string };
    certificate_formats: Record<string, string>;
    capks_openemv: VectorCapk[];
    capks_javaemvreader_test_xml: { keys: VectorCapk[] };
  };
  pin_blocks: { enciphered_pin_for_verify: { kat: unknown; format_note: string } };
}

export const vectors = JSON.parse(
  readFileSync(path.resolve(repoRoot, 'test', 'vectors', 'emv-known-answers.json'), 'utf8'),
) as KnownAnswers;

const keys = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'crypto', 'fixtures', 'rsa-keys.json'), 'utf8')) as Record<string, RsaKeyPairJson>;

/** A fixture key pair: role ca | issuer | icc, bits 1024 | 1984, exponent 3 | 65537. */
export function fixtureKey(role: 'ca' | 'issuer' | 'icc', bits: 1024 | 1984, exponent: 3 | 65537): RsaKeyPair {
  const k = keys[`${role}-${bits}-e${exponent}`];
  if (!k) throw new Error(`no fixture key ${role}-${bits}-e${exponent}`);
  return keyPairFromJson(k);
}
