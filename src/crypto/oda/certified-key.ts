/**
 * The part shared by the certificates that certify a public key: issuer certificate 90
 * (EMV Book 2 §5.1, §5.3, Table 6) and ICC certificates 9F46 / 9F2D (Book 2 §6.1, §6.4,
 * Table 14, §7.1). Building on the signed-block primitives of certificate-format.ts.
 */
import { type Bytes, bytesOf, concat, fromCn, toHex, uintBytes } from '../../apdu/index.js';
import { type RsaKeyPair, type RsaPublicKey } from '../rsa.js';
import {
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
  recoverBlock,
  signWithRecovery,
  splitPublicKey,
} from './certificate-format.js';

/**
 * Layout shared by the certificates that certify a public key (issuer certificate 90,
 * Book 2 Table 6; ICC certificates 9F46 and 9F2D, Book 2 Table 14 and §7.1):
 *
 *   6A | format | identifier (L, cn) | Expiry MMYY (2) | Serial (3) | Hash Algo | PK Algo
 *   | key length (1) | exponent length (1) | key or leftmost N-22-(L+10) bytes | SHA-1 (20) | BC
 *
 * The identifier is the issuer identifier (L = 4) or the application PAN (L = 10).
 */
export interface CertifiedKeyLayout {
  what: OdaObject;
  /** Length L of the identifier field in bytes. */
  identifierLength: number;
}

/** Room for the certified key in a certificate signed with an `n`-byte key. */
function keyRoom(layout: CertifiedKeyLayout, n: number): number {
  return n - 32 - layout.identifierLength;
}

export interface CreateCertifiedKeyInput {
  signer: RsaKeyPair;
  subjectKey: RsaPublicKey;
  /** For the error messages: e.g. { key: 'ICC key', signer: 'issuer key' }. */
  names: { key: string; signer: string };
  format: number;
  /** Checks the identifier and returns its L encoded bytes; called after the key length check. */
  encodeIdentifier: () => Bytes;
  /** 'MMYY'. */
  expiry: string;
  /** 3 bytes. */
  serial: string | Bytes;
  /** Hashed after the remainder and exponent (static data for 9F46; empty otherwise). */
  extraHashData: Bytes;
}

/** Builds and signs a certificate for a public key (Book 2 §5.1, §6.1, §7.1). */
export function createCertifiedKeyCertificate(layout: CertifiedKeyLayout, input: CreateCertifiedKeyInput): { certificate: Bytes; remainder: Bytes; exponent: Bytes } {
  const { what } = layout;
  const nSigner = input.signer.modulus.length;
  const nKey = input.subjectKey.modulus.length;
  if (nKey > nSigner) throw new OdaError(what, `${input.names.key} of ${nKey} bytes is longer than the ${input.names.signer} (${nSigner})`);
  const identifier = input.encodeIdentifier();
  const serial = bytesOf(input.serial);
  if (serial.length !== 3) throw new OdaError(what, `serial number has ${serial.length} bytes, expected 3`);
  checkExponentValue(what, input.subjectKey.exponent);
  const { field, remainder } = splitPublicKey(input.subjectKey.modulus, keyRoom(layout, nSigner));
  const body = concat(
    Uint8Array.of(input.format),
    identifier,
    encodeExpiry(what, input.expiry),
    serial,
    Uint8Array.of(HASH_SHA1, PK_ALGORITHM_RSA),
    uintBytes(nKey, 1),
    uintBytes(input.subjectKey.exponent.length, 1),
    field,
  );
  const certificate = signWithRecovery(what, input.signer, body, concat(remainder, input.subjectKey.exponent, input.extraHashData));
  return { certificate, remainder, exponent: input.subjectKey.exponent };
}

/** Fields decoded from every certified-key certificate (hex strings, numbers for lengths). */
export interface CertifiedKeyCommonFields {
  certificateFormat: string;
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

/** The common fields plus the identifier (digits, F padding removed) under `I`. */
export type CertifiedKeyFields<I extends string> = Record<I, string> & CertifiedKeyCommonFields;

export interface RecoverCertifiedKeyInput<I extends string> {
  signerKey: RsaPublicKey;
  certificate: Bytes | undefined;
  remainder: Bytes | undefined;
  exponent: Bytes | undefined;
  /** Hashed after the remainder and exponent (static data for 9F46; empty otherwise). */
  extraHashData: Bytes;
  transactionDate: TransactionDate | undefined;
  formats: number[];
  /** Field name for the decoded identifier ('issuerIdentifier', 'pan'). */
  identifierField: I;
  names: { signer: string; key: string; certificateTag: string; remainderTag: string; exponentTag: string; clause: string };
  /** Identifier checks, run on an authentic block before the expiry check. */
  checkIdentifier: (fields: Partial<CertifiedKeyFields<I>>, failures: string[], recovered: Bytes) => void;
  /** Further checks (serial, revocation) run after the expiry check. */
  checkAfterExpiry?: (fields: Partial<CertifiedKeyFields<I>>, failures: string[]) => void;
}

/**
 * Recovers a certified-key certificate and runs the checks of Book 2 §5.3 / §6.4 / §7.1 in
 * their order: recovery, header/trailer/format, remainder present, hash; then, on an authentic
 * block, identifier, expiry, further checks, algorithm indicators and the key itself.
 */
export function recoverCertifiedKey<I extends string>(
  layout: CertifiedKeyLayout,
  input: RecoverCertifiedKeyInput<I>,
): Recovered<CertifiedKeyFields<I>> & { publicKey?: RsaPublicKey } {
  const { what } = layout;
  const { names } = input;
  const failures: string[] = [];
  const x = recoverBlock(what, names.signer, input.signerKey, input.certificate, `certificate (${names.certificateTag})`, input.formats, failures);
  if (!x) return { recovered: new Uint8Array(0), fields: {}, hashValid: false, failures, ok: false };
  const n = x.length;
  const at = 2 + layout.identifierLength;
  if (failures.length === 0) {
    checkRemainderPresent(what, { key: names.key, remainderTag: names.remainderTag, clause: names.clause }, x[at + 7]!, keyRoom(layout, n), input.remainder, failures);
  }
  const hashValid = checkHash(what, x, concat(input.remainder ?? new Uint8Array(0), input.exponent ?? new Uint8Array(0), input.extraHashData), failures);
  const fields = {
    certificateFormat: toHex(x.subarray(1, 2)),
    [input.identifierField]: fromCn(x.subarray(2, at)),
    expiry: toHex(x.subarray(at, at + 2)),
    serial: toHex(x.subarray(at + 2, at + 5)),
    hashAlgorithm: toHex(x.subarray(at + 5, at + 6)),
    publicKeyAlgorithm: toHex(x.subarray(at + 6, at + 7)),
    publicKeyLength: x[at + 7]!,
    exponentLength: x[at + 8]!,
    hashResult: toHex(x.subarray(n - 21, n - 1)),
  } as Partial<CertifiedKeyFields<I>>;
  // Fields past the header are not trustworthy when the block is not authentic; show them raw.
  if (!hashValid || failures.length > 0) return { recovered: x, fields, hashValid, failures, ok: false };

  input.checkIdentifier(fields, failures, x);
  checkExpiry(what, x.subarray(at, at + 2), input.transactionDate, failures);
  input.checkAfterExpiry?.(fields, failures);
  checkHashAlgorithm(what, x[at + 5], failures);
  checkPublicKeyAlgorithm(what, x[at + 6], failures);
  const key = assemblePublicKey(
    what,
    { key: names.key, remainderTag: names.remainderTag, exponentTag: names.exponentTag, signer: names.signer },
    x[at + 7]!,
    x[at + 8]!,
    x.subarray(at + 9, n - 21),
    n,
    input.remainder,
    input.exponent,
    failures,
  );
  if (key) {
    fields.modulus = toHex(key.modulus);
    fields.exponent = toHex(key.exponent);
  }
  return { recovered: x, fields, hashValid, failures, ok: failures.length === 0, ...(key ? { publicKey: key } : {}) };
}
