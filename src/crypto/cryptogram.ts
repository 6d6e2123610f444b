/**
 * Application cryptograms and issuer authentication (EMV 4.3 Book 2 §8).
 *
 * AC (ARQC, TC, AAC): Book 2 §8.1.2 and A1.2: an 8-byte MAC over the CDOL data
 * with the AC session key: TDES = ISO/IEC 9797-1 MAC algorithm 3 (retail MAC),
 * padding method 2 (EMV) or 1 (e.g. Visa CVN 10); AES = AES-CMAC truncated to 8.
 * ARPC method 1 (§8.2.1) and method 2 (§8.2.2, CCD).
 */
import { concat, constantTimeEqual, type Bytes } from '../apdu/index.js';
import { aesCmac, aesEcbEncrypt } from './aes.js';
import { tdesEcbEncrypt } from './des.js';
import { DataLengthError, requireKeyLength } from './errors.js';
import { retailMac } from './mac.js';
import type { BlockCipher } from './key-derivation.js';

export interface CryptogramOptions {
  /** ISO/IEC 9797-1 padding method for TDES (default 2, the EMV default). Ignored for AES (CMAC pads itself). */
  padding?: 1 | 2;
  /** 'tdes' (default) or 'aes'. */
  algorithm?: BlockCipher;
}

/** The EMV MAC of Book 2 A1.2 (TDES retail MAC or AES-CMAC) truncated to `length` bytes. */
export function emvMac(sessionKey: Bytes, data: Bytes, length: number, options: CryptogramOptions = {}): Bytes {
  if (options.algorithm === 'aes') {
    requireKeyLength('AES session key', sessionKey, [16, 24, 32]);
    return aesCmac(sessionKey, data, length);
  }
  requireKeyLength('TDES session key', sessionKey, [16]);
  return retailMac(sessionKey, data, options.padding ?? 2, length);
}

/** Generates an 8-byte application cryptogram (ARQC, TC or AAC) over the CDOL-ordered data. */
export function generateApplicationCryptogram(sessionKey: Bytes, data: Bytes, options: CryptogramOptions = {}): Bytes {
  return emvMac(sessionKey, data, 8, options);
}

/** Recomputes the cryptogram and compares in constant time. */
export function verifyApplicationCryptogram(sessionKey: Bytes, data: Bytes, cryptogram: Bytes, options: CryptogramOptions = {}): boolean {
  if (cryptogram.length !== 8) return false;
  return constantTimeEqual(generateApplicationCryptogram(sessionKey, data, options), cryptogram);
}

function requireLength(what: string, value: Bytes, length: number): void {
  if (value.length !== length) throw new DataLengthError(what, `${value.length} bytes; expected ${length}`);
}

/**
 * ARPC method 1 (Book 2 §8.2.1): Y = ARQC xor (ARC || '00'x6);
 * TDES: ARPC = DES3(KA)[Y] (8 bytes); AES: ARPC = leftmost 8 bytes of
 * AES(KA)[Y || '00'x8]. `key` is the AC session key or, per issuer choice, the
 * ICC master key.
 */
export function arpcMethod1(key: Bytes, arqc: Bytes, arc: Bytes, algorithm: BlockCipher = 'tdes'): Bytes {
  requireLength('ARQC', arqc, 8);
  requireLength('authorisation response code', arc, 2);
  const y = arqc.slice();
  y[0]! ^= arc[0]!;
  y[1]! ^= arc[1]!;
  if (algorithm === 'aes') return aesEcbEncrypt(key, concat(y, new Uint8Array(8))).slice(0, 8);
  requireKeyLength('TDES ARPC key', key, [16, 24]);
  return tdesEcbEncrypt(key, y);
}

/**
 * ARPC method 2 (Book 2 §8.2.2): ARPC = MAC(KA)[ARQC || CSU || Proprietary
 * Authentication Data], the A1.2 MAC (retail MAC with padding method 2, or
 * AES-CMAC) truncated to 4 bytes. Proprietary data is 0 to 8 bytes.
 */
export function arpcMethod2(
  key: Bytes,
  arqc: Bytes,
  csu: Bytes,
  proprietaryAuthenticationData: Bytes = new Uint8Array(0),
  algorithm: BlockCipher = 'tdes',
): Bytes {
  requireLength('ARQC', arqc, 8);
  requireLength('card status update', csu, 4);
  if (proprietaryAuthenticationData.length > 8) {
    throw new DataLengthError('proprietary authentication data', `${proprietaryAuthenticationData.length} bytes; at most 8`);
  }
  return emvMac(key, concat(arqc, csu, proprietaryAuthenticationData), 4, { algorithm, padding: 2 });
}

/** Issuer Authentication Data (tag 91) for method 1: ARPC || ARC (Book 3 §6.5.4). */
export function issuerAuthenticationDataMethod1(arpc: Bytes, arc: Bytes): Bytes {
  return concat(arpc, arc);
}

/** Issuer Authentication Data (tag 91) for method 2: ARPC || CSU || proprietary data (Book 2 §8.2.2). */
export function issuerAuthenticationDataMethod2(arpc: Bytes, csu: Bytes, proprietaryAuthenticationData: Bytes = new Uint8Array(0)): Bytes {
  return concat(arpc, csu, proprietaryAuthenticationData);
}
