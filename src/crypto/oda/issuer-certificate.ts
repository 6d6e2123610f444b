/**
 * Issuer Public Key Certificate, tag 90 (EMV Book 2 §5.3 / §6.3, Table 6), signed by the
 * certification authority; with the Issuer Public Key Remainder (92) when the key does not
 * fit and the Issuer Public Key Exponent (9F32).
 *
 * Recovered data (N_CA bytes):
 *   6A | 02 | Issuer Identifier (4, cn: leftmost 3-8 PAN digits, F-padded) | Expiry MMYY (2)
 *   | Serial (3) | Hash Algo 01 | PK Algo 01 | N_I (1) | exponent length (1)
 *   | issuer PK or leftmost N_CA-36 bytes (BB-padded) | SHA-1 (20) | BC
 *   hash over bytes 2..N_CA-21 || remainder (92) || exponent (9F32)
 */
import { type Bytes, bytesOf, cn, concat, fromCn, toHex, uintBytes } from '../../apdu/bytes.js';
import { type RsaKeyPair, type RsaPublicKey } from '../rsa.js';
import {
  FORMAT,
  HASH_SHA1,
  OdaError,
  PK_ALGORITHM_RSA,
  type Recovered,
  type TransactionDate,
  assemblePublicKey,
  checkExpiry,
  checkExponentValue,
  checkHash,
  checkHashAlgorithm,
  checkPublicKeyAlgorithm,
  checkRemainderPresent,
  encodeExpiry,
  panDigits,
  recoverBlock,
  signWithRecovery,
  splitPublicKey,
} from './certificate-format.js';

const WHAT = 'issuer certificate';

export interface CreateIssuerCertificateInput {
  /** The certification authority's key pair (the CAPK's private half). */
  caKey: RsaKeyPair;
  /** The issuer public key to certify (N_I <= N_CA). */
  issuerPublicKey: RsaPublicKey;
  /** Leftmost 3 to 8 PAN digits (Book 2 Table 6). */
  issuerIdentifier: string;
  /** 'MMYY'. */
  expiry: string;
  /** 3 bytes (hex or bytes), unique per CA (Book 2 §5.3). */
  serial: string | Bytes;
}

/** Tag values the card carries: 90, 92 (empty when the key fits), 9F32. */
export interface IssuerCertificateTags {
  certificate: Bytes;
  remainder: Bytes;
  exponent: Bytes;
}

/** Creates tag 90 (+92, 9F32) as a certification authority does (Book 2 §5.1, Table 6). */
export function createIssuerCertificate(input: CreateIssuerCertificateInput): IssuerCertificateTags {
  const nCa = input.caKey.modulus.length;
  const nI = input.issuerPublicKey.modulus.length;
  if (nI > nCa) throw new OdaError(WHAT, `issuer key of ${nI} bytes is longer than the CA key (${nCa})`);
  if (!/^\d{3,8}$/.test(input.issuerIdentifier)) {
    throw new OdaError(WHAT, `issuer identifier '${input.issuerIdentifier}' is not 3 to 8 digits`);
  }
  const serial = bytesOf(input.serial);
  if (serial.length !== 3) throw new OdaError(WHAT, `serial number has ${serial.length} bytes, expected 3`);
  checkExponentValue(WHAT, input.issuerPublicKey.exponent);
  const { field, remainder } = splitPublicKey(input.issuerPublicKey.modulus, nCa - 36);
  const body = concat(
    Uint8Array.of(FORMAT.issuerCertificate),
    cn(input.issuerIdentifier, 4),
    encodeExpiry(WHAT, input.expiry),
    serial,
    Uint8Array.of(HASH_SHA1, PK_ALGORITHM_RSA),
    uintBytes(nI, 1),
    uintBytes(input.issuerPublicKey.exponent.length, 1),
    field,
  );
  const certificate = signWithRecovery(WHAT, input.caKey, body, concat(remainder, input.issuerPublicKey.exponent));
  return { certificate, remainder, exponent: input.issuerPublicKey.exponent };
}

export interface IssuerCertificateFields {
  certificateFormat: string;
  /** Digits (F padding removed). */
  issuerIdentifier: string;
  /** MMYY. */
  expiry: string;
  serial: string;
  hashAlgorithm: string;
  publicKeyAlgorithm: string;
  publicKeyLength: number;
  exponentLength: number;
  modulus: string;
  exponent: string;
  hashResult: string;
}

export interface RevokedCertificate {
  rid: string;
  index: string;
  serial: string;
}

export interface RecoverIssuerCertificateInput {
  /** The CA public key selected by RID and index 8F (Book 2 §5.2). */
  capk: RsaPublicKey & { rid?: string; index?: string };
  certificate: Bytes | undefined;
  remainder?: Bytes;
  exponent: Bytes | undefined;
  /** Application PAN (tag 5A or digits): the issuer identifier must match its leftmost digits. */
  pan?: string | Bytes;
  /** Transaction date YYMMDD (9A) for the expiry check. */
  transactionDate?: TransactionDate;
  /** Certificate revocation list (Book 2 §5.3 step 8, optional terminal feature). */
  revocationList?: RevokedCertificate[];
}

export interface IssuerCertificateResult extends Recovered<IssuerCertificateFields> {
  /** The issuer public key, when the certificate is authentic (hash, header, trailer, format, lengths). */
  issuerPublicKey?: RsaPublicKey;
}

/** Recovers tag 90 and runs every check of Book 2 §5.3 / §6.3. */
export function recoverIssuerCertificate(input: RecoverIssuerCertificateInput): IssuerCertificateResult {
  const failures: string[] = [];
  const x = recoverBlock(WHAT, 'CA public key', input.capk, input.certificate, 'certificate (90)', [FORMAT.issuerCertificate], failures);
  if (!x) return { recovered: new Uint8Array(0), fields: {}, hashValid: false, failures, ok: false };
  const nCa = x.length;
  const structural = failures.length;
  if (structural === 0) {
    checkRemainderPresent(WHAT, { key: 'issuer public key', remainderTag: '92', clause: 'Book 2 §5.3' }, x[13]!, nCa - 36, input.remainder, failures);
  }
  const hashValid = checkHash(WHAT, x, concat(input.remainder ?? new Uint8Array(0), input.exponent ?? new Uint8Array(0)), failures);
  const authentic = hashValid && failures.length === 0;

  const issuerIdentifier = fromCn(x.subarray(2, 6));
  const fields: Partial<IssuerCertificateFields> = {
    certificateFormat: toHex(x.subarray(1, 2)),
    issuerIdentifier,
    expiry: toHex(x.subarray(6, 8)),
    serial: toHex(x.subarray(8, 11)),
    hashAlgorithm: toHex(x.subarray(11, 12)),
    publicKeyAlgorithm: toHex(x.subarray(12, 13)),
    publicKeyLength: x[13]!,
    exponentLength: x[14]!,
    hashResult: toHex(x.subarray(nCa - 21, nCa - 1)),
  };
  if (!authentic) {
    // Fields past the header are not trustworthy when the block is not authentic; show them raw.
    return { recovered: x, fields, hashValid, failures, ok: false };
  }

  // Issuer identifier: 3-8 digits, F-padded, equal to the leftmost PAN digits (Book 2 §5.3 step 6).
  if (!/^\d{3,8}F*$/.test(toHex(x.subarray(2, 6)))) {
    failures.push(`${WHAT}: issuer identifier ${toHex(x.subarray(2, 6))} is not 3 to 8 digits padded with F`);
  } else if (input.pan !== undefined && !panDigits(input.pan).startsWith(issuerIdentifier)) {
    failures.push(`${WHAT}: issuer identifier ${issuerIdentifier} does not match the leftmost digits of PAN ${panDigits(input.pan)}`);
  }
  checkExpiry(WHAT, x.subarray(6, 8), input.transactionDate, failures);
  if (!/^[0-9A-F]{6}$/.test(fields.serial ?? '')) failures.push(`${WHAT}: certificate serial number missing`);
  if (input.revocationList && input.capk.rid && input.capk.index) {
    const hit = input.revocationList.find(
      (r) => r.rid.toUpperCase() === input.capk.rid!.toUpperCase() && r.index.toUpperCase() === input.capk.index!.toUpperCase() && r.serial.toUpperCase() === fields.serial,
    );
    if (hit) failures.push(`${WHAT}: serial ${fields.serial} under CAPK ${hit.rid}/${hit.index} is revoked`);
  }
  checkHashAlgorithm(WHAT, x[11], failures);
  checkPublicKeyAlgorithm(WHAT, x[12], failures);
  const key = assemblePublicKey(
    WHAT,
    { key: 'issuer public key', remainderTag: '92', exponentTag: '9F32', signer: 'CA public key' },
    x[13]!,
    x[14]!,
    x.subarray(15, nCa - 21),
    nCa,
    input.remainder,
    input.exponent,
    failures,
  );
  if (key) {
    fields.modulus = toHex(key.modulus);
    fields.exponent = toHex(key.exponent);
  }
  return { recovered: x, fields, hashValid, failures, ok: failures.length === 0, ...(key ? { issuerPublicKey: key } : {}) };
}
