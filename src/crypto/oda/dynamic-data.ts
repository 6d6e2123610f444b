/**
 * Signed Dynamic Application Data, tag 9F4B (EMV Book 2 §6.5 DDA, §6.6 CDA; Tables 17-19),
 * signed by the ICC.
 *
 * Recovered data (N_IC bytes):
 *   6A | 05 | Hash Algo 01 | L_DD (1) | ICC Dynamic Data (L_DD) | pad BB (N_IC-L_DD-25) | SHA-1 (20) | BC
 * DDA: ICC Dynamic Data = len || ICC Dynamic Number (2-8) [|| more]; hash over bytes 2..N_IC-21 || DDOL data.
 * CDA: ICC Dynamic Data = len || ICC Dynamic Number || CID (1) || AC (8) || Transaction Data Hash Code (20);
 *      hash over bytes 2..N_IC-21 || Unpredictable Number (9F37).
 */
import { type Bytes, bytesOf, concat, equal, toHex, uintBytes } from '../../apdu/index.js';
import { TlvError } from '../../apdu/index.js';
import { decodeTlv, readLength, readTag } from '../../apdu/index.js';
import { type RsaKeyPair, type RsaPublicKey } from '../rsa.js';
import { FORMAT, HASH_SHA1, OdaError, PAD, type Recovered, checkHash, checkHashAlgorithm, recoverBlock, signWithRecovery } from './certificate-format.js';
import { sha1 } from '../hash.js';

const WHAT = 'signed dynamic data';

function signDynamic(iccKey: RsaKeyPair, dynamicData: Bytes, extraHashData: Bytes): Bytes {
  const nIc = iccKey.modulus.length;
  if (dynamicData.length > nIc - 25) throw new OdaError(WHAT, `ICC dynamic data of ${dynamicData.length} bytes does not fit a ${nIc}-byte key`);
  const body = concat(
    Uint8Array.of(FORMAT.signedDynamicData, HASH_SHA1, dynamicData.length),
    dynamicData,
    new Uint8Array(nIc - dynamicData.length - 25).fill(PAD),
  );
  return signWithRecovery(WHAT, iccKey, body, extraHashData);
}

function dynamicNumberField(iccDynamicNumber: Bytes): Bytes {
  if (iccDynamicNumber.length < 2 || iccDynamicNumber.length > 8) {
    throw new OdaError(WHAT, `ICC dynamic number has ${iccDynamicNumber.length} bytes, expected 2 to 8 (Book 2 Table 18)`);
  }
  return concat(uintBytes(iccDynamicNumber.length, 1), iccDynamicNumber);
}

export interface CreateDdaSignatureInput {
  iccKey: RsaKeyPair;
  /** ICC Dynamic Number (9F4C), 2-8 bytes, e.g. derived from the ATC or random. */
  iccDynamicNumber: string | Bytes;
  /** The INTERNAL AUTHENTICATE command data: the DDOL-related data (at least 9F37). */
  ddolData: Bytes;
  /** Further issuer-chosen ICC dynamic data appended after the dynamic number. */
  additionalDynamicData?: Bytes;
}

/** Creates 9F4B for INTERNAL AUTHENTICATE (DDA, Book 2 §6.5.1). */
export function createDdaSignature(input: CreateDdaSignatureInput): Bytes {
  const dynamicData = concat(dynamicNumberField(bytesOf(input.iccDynamicNumber)), input.additionalDynamicData ?? new Uint8Array(0));
  return signDynamic(input.iccKey, dynamicData, input.ddolData);
}

/** What goes into the CDA Transaction Data Hash Code (Book 2 §6.6.1). */
export interface CdaTransactionData {
  /** PDOL-related data as sent in GET PROCESSING OPTIONS (values only; empty without PDOL). */
  pdolData: Bytes;
  /** CDOL1-related data of the first GENERATE AC. */
  cdol1Data: Bytes;
  /** CDOL2-related data, for the second GENERATE AC only. */
  cdol2Data?: Bytes;
  /**
   * The GENERATE AC response data objects in the order returned: the '77' template or its
   * content. Signed Dynamic Application Data (9F4B) is excluded automatically.
   */
  responseTlvs: Bytes;
}

/**
 * The TLV objects of a response in their original encoding, without 9F4B (Book 2 §6.6.1).
 * Objects are found by the decoder itself (decodeTlv's padding rule: '00' anywhere, 'FF'
 * only as trailing filler), so an 'FF81xx' object is hashed like any other and the
 * kernel and the card agree on what was signed.
 */
function responseObjectsExceptSdad(response: Bytes): Bytes {
  try {
    let content = response;
    const top = decodeTlv(response, { recursive: false });
    if (top.length === 1 && top[0]!.tag === '77') content = top[0]!.value;
    const parts: Bytes[] = [];
    for (const o of decodeTlv(content, { recursive: false })) {
      if (o.tag === '9F4B') continue;
      // Tag and length bytes as sent (a non-minimal length field is hashed as received).
      const { size: tagSize } = readTag(content, o.offset);
      const { size: lengthSize } = readLength(content, o.offset + tagSize);
      parts.push(content.subarray(o.offset, o.offset + tagSize + lengthSize + o.length));
    }
    return concat(...parts);
  } catch (e) {
    if (e instanceof TlvError) throw new OdaError('transaction data hash code', `response objects: ${e.message}`);
    throw e;
  }
}

/** Transaction Data Hash Code = SHA-1(PDOL data || CDOL1 data [|| CDOL2 data] || response TLVs except 9F4B). */
export function transactionDataHashCode(data: CdaTransactionData): Bytes {
  return sha1(data.pdolData, data.cdol1Data, data.cdol2Data ?? new Uint8Array(0), responseObjectsExceptSdad(data.responseTlvs));
}

export interface CreateCdaSignatureInput {
  iccKey: RsaKeyPair;
  iccDynamicNumber: string | Bytes;
  /** Cryptogram Information Data (9F27) returned in the same response. */
  cid: number;
  /** The application cryptogram (8 bytes); with CDA it travels only inside 9F4B. */
  applicationCryptogram: Bytes;
  /** 20 bytes from transactionDataHashCode(). */
  transactionDataHashCode: Bytes;
  /** The terminal's Unpredictable Number (9F37) from CDOL1/CDOL2 data. */
  unpredictableNumber: Bytes;
}

/** Creates 9F4B for GENERATE AC with CDA (Book 2 §6.6.1, Table 19). */
export function createCdaSignature(input: CreateCdaSignatureInput): Bytes {
  if (input.applicationCryptogram.length !== 8) throw new OdaError(WHAT, `application cryptogram has ${input.applicationCryptogram.length} bytes, expected 8`);
  if (input.transactionDataHashCode.length !== 20) throw new OdaError(WHAT, 'transaction data hash code is not 20 bytes');
  const dynamicData = concat(
    dynamicNumberField(bytesOf(input.iccDynamicNumber)),
    uintBytes(input.cid, 1),
    input.applicationCryptogram,
    input.transactionDataHashCode,
  );
  return signDynamic(input.iccKey, dynamicData, input.unpredictableNumber);
}

export interface SignedDynamicDataFields {
  signedDataFormat: string;
  hashAlgorithm: string;
  iccDynamicDataLength: number;
  iccDynamicData: string;
  /** ICC Dynamic Number (9F4C). */
  iccDynamicNumber: string;
  /** CDA only: Cryptogram Information Data, application cryptogram, transaction data hash code. */
  cid: string;
  applicationCryptogram: string;
  transactionDataHashCode: string;
  hashResult: string;
}

export interface RecoverDdaSignatureInput {
  iccPublicKey: RsaPublicKey;
  signedDynamicData: Bytes | undefined;
  /** The data sent in INTERNAL AUTHENTICATE (DDOL-related data). */
  ddolData: Bytes;
}

function recoverDynamic(iccPublicKey: RsaPublicKey, sdad: Bytes | undefined, extraHashData: Bytes, failures: string[]) {
  const x = recoverBlock(WHAT, 'ICC public key', iccPublicKey, sdad, 'signed dynamic application data (9F4B)', [FORMAT.signedDynamicData], failures);
  if (!x) return undefined;
  const n = x.length;
  const hashValid = checkHash(WHAT, x, extraHashData, failures);
  checkHashAlgorithm(WHAT, x[2], failures);
  const lDd = x[3]!;
  const fields: Partial<SignedDynamicDataFields> = {
    signedDataFormat: toHex(x.subarray(1, 2)),
    hashAlgorithm: toHex(x.subarray(2, 3)),
    iccDynamicDataLength: lDd,
    hashResult: toHex(x.subarray(n - 21, n - 1)),
  };
  let dynamicData: Bytes | undefined;
  if (lDd > n - 25) {
    failures.push(`${WHAT}: ICC dynamic data length ${lDd} exceeds ${n - 25} (N_IC - 25)`);
  } else {
    dynamicData = x.subarray(4, 4 + lDd);
    fields.iccDynamicData = toHex(dynamicData);
    const ldn = dynamicData[0] ?? 0;
    if (ldn < 2 || ldn > 8 || ldn + 1 > lDd) {
      failures.push(`${WHAT}: ICC dynamic number length ${ldn} is not 2 to 8 within ${lDd} bytes of dynamic data`);
    } else {
      fields.iccDynamicNumber = toHex(dynamicData.subarray(1, 1 + ldn));
    }
  }
  return { x, hashValid, fields, dynamicData };
}

/** Recovers 9F4B from INTERNAL AUTHENTICATE and runs the checks of Book 2 §6.5.2. */
export function recoverDdaSignature(input: RecoverDdaSignatureInput): Recovered<SignedDynamicDataFields> {
  const failures: string[] = [];
  const r = recoverDynamic(input.iccPublicKey, input.signedDynamicData, input.ddolData, failures);
  if (!r) return { recovered: new Uint8Array(0), fields: {}, hashValid: false, failures, ok: false };
  return { recovered: r.x, fields: r.fields, hashValid: r.hashValid, failures, ok: failures.length === 0 };
}

export interface RecoverCdaSignatureInput {
  iccPublicKey: RsaPublicKey;
  signedDynamicData: Bytes | undefined;
  /** Unpredictable Number (9F37) the terminal sent in the GENERATE AC data. */
  unpredictableNumber: Bytes;
  /** CID (9F27) returned in the same GENERATE AC response (Book 2 §6.6.2 step 5). */
  cid: number;
  /** The transaction data, or the expected hash code computed by the caller. */
  transactionData?: CdaTransactionData;
  expectedTransactionDataHashCode?: Bytes;
}

/** Recovers 9F4B from GENERATE AC and runs every check of Book 2 §6.6.2. */
export function recoverCdaSignature(input: RecoverCdaSignatureInput): Recovered<SignedDynamicDataFields> {
  const failures: string[] = [];
  const r = recoverDynamic(input.iccPublicKey, input.signedDynamicData, input.unpredictableNumber, failures);
  if (!r) return { recovered: new Uint8Array(0), fields: {}, hashValid: false, failures, ok: false };
  const { dynamicData, fields } = r;
  if (dynamicData && fields.iccDynamicNumber !== undefined) {
    const ldn = dynamicData[0]!;
    if (dynamicData.length < ldn + 30) {
      failures.push(`${WHAT}: ICC dynamic data has ${dynamicData.length} bytes, CDA needs ${ldn + 30} (number, CID, AC, hash code)`);
    } else {
      const cid = dynamicData[1 + ldn]!;
      fields.cid = toHex(Uint8Array.of(cid));
      fields.applicationCryptogram = toHex(dynamicData.subarray(2 + ldn, 10 + ldn));
      const tdhc = dynamicData.subarray(10 + ldn, 30 + ldn);
      fields.transactionDataHashCode = toHex(tdhc);
      if (cid !== input.cid) failures.push(`${WHAT}: CID ${fields.cid} in the signature differs from CID ${toHex(Uint8Array.of(input.cid))} in the response`);
      const expected = input.expectedTransactionDataHashCode ?? (input.transactionData ? transactionDataHashCode(input.transactionData) : undefined);
      if (!expected) failures.push(`${WHAT}: no transaction data to check the transaction data hash code against`);
      else if (!equal(expected, tdhc)) failures.push(`${WHAT}: transaction data hash code mismatch (computed ${toHex(expected)})`);
    }
  }
  return { recovered: r.x, fields, hashValid: r.hashValid, failures, ok: failures.length === 0 };
}
