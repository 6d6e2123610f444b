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
import { type Bytes, cn } from '../../apdu/index.js';
import { type RsaKeyPair, type RsaPublicKey } from '../rsa.js';
import { FORMAT, type OdaObject, OdaError, type Recovered, type TransactionDate, panDigits } from './certificate-format.js';
import { type CertifiedKeyCommonFields, createCertifiedKeyCertificate, recoverCertifiedKey } from './certified-key.js';

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
  return createCertifiedKeyCertificate(
    { what, identifierLength: 10 },
    {
      signer: input.issuerKey,
      subjectKey: input.iccPublicKey,
      names: { key: 'ICC key', signer: 'issuer key' },
      format: FORMAT.iccCertificate,
      encodeIdentifier: () => {
        const pan = panDigits(input.pan);
        if (!/^\d{1,19}$/.test(pan)) throw new OdaError(what, `PAN '${pan}' is not 1 to 19 digits`);
        return cn(pan, 10);
      },
      expiry: input.expiry,
      serial: input.serial,
      extraHashData: staticData,
    },
  );
}

/** Creates 9F46 (+9F48, 9F47) as the issuer does at personalisation (Book 2 §6.1, Table 14). */
export function createIccCertificate(input: CreateIccCertificateInput): IccCertificateTags {
  return createCertificate('ICC certificate', input, input.staticData ?? new Uint8Array(0));
}

/** Creates 9F2D (+9F2F, 9F2E) for a separate ICC PIN encipherment key (Book 2 §7.1). */
export function createIccPinEnciphermentCertificate(input: Omit<CreateIccCertificateInput, 'staticData'>): IccCertificateTags {
  return createCertificate('ICC PIN encipherment certificate', input, new Uint8Array(0));
}

export interface IccCertificateFields extends CertifiedKeyCommonFields {
  /** PAN digits (F padding removed). */
  pan: string;
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
  const { publicKey, ...result } = recoverCertifiedKey(
    { what, identifierLength: 10 },
    {
      signerKey: input.issuerPublicKey,
      certificate: input.certificate,
      remainder: input.remainder,
      exponent: input.exponent,
      extraHashData: staticData,
      transactionDate: input.transactionDate,
      formats: what === 'ICC certificate' ? [FORMAT.iccCertificate] : [FORMAT.iccCertificate, FORMAT.iccPinCertificateProprietary],
      identifierField: 'pan',
      names: {
        signer: 'issuer public key',
        key: what === 'ICC certificate' ? 'ICC public key' : 'ICC PIN encipherment public key',
        certificateTag: tags[0],
        remainderTag: tags[1],
        exponentTag: tags[2],
        clause: what === 'ICC certificate' ? 'Book 2 §6.4' : 'Book 2 §7.1',
      },
      checkIdentifier: (fields, failures) => {
        // Book 2 §6.4 step 8: the recovered PAN equals the Application PAN read from the card.
        if (input.pan !== undefined && fields.pan !== panDigits(input.pan)) {
          failures.push(`${what}: PAN ${fields.pan} in the certificate differs from the application PAN ${panDigits(input.pan)}`);
        }
      },
    },
  );
  return { ...result, ...(publicKey ? { iccPublicKey: publicKey } : {}) };
}

/** Recovers 9F46 and runs every check of Book 2 §6.4. */
export function recoverIccCertificate(input: RecoverIccCertificateInput): IccCertificateResult {
  return recoverCertificate('ICC certificate', ['9F46', '9F48', '9F47'], input, input.staticData ?? new Uint8Array(0));
}

/** Recovers 9F2D (Book 2 §7.1): same checks as the ICC certificate, no static data in the hash. */
export function recoverIccPinEnciphermentCertificate(input: Omit<RecoverIccCertificateInput, 'staticData'>): IccCertificateResult {
  return recoverCertificate('ICC PIN encipherment certificate', ['9F2D', '9F2F', '9F2E'], input, new Uint8Array(0));
}
