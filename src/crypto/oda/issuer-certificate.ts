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
import { type Bytes, cn, toHex } from '../../apdu/index.js';
import { type RsaKeyPair, type RsaPublicKey } from '../rsa.js';
import { FORMAT, OdaError, type Recovered, type TransactionDate, panDigits } from './certificate-format.js';
import { type CertifiedKeyCommonFields, type CertifiedKeyLayout, createCertifiedKeyCertificate, recoverCertifiedKey } from './certified-key.js';

const WHAT = 'issuer certificate';
const LAYOUT: CertifiedKeyLayout = { what: WHAT, identifierLength: 4 };

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
  return createCertifiedKeyCertificate(LAYOUT, {
    signer: input.caKey,
    subjectKey: input.issuerPublicKey,
    names: { key: 'issuer key', signer: 'CA key' },
    format: FORMAT.issuerCertificate,
    encodeIdentifier: () => {
      if (!/^\d{3,8}$/.test(input.issuerIdentifier)) {
        throw new OdaError(WHAT, `issuer identifier '${input.issuerIdentifier}' is not 3 to 8 digits`);
      }
      return cn(input.issuerIdentifier, 4);
    },
    expiry: input.expiry,
    serial: input.serial,
    extraHashData: new Uint8Array(0),
  });
}

export interface IssuerCertificateFields extends CertifiedKeyCommonFields {
  /** Digits (F padding removed). */
  issuerIdentifier: string;
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
  const { publicKey, ...result } = recoverCertifiedKey(LAYOUT, {
    signerKey: input.capk,
    certificate: input.certificate,
    remainder: input.remainder,
    exponent: input.exponent,
    extraHashData: new Uint8Array(0),
    transactionDate: input.transactionDate,
    formats: [FORMAT.issuerCertificate],
    identifierField: 'issuerIdentifier',
    names: { signer: 'CA public key', key: 'issuer public key', certificateTag: '90', remainderTag: '92', exponentTag: '9F32', clause: 'Book 2 §5.3' },
    checkIdentifier: (fields, failures, recovered) => {
      // Issuer identifier: 3-8 digits, F-padded, equal to the leftmost PAN digits (Book 2 §5.3 step 6).
      const issuerIdentifier = fields.issuerIdentifier ?? '';
      const raw = toHex(recovered.subarray(2, 6));
      if (!/^\d{3,8}F*$/.test(raw)) {
        failures.push(`${WHAT}: issuer identifier ${raw} is not 3 to 8 digits padded with F`);
      } else if (input.pan !== undefined && !panDigits(input.pan).startsWith(issuerIdentifier)) {
        failures.push(`${WHAT}: issuer identifier ${issuerIdentifier} does not match the leftmost digits of PAN ${panDigits(input.pan)}`);
      }
    },
    checkAfterExpiry: (fields, failures) => {
      if (!/^[0-9A-F]{6}$/.test(fields.serial ?? '')) failures.push(`${WHAT}: certificate serial number missing`);
      if (input.revocationList && input.capk.rid && input.capk.index) {
        const hit = input.revocationList.find(
          (r) => r.rid.toUpperCase() === input.capk.rid!.toUpperCase() && r.index.toUpperCase() === input.capk.index!.toUpperCase() && r.serial.toUpperCase() === fields.serial,
        );
        if (hit) failures.push(`${WHAT}: serial ${fields.serial} under CAPK ${hit.rid}/${hit.index} is revoked`);
      }
    },
  });
  return { ...result, ...(publicKey ? { issuerPublicKey: publicKey } : {}) };
}
