/**
 * ICC Public Key Certificate, tag 9F46 (EMV Book 2 §6.4, Table 14), signed by the issuer,
 * with the ICC Public Key Remainder (9F48) and Exponent (9F47); and the ICC PIN Encipherment
 * Public Key Certificate, tag 9F2D (Book 2 §7.1), with remainder 9F2F and exponent 9F2E.
 *
 * Recovered data (N_I bytes):
 *   6A | 04 | Application PAN (10, cn, F-padded) | Expiry MMYY (2) | Serial (3) | Hash Algo 01
 *   | PK Algo 01 | N_IC (1) | exponent length (1) | ICC PK or leftmost N_I-42 bytes (BB-padded)
 *   | SHA-1 (20) | BC
 *   ICC certificate hash over bytes 2..N_I-21 || 9F48 || 9F47 || static data to be authenticated;
 *   PIN encipherment certificate hash over bytes 2..N_I-21 || 9F2F || 9F2E (no static data).
 */
import { type Bytes, bytesOf, cn, concat, fromCn, toHex, uintBytes } from '../../apdu/bytes.js';
import { type RsaKeyPair, type RsaPublicKey } from '../rsa.js';
import {
  FORMAT,
  HASH_SHA1,
  type OdaObject,
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

export interface CreateIccCertificateInput {
  /** The issuer key pair (N_IC <= N_I). */
  issuerKey: RsaKeyPair;
  /** The ICC public key to certify. */
  iccPublicKey: RsaPublicKey;
  /** Application PAN (5A) as digits or tag bytes. */
  pan: string | Bytes;
  /** 'MMYY'. */
  expiry: string;
  /** 3 bytes. */
  serial: string | Bytes;
  /** Static data to be authenticated (see buildStaticDataToBeAuthenticated); not for 9F2D. */
  staticData?: Bytes;
}

/** Tag values: 9F46/9F48/9F47 for the ICC key, 9F2D/9F2F/9F2E for the PIN encipherment key. */
export interface IccCertificateTags {
  certificate: Bytes;
  remainder: Bytes;
  exponent: Bytes;
}

function createCertificate(what: OdaObject, input: CreateIccCertificateInput, staticData: Bytes): IccCertificateTags {
  const nI = input.issuerKey.modulus.length;
  const nIc = input.iccPublicKey.modulus.length;
  if (nIc > nI) throw new OdaError(what, `ICC key of ${nIc} bytes is longer than the issuer key (${nI})`);
  const pan = panDigits(input.pan);
  if (!/^\d{1,19}$/.test(pan)) throw new OdaError(what, `PAN '${pan}' is not 1 to 19 digits`);
  const serial = bytesOf(input.serial);
  if (serial.length !== 3) throw new OdaError(what, `serial number has ${serial.length} bytes, expected 3`);
  checkExponentValue(what, input.iccPublicKey.exponent);
  const { field, remainder } = splitPublicKey(input.iccPublicKey.modulus, nI - 42);
  const body = concat(
    Uint8Array.of(FORMAT.iccCertificate),
    cn(pan, 10),
    encodeExpiry(what, input.expiry),
    serial,
    Uint8Array.of(HASH_SHA1, PK_ALGORITHM_RSA),
    uintBytes(nIc, 1),
    uintBytes(input.iccPublicKey.exponent.length, 1),
    field,
  );
  const certificate = signWithRecovery(what, input.issuerKey, body, concat(remainder, input.iccPublicKey.exponent, staticData));
  return { certificate, remainder, exponent: input.iccPublicKey.exponent };
}

/** Creates 9F46 (+9F48, 9F47) as the issuer does at personalisation (Book 2 §6.1, Table 14). */
export function createIccCertificate(input: CreateIccCertificateInput): IccCertificateTags {
  return createCertificate('ICC certificate', input, input.staticData ?? new Uint8Array(0));
}

/** Creates 9F2D (+9F2F, 9F2E) for a separate ICC PIN encipherment key (Book 2 §7.1). */
export function createIccPinEnciphermentCertificate(input: Omit<CreateIccCertificateInput, 'staticData'>): IccCertificateTags {
  return createCertificate('ICC PIN encipherment certificate', input, new Uint8Array(0));
}

export interface IccCertificateFields {
  certificateFormat: string;
  /** PAN digits (F padding removed). */
  pan: string;
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

export interface RecoverIccCertificateInput {
  /** Recovered from tag 90 (recoverIssuerCertificate). */
  issuerPublicKey: RsaPublicKey;
  certificate: Bytes | undefined;
  remainder?: Bytes;
  exponent: Bytes | undefined;
  /** Application PAN (5A): must equal the PAN in the certificate (Book 2 §6.4 step 8). */
  pan?: string | Bytes;
  transactionDate?: TransactionDate;
  /** Static data to be authenticated (ICC certificate only). */
  staticData?: Bytes;
}

export interface IccCertificateResult extends Recovered<IccCertificateFields> {
  /** The certified key when the certificate is authentic. */
  iccPublicKey?: RsaPublicKey;
}

function recoverCertificate(what: OdaObject, tags: [string, string, string], input: RecoverIccCertificateInput, staticData: Bytes): IccCertificateResult {
  const failures: string[] = [];
  const formats = what === 'ICC certificate' ? [FORMAT.iccCertificate] : [FORMAT.iccCertificate, FORMAT.iccPinCertificateProprietary];
  const x = recoverBlock(what, 'issuer public key', input.issuerPublicKey, input.certificate, `certificate (${tags[0]})`, formats, failures);
  if (!x) return { recovered: new Uint8Array(0), fields: {}, hashValid: false, failures, ok: false };
  const nI = x.length;
  const structural = failures.length;
  const keyName = what === 'ICC certificate' ? 'ICC public key' : 'ICC PIN encipherment public key';
  if (structural === 0) {
    const clause = what === 'ICC certificate' ? 'Book 2 §6.4' : 'Book 2 §7.1';
    checkRemainderPresent(what, { key: keyName, remainderTag: tags[1], clause }, x[19]!, nI - 42, input.remainder, failures);
  }
  const hashValid = checkHash(what, x, concat(input.remainder ?? new Uint8Array(0), input.exponent ?? new Uint8Array(0), staticData), failures);
  const fields: Partial<IccCertificateFields> = {
    certificateFormat: toHex(x.subarray(1, 2)),
    pan: fromCn(x.subarray(2, 12)),
    expiry: toHex(x.subarray(12, 14)),
    serial: toHex(x.subarray(14, 17)),
    hashAlgorithm: toHex(x.subarray(17, 18)),
    publicKeyAlgorithm: toHex(x.subarray(18, 19)),
    publicKeyLength: x[19]!,
    exponentLength: x[20]!,
    hashResult: toHex(x.subarray(nI - 21, nI - 1)),
  };
  if (!hashValid || failures.length > 0) return { recovered: x, fields, hashValid, failures, ok: false };

  // Book 2 §6.4 step 8: the recovered PAN equals the Application PAN read from the card.
  if (input.pan !== undefined && fields.pan !== panDigits(input.pan)) {
    failures.push(`${what}: PAN ${fields.pan} in the certificate differs from the application PAN ${panDigits(input.pan)}`);
  }
  checkExpiry(what, x.subarray(12, 14), input.transactionDate, failures);
  checkHashAlgorithm(what, x[17], failures);
  checkPublicKeyAlgorithm(what, x[18], failures);
  const key = assemblePublicKey(
    what,
    { key: keyName, remainderTag: tags[1], exponentTag: tags[2], signer: 'issuer public key' },
    x[19]!,
    x[20]!,
    x.subarray(21, nI - 21),
    nI,
    input.remainder,
    input.exponent,
    failures,
  );
  if (key) {
    fields.modulus = toHex(key.modulus);
    fields.exponent = toHex(key.exponent);
  }
  return { recovered: x, fields, hashValid, failures, ok: failures.length === 0, ...(key ? { iccPublicKey: key } : {}) };
}

/** Recovers 9F46 and runs every check of Book 2 §6.4. */
export function recoverIccCertificate(input: RecoverIccCertificateInput): IccCertificateResult {
  return recoverCertificate('ICC certificate', ['9F46', '9F48', '9F47'], input, input.staticData ?? new Uint8Array(0));
}

/** Recovers 9F2D (Book 2 §7.1): same checks as the ICC certificate, no static data in the hash. */
export function recoverIccPinEnciphermentCertificate(input: Omit<RecoverIccCertificateInput, 'staticData'>): IccCertificateResult {
  return recoverCertificate('ICC PIN encipherment certificate', ['9F2D', '9F2F', '9F2E'], input, new Uint8Array(0));
}
