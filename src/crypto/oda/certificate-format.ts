/**
 * What every EMV signed object shares (EMV Book 2 Annex A2.1, digital signature
 * scheme giving message recovery, and §5.3/§5.4/§6.3-§6.6):
 *
 *   recovered = '6A' || body || SHA-1(body || extra data) || 'BC'   (as long as the signer's modulus)
 *
 * where body starts with the format byte (02 issuer certificate, 03 signed static data,
 * 04 ICC certificate, 05 signed dynamic data, 95 Visa proprietary ICC PIN encipherment key)
 * and is N - 22 bytes long. The signer applies its private key to the whole block; the
 * verifier applies the public key and checks header, trailer, format and hash.
 */
import { type Bytes, concat, equal, fromCn, fromHex, toHex } from '../../apdu/index.js';
import { CryptoError } from '../errors.js';
import { sha1 } from '../hash.js';
import { type RsaKeyPair, type RsaPublicKey, rsaPrivateOperation, rsaPublicOperation } from '../rsa.js';

export const HEADER = 0x6a;
export const TRAILER = 0xbc;
export const PAD = 0xbb;
/** Hash Algorithm Indicator '01' = SHA-1 (Book 2 Annex B2.1). */
export const HASH_SHA1 = 0x01;
/** Public Key Algorithm Indicator '01' = RSA (Book 2 Annex B2.1). */
export const PK_ALGORITHM_RSA = 0x01;
export const HASH_LENGTH = 20;

/** Certificate / signed data format bytes (Book 2 Tables 6, 7, 14, 17; Visa 95 for PIN encipherment). */
export const FORMAT = {
  issuerCertificate: 0x02,
  signedStaticData: 0x03,
  iccCertificate: 0x04,
  signedDynamicData: 0x05,
  /** Some schemes certify the ICC PIN encipherment key with format 95 instead of 04. */
  iccPinCertificateProprietary: 0x95,
} as const;

export type OdaObject =
  | 'issuer certificate'
  | 'ICC certificate'
  | 'ICC PIN encipherment certificate'
  | 'signed static data'
  | 'signed dynamic data';

/** Bad input to a create function (key too long for the signer, bad PAN, bad date). */
export class OdaError extends CryptoError {
  constructor(what: OdaObject | string, message: string) {
    super(what, message, 'ODA');
  }
}

/** What every recover function returns: the recovered block, decoded fields, and each failed check. */
export interface Recovered<F> {
  /** The block after the public-key operation (empty when the operation was impossible). */
  recovered: Bytes;
  /** Decoded fields (hex or digit strings, numbers for lengths); partial when recovery failed early. */
  fields: Partial<F>;
  /** True when the hash result in the block equals SHA-1 over the signed data. */
  hashValid: boolean;
  /** Human-readable reasons, one per failed check; empty when every check holds. */
  failures: string[];
  ok: boolean;
}

/**
 * Signs `body` (format byte .. last pad byte, N - 22 bytes) with message recovery. 'static' for
 * certificates and signed static data: the signature is kept and reused (staticSignatures below).
 */
export function signWithRecovery(what: OdaObject, signer: RsaKeyPair, body: Bytes, extraHashData: Bytes, reuse: 'static' | 'dynamic' = 'dynamic'): Bytes {
  const n = signer.modulus.length;
  if (body.length !== n - 22) throw new OdaError(what, `body of ${body.length} bytes for a ${n}-byte key (needs ${n - 22})`);
  const block = concat(Uint8Array.of(HEADER), body, sha1(body, extraHashData), Uint8Array.of(TRAILER));
  if (reuse === 'dynamic') return rsaPrivateOperation(signer, block);
  const id = toHex(signer.modulus) + toHex(block);
  let signature = staticSignatures.get(id);
  if (!signature) {
    if (staticSignatures.size >= MAX_STATIC_SIGNATURES) staticSignatures.clear();
    signature = rsaPrivateOperation(signer, block);
    staticSignatures.set(id, signature);
  }
  return signature.slice();
}

/**
 * Static signatures (certificates 90, 9F46, 9F2D; signed static data 93) made so far, by signer
 * modulus and signed block. Signing with recovery is deterministic, so the block fixes the
 * signature; cards issued from the same profile and seed carry the same certificates, and the
 * issuer's private operation for each was most of `emvsim conform`'s RSA time. Dynamic signatures
 * (a fresh block each time) are never kept.
 */
const staticSignatures = new Map<string, Bytes>();
const MAX_STATIC_SIGNATURES = 512;

/**
 * Common first steps of every verification (e.g. Book 2 §5.3 steps 1-5): length equals the
 * signer's modulus, recover, trailer BC, header 6A, format byte, hash algorithm. Returns the
 * recovered block (undefined when the RSA operation is impossible) and pushes failures.
 */
export function recoverBlock(
  what: OdaObject,
  signerKeyName: string,
  key: RsaPublicKey,
  signature: Bytes | undefined,
  tag: string,
  expectedFormats: number[],
  failures: string[],
): Bytes | undefined {
  if (!signature || signature.length === 0) {
    failures.push(`${what}: ${tag} missing`);
    return undefined;
  }
  if (signature.length !== key.modulus.length) {
    failures.push(`${what}: ${tag} has ${signature.length} bytes, the ${signerKeyName} modulus has ${key.modulus.length}`);
    return undefined;
  }
  let x: Bytes;
  try {
    x = rsaPublicOperation(key, signature);
  } catch (e) {
    failures.push(`${what}: ${(e as Error).message}`);
    return undefined;
  }
  if (x[x.length - 1] !== TRAILER) failures.push(`${what}: recovered data trailer is ${hexByte(x[x.length - 1])}, expected BC`);
  if (x[0] !== HEADER) failures.push(`${what}: recovered data header is ${hexByte(x[0])}, expected 6A`);
  if (!expectedFormats.includes(x[1] ?? -1)) {
    failures.push(`${what}: format is ${hexByte(x[1])}, expected ${expectedFormats.map(hexByte).join(' or ')}`);
  }
  return x;
}

/** Compares the hash result (bytes N-21..N-2) with SHA-1(bytes 2..N-21 || extra); pushes a failure. */
export function checkHash(what: OdaObject, recovered: Bytes, extraHashData: Bytes, failures: string[]): boolean {
  const n = recovered.length;
  const body = recovered.subarray(1, n - 21);
  const stored = recovered.subarray(n - 21, n - 1);
  const valid = equal(stored, sha1(body, extraHashData));
  if (!valid) failures.push(`${what}: hash mismatch`);
  return valid;
}

export function checkHashAlgorithm(what: OdaObject, indicator: number | undefined, failures: string[]): void {
  if (indicator !== HASH_SHA1) failures.push(`${what}: hash algorithm indicator ${hexByte(indicator)} is not 01 (SHA-1)`);
}

export function checkPublicKeyAlgorithm(what: OdaObject, indicator: number | undefined, failures: string[]): void {
  if (indicator !== PK_ALGORITHM_RSA) failures.push(`${what}: public key algorithm indicator ${hexByte(indicator)} is not 01 (RSA)`);
}

export function hexByte(b: number | undefined): string {
  return b === undefined ? '(none)' : b.toString(16).toUpperCase().padStart(2, '0');
}

// ---------------------------------------------------------------- dates

/** Transaction date: 'YYMMDD' (tag 9A, n6) or its 3 BCD bytes. */
export type TransactionDate = string | Bytes;

function parseTransactionDate(date: TransactionDate): { yy: number; mm: number; dd: number } {
  const s = typeof date === 'string' ? date : toHex(date);
  if (!/^\d{6}$/.test(s)) throw new OdaError('transaction date', `'${s}' is not YYMMDD`);
  return { yy: Number(s.slice(0, 2)), mm: Number(s.slice(2, 4)), dd: Number(s.slice(4, 6)) };
}

/** EMV years: YY 00-49 are 20YY, 50-99 are 19YY (Book 4 §6.7.3 convention for n2 years). */
function fullYear(yy: number): number {
  return yy < 50 ? 2000 + yy : 1900 + yy;
}

/** Encodes an expiry 'MMYY' as 2 BCD bytes (n4), checking the month. */
export function encodeExpiry(what: OdaObject, mmyy: string): Bytes {
  if (!/^\d{4}$/.test(mmyy) || Number(mmyy.slice(0, 2)) < 1 || Number(mmyy.slice(0, 2)) > 12) {
    throw new OdaError(what, `expiry '${mmyy}' is not MMYY`);
  }
  return fromHex(mmyy);
}

/**
 * Certificate expiration date check (EMV 4.4 Book 2 §5.3 / §6.3 / §6.4 step 9): the certificate is
 * valid up to and including the last day of month MM of year YY; it has expired when the
 * transaction date is in a later month.
 */
export function checkExpiry(what: OdaObject, expiry: Bytes, transactionDate: TransactionDate | undefined, failures: string[]): string {
  const mmyy = toHex(expiry);
  if (!/^\d{4}$/.test(mmyy) || Number(mmyy.slice(0, 2)) < 1 || Number(mmyy.slice(0, 2)) > 12) {
    failures.push(`${what}: expiration date ${mmyy} is not a valid MMYY`);
    return mmyy;
  }
  if (transactionDate === undefined) return mmyy;
  const t = parseTransactionDate(transactionDate);
  const expiryMonths = fullYear(Number(mmyy.slice(2))) * 12 + Number(mmyy.slice(0, 2));
  const txMonths = fullYear(t.yy) * 12 + t.mm;
  if (txMonths > expiryMonths) {
    const txText = `${fullYear(t.yy)}-${String(t.mm).padStart(2, '0')}-${String(t.dd).padStart(2, '0')}`;
    failures.push(`${what}: expired ${mmyy.slice(0, 2)}/${mmyy.slice(2)} before transaction date ${txText}`);
  }
  return mmyy;
}

// ---------------------------------------------------------------- public key fields

/** Digits of a PAN given as digits or as tag 5A bytes (cn, F-padded). */
export function panDigits(pan: string | Bytes): string {
  return typeof pan === 'string' ? pan.replace(/[Ff]+$/, '') : fromCn(pan);
}

/**
 * Rebuilds a certified public key from the leftmost digits in the certificate and the
 * remainder (Book 2 §5.3 step 10, §6.4 step 10), checking the lengths and exponent.
 */
export function assemblePublicKey(
  what: OdaObject,
  names: { key: string; remainderTag: string; exponentTag: string; signer: string },
  keyLength: number,
  exponentLength: number,
  leftmost: Bytes,
  signerLength: number,
  remainder: Bytes | undefined,
  exponent: Bytes | undefined,
  failures: string[],
): RsaPublicKey | undefined {
  let ok = true;
  if (keyLength > signerLength) {
    failures.push(`${what}: ${names.key} length ${keyLength} exceeds the ${names.signer} length ${signerLength}`);
    ok = false;
  }
  let modulus: Bytes;
  if (keyLength > leftmost.length) {
    const needed = keyLength - leftmost.length;
    if (!remainder || remainder.length === 0) {
      failures.push(`${what}: ${names.key} remainder (${names.remainderTag}) missing: the key has ${keyLength} bytes, the certificate holds ${leftmost.length}`);
      ok = false;
    } else if (remainder.length !== needed) {
      failures.push(`${what}: ${names.key} remainder (${names.remainderTag}) has ${remainder.length} bytes, expected ${needed}`);
      ok = false;
    }
    modulus = concat(leftmost, remainder ?? new Uint8Array(0));
  } else {
    modulus = leftmost.slice(0, keyLength);
  }
  if (exponentLength !== 1 && exponentLength !== 3) {
    failures.push(`${what}: ${names.key} exponent length ${exponentLength} is not 1 or 3`);
    ok = false;
  }
  if (!exponent || exponent.length === 0) {
    failures.push(`${what}: ${names.key} exponent (${names.exponentTag}) missing`);
    return undefined;
  }
  if (exponent.length !== exponentLength) {
    failures.push(`${what}: ${names.key} exponent (${names.exponentTag}) has ${exponent.length} bytes, the certificate says ${exponentLength}`);
    ok = false;
  }
  const e = toHex(exponent);
  if (e !== '03' && e !== '010001') failures.push(`${what}: ${names.key} exponent ${e} is not 3 or 65537`);
  if (modulus[0] === 0) failures.push(`${what}: ${names.key} modulus has a leading zero byte`);
  return ok ? { modulus, exponent } : undefined;
}

/**
 * When a certified key is longer than the room for it in the certificate, its remainder
 * (92, 9F48, 9F2F) is part of the signed hash (Book 2 §5.3 step 5, §6.4 step 5): leaving it
 * out makes the hash fail, which alone does not tell why. Called once header, trailer and
 * format are known good, so the key length read from the block is the signer's.
 */
export function checkRemainderPresent(
  what: OdaObject,
  names: { key: string; remainderTag: string; clause: string },
  keyLength: number,
  room: number,
  remainder: Bytes | undefined,
  failures: string[],
): void {
  if (keyLength <= room || (remainder && remainder.length > 0)) return;
  failures.push(
    `${what}: ${names.key} remainder (${names.remainderTag}) missing but required: the key is ${keyLength} bytes, only ${room} fit in the certificate (${names.clause})`,
  );
}

/** Splits a public key into the part that fits in the certificate and the remainder (Book 2 §5.1, §6.1). */
export function splitPublicKey(modulus: Bytes, room: number): { field: Bytes; remainder: Bytes } {
  if (modulus.length <= room) {
    const field = new Uint8Array(room).fill(PAD);
    field.set(modulus);
    return { field, remainder: new Uint8Array(0) };
  }
  return { field: modulus.slice(0, room), remainder: modulus.slice(room) };
}

export function checkExponentValue(what: OdaObject, exponent: Bytes): void {
  const e = toHex(exponent);
  if (e !== '03' && e !== '010001') throw new OdaError(what, `public exponent ${e} is not 03 or 010001`);
}
