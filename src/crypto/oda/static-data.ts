/**
 * Static data authentication (SDA): the static data to be authenticated (EMV Book 3 §10.3,
 * Book 2 §5.4) and the Signed Static Application Data, tag 93 (Book 2 §5.4, Table 7).
 *
 * Recovered data (N_I bytes):
 *   6A | 03 | Hash Algo 01 | Data Authentication Code (2) | pad BB (N_I-26) | SHA-1 (20) | BC
 *   hash over bytes 2..N_I-21 || static data to be authenticated
 */
import { type Bytes, bytesOf, concat, toHex } from '../../apdu/index.js';
import { decodeTlv } from '../../apdu/index.js';
import { type RsaKeyPair, type RsaPublicKey } from '../rsa.js';
import { FORMAT, HASH_SHA1, OdaError, PAD, type Recovered, checkHash, checkHashAlgorithm, recoverBlock, signWithRecovery } from './certificate-format.js';

const WHAT = 'signed static data';

/** One record read for offline data authentication (the AFL says which, Book 3 §10.2). */
export interface OdaRecord {
  sfi: number;
  /** The whole record as READ RECORD returned it (for SFI 1-10: the '70' template). */
  record: Bytes;
}

/**
 * Static data to be authenticated (Book 3 §10.3): for SFI 1-10 the value of the '70' record
 * template (tag and length excluded; a record that is not a '70' template makes ODA fail);
 * for SFI 11-30 the whole record with tag and length; then, when the SDA Tag List (9F4A) is
 * present, the values of the tags it names, which may only be the AIP '82'.
 */
export function buildStaticDataToBeAuthenticated(records: readonly OdaRecord[], options: { sdaTagList?: Bytes; aip?: Bytes } = {}): Bytes {
  const parts: Bytes[] = [];
  records.forEach((r, i) => {
    if (r.sfi >= 1 && r.sfi <= 10) {
      const tlv = decodeTlv(r.record, { recursive: false });
      const only = tlv[0];
      if (tlv.length !== 1 || !only || only.tag !== '70') {
        throw new OdaError('static data', `record ${i + 1} (SFI ${r.sfi}) is not a single '70' template (Book 3 §10.3)`);
      }
      parts.push(only.value);
    } else if (r.sfi >= 11 && r.sfi <= 30) {
      parts.push(r.record);
    } else {
      throw new OdaError('static data', `record ${i + 1} has SFI ${r.sfi}, outside 1..30`);
    }
  });
  if (options.sdaTagList && options.sdaTagList.length > 0) {
    if (toHex(options.sdaTagList) !== '82') {
      throw new OdaError('static data', `SDA tag list (9F4A) is ${toHex(options.sdaTagList)}; only '82' (AIP) is allowed (Book 3 §10.3)`);
    }
    if (!options.aip || options.aip.length !== 2) throw new OdaError('static data', 'SDA tag list names the AIP (82) but no 2-byte AIP was given');
    parts.push(options.aip);
  }
  return concat(...parts);
}

export interface CreateSignedStaticDataInput {
  issuerKey: RsaKeyPair;
  /** Data Authentication Code, 2 bytes (stored by the terminal in 9F45). */
  dataAuthenticationCode: string | Bytes;
  staticData: Bytes;
}

/** Creates tag 93 as the issuer does at personalisation (Book 2 §5.4 Table 7). */
export function createSignedStaticData(input: CreateSignedStaticDataInput): Bytes {
  const dac = bytesOf(input.dataAuthenticationCode);
  if (dac.length !== 2) throw new OdaError(WHAT, `data authentication code has ${dac.length} bytes, expected 2`);
  const nI = input.issuerKey.modulus.length;
  const body = concat(Uint8Array.of(FORMAT.signedStaticData, HASH_SHA1), dac, new Uint8Array(nI - 26).fill(PAD));
  return signWithRecovery(WHAT, input.issuerKey, body, input.staticData);
}

export interface SignedStaticDataFields {
  signedDataFormat: string;
  hashAlgorithm: string;
  /** Data Authentication Code (9F45). */
  dac: string;
  hashResult: string;
}

export interface RecoverSignedStaticDataInput {
  issuerPublicKey: RsaPublicKey;
  signedStaticData: Bytes | undefined;
  staticData: Bytes;
}

/** Recovers tag 93 and runs the checks of Book 2 §5.4 (steps 1-7). */
export function recoverSignedStaticData(input: RecoverSignedStaticDataInput): Recovered<SignedStaticDataFields> {
  const failures: string[] = [];
  const x = recoverBlock(WHAT, 'issuer public key', input.issuerPublicKey, input.signedStaticData, 'signed static application data (93)', [FORMAT.signedStaticData], failures);
  if (!x) return { recovered: new Uint8Array(0), fields: {}, hashValid: false, failures, ok: false };
  const n = x.length;
  const hashValid = checkHash(WHAT, x, input.staticData, failures);
  checkHashAlgorithm(WHAT, x[2], failures);
  const fields: SignedStaticDataFields = {
    signedDataFormat: toHex(x.subarray(1, 2)),
    hashAlgorithm: toHex(x.subarray(2, 3)),
    dac: toHex(x.subarray(3, 5)),
    hashResult: toHex(x.subarray(n - 21, n - 1)),
  };
  return { recovered: x, fields, hashValid, failures, ok: failures.length === 0 };
}
