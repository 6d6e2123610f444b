/**
 * EMV key derivation (EMV 4.3 Book 2 Annex A1.3 and A1.4).
 *
 * Master keys:  issuer master key (IMK) + PAN + PAN sequence number -> ICC master key (MK).
 * Session keys: ICC master key + ATC (and UN) -> session key (SK) for AC, SMI, SMC.
 * TDES keys are 16 bytes (K1 K2) with odd parity; AES keys are 16, 24 or 32 bytes.
 */
import { concat, fromHex, type Bytes } from '../apdu/index.js';
import { aesEcbEncrypt } from './aes.js';
import { adjustOddParity, tdesEcbEncrypt } from './des.js';
import { CryptoError, DataLengthError, requireKeyLength } from './errors.js';
import { sha1 } from './hash.js';

export type BlockCipher = 'tdes' | 'aes';

/** Which derivation of Book 2 A1.4: A (A1.4.1), B (A1.4.2, PAN > 16 digits), C (A1.4.3, AES). */
export type MasterKeyOption = 'A' | 'B' | 'C';


function invert(bytes: Bytes): Bytes {
  return bytes.map((b) => b ^ 0xff);
}

function checkPanAndPsn(pan: string, psn: string): void {
  if (!/^[0-9]{1,19}$/.test(pan)) throw new CryptoError('PAN', `must be 1 to 19 decimal digits, got '${pan}'`);
  if (!/^[0-9]{2}$/.test(psn)) throw new CryptoError('PAN sequence number', `must be 2 decimal digits ('00' when absent), got '${psn}'`);
}

/** Infers the cipher of a master key: 24/32 bytes can only be AES; 16 bytes is TDES unless told. */
function cipherOf(key: Bytes, algorithm: BlockCipher | undefined): BlockCipher {
  if (algorithm) return algorithm;
  return key.length === 16 ? 'tdes' : 'aes';
}

/**
 * Book 2 A1.4.1 step 1: Y = the 16 rightmost digits of PAN || PSN, left-padded
 * with zeros when shorter (8 bytes).
 */
export function optionAInput(pan: string, psn = '00'): Bytes {
  checkPanAndPsn(pan, psn);
  return fromHex((pan + psn).slice(-16).padStart(16, '0'));
}

/**
 * Book 2 A1.4.2 steps 1-3 (Option B, PANs of more than 16 digits): SHA-1 over
 * PAN || PSN (left-padded with one '0' to an even number of digits), then
 * decimalisation: the first 16 decimal digits of the hash in hex; if fewer than
 * 16, continue with the hex letters A..F mapped to 0..5, in order. For PANs
 * up to 16 digits Option B is Option A.
 */
export function optionBInput(pan: string, psn = '00'): Bytes {
  checkPanAndPsn(pan, psn);
  if (pan.length <= 16) return optionAInput(pan, psn);
  const x = pan + psn;
  const hashHex = [...sha1(fromHex(x.length % 2 ? '0' + x : x))].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
  let digits = [...hashHex].filter((c) => c >= '0' && c <= '9').join('');
  if (digits.length < 16) {
    const letters = [...hashHex].filter((c) => c >= 'A' && c <= 'F').map((c) => String(c.charCodeAt(0) - 65));
    digits += letters.join('').slice(0, 16 - digits.length);
  }
  return fromHex(digits.slice(0, 16));
}

/**
 * Book 2 A1.4.3 step 1 (Option C, AES): Y = PAN || PSN left-padded with zeros
 * to 32 digits (16 bytes, the AES block).
 */
export function optionCInput(pan: string, psn = '00'): Bytes {
  checkPanAndPsn(pan, psn);
  return fromHex((pan + psn).padStart(32, '0'));
}

/**
 * ICC master key derivation (Book 2 A1.4).
 * TDES (options A and B): MK = DES3(IMK)[Y] || DES3(IMK)[Y xor FF..FF], odd parity.
 * AES (option C, also chosen by option A with an AES IMK): Z = AES(IMK)[Y] ||
 * AES(IMK)[Y xor FF..FF] with the 16-byte Y of option C; MK = leftmost k bits of Z,
 * k = the IMK length.
 * `psn` is the 2-digit PAN sequence number, '00' when the card has none.
 */
export function deriveIccMasterKey(
  imk: Bytes,
  pan: string,
  psn: string,
  option: MasterKeyOption,
  algorithm?: BlockCipher,
): Bytes {
  const cipher = option === 'C' ? 'aes' : cipherOf(imk, algorithm);
  if (cipher === 'aes') {
    requireKeyLength('AES issuer master key', imk, [16, 24, 32]);
    if (option === 'B') throw new CryptoError('master key option', 'option B is defined for TDES only (Book 2 A1.4.2); AES uses option C');
    const y = optionCInput(pan, psn);
    return aesEcbEncrypt(imk, concat(y, invert(y))).slice(0, imk.length);
  }
  requireKeyLength('TDES issuer master key', imk, [16]);
  if (option !== 'A' && option !== 'B') throw new CryptoError('master key option', `unknown option '${String(option)}'`);
  const y = option === 'A' ? optionAInput(pan, psn) : optionBInput(pan, psn);
  return adjustOddParity(tdesEcbEncrypt(imk, concat(y, invert(y))));
}

/**
 * The diversification value R of the common session key derivation: a 2-byte
 * ATC becomes ATC || '00'.. to the block size (8 TDES, 16 AES); a full block is
 * taken as R itself (e.g. R = ARQC for secure-messaging keys, Book 2 A1.3.1).
 */
function diversification(atcOrR: Bytes, blockSize: number): Bytes {
  if (atcOrR.length === 2) {
    const r = new Uint8Array(blockSize);
    r.set(atcOrR);
    return r;
  }
  if (atcOrR.length !== blockSize) {
    throw new DataLengthError('session key diversification value', `${atcOrR.length} bytes; expected a 2-byte ATC or ${blockSize}-byte R`);
  }
  return atcOrR;
}

/**
 * Common session key derivation (Book 2 A1.3.1, SU-46):
 * F1 = R0 || R1 || 'F0' || R3.., F2 = R0 || R1 || '0F' || R3..;
 * TDES: SK = DES3(MK)[F1] || DES3(MK)[F2] with odd parity;
 * AES:  SK = leftmost k bits of AES(MK)[F1] || AES(MK)[F2].
 * `atc` is the 2-byte ATC (R = ATC || '00'..), or the whole R.
 */
export function deriveCommonSessionKey(iccMasterKey: Bytes, atc: Bytes, algorithm?: BlockCipher): Bytes {
  const cipher = cipherOf(iccMasterKey, algorithm);
  const blockSize = cipher === 'aes' ? 16 : 8;
  if (cipher === 'aes') requireKeyLength('AES ICC master key', iccMasterKey, [16, 24, 32]);
  else requireKeyLength('TDES ICC master key', iccMasterKey, [16]);
  const r = diversification(atc, blockSize);
  const f1 = r.slice();
  f1[2] = 0xf0;
  const f2 = r.slice();
  f2[2] = 0x0f;
  if (cipher === 'aes') return aesEcbEncrypt(iccMasterKey, concat(f1, f2)).slice(0, iccMasterKey.length);
  return adjustOddParity(tdesEcbEncrypt(iccMasterKey, concat(f1, f2)));
}

/**
 * Mastercard session key derivation (M/Chip "MasterCard proprietary SKD"):
 * the common derivation with R = ATC || '00 00' || UN (4-byte unpredictable number),
 * i.e. SK = DES3(MK)[ATC || 'F0' || '00' || UN] || DES3(MK)[ATC || '0F' || '00' || UN].
 */
export function deriveMastercardSessionKey(iccMasterKey: Bytes, atc: Bytes, unpredictableNumber: Bytes): Bytes {
  if (atc.length !== 2) throw new DataLengthError('ATC', `${atc.length} bytes; expected 2`);
  if (unpredictableNumber.length !== 4) throw new DataLengthError('unpredictable number', `${unpredictableNumber.length} bytes; expected 4`);
  return deriveCommonSessionKey(iccMasterKey, concat(atc, new Uint8Array(2), unpredictableNumber), 'tdes');
}

/**
 * Visa secure-messaging session key (VIS 1.5 Annex for SMI/SMC keys):
 * SKL = MKL xor ('00'x6 || ATC), SKR = MKR xor ('00'x6 || (ATC xor 'FFFF')), odd parity.
 */
export function deriveVisaSmSessionKey(iccMasterKey: Bytes, atc: Bytes): Bytes {
  requireKeyLength('TDES ICC master key', iccMasterKey, [16]);
  if (atc.length !== 2) throw new DataLengthError('ATC', `${atc.length} bytes; expected 2`);
  const sk = iccMasterKey.slice();
  sk[6]! ^= atc[0]!;
  sk[7]! ^= atc[1]!;
  sk[14]! ^= atc[0]! ^ 0xff;
  sk[15]! ^= atc[1]! ^ 0xff;
  return adjustOddParity(sk);
}

/**
 * EMV2000 tree session key derivation (EMV 4.0/4.1 Book 2 A1.3, replaced by the
 * common derivation in SU-46; still found in older cards):
 * IK(0,0) = MK, IK(-1,0) = IV, IK(i,j) = f(IK(i-1, j div b), IK(i-2, j div b^2), j mod b),
 * f(X, Y, j) = DES3(X)[YL xor j] || DES3(X)[YR xor j xor 'F0'],
 * SK = IK(H, ATC) xor IK(H-2, ATC div b^2), odd parity. Needs b^H >= 2^16.
 */
export function deriveEmv2000TreeSessionKey(
  iccMasterKey: Bytes,
  atc: Bytes,
  height = 8,
  branchFactor = 4,
  iv: Bytes = new Uint8Array(16),
): Bytes {
  requireKeyLength('TDES ICC master key', iccMasterKey, [16]);
  if (atc.length !== 2) throw new DataLengthError('ATC', `${atc.length} bytes; expected 2`);
  if (iv.length !== 16) throw new DataLengthError('tree IV', `${iv.length} bytes; expected 16`);
  if (!Number.isInteger(branchFactor) || branchFactor < 2 || branchFactor > 256) throw new RangeError(`branch factor must be 2..256, not ${branchFactor}`);
  if (!Number.isInteger(height) || height < 2 || branchFactor ** height < 65536) {
    throw new RangeError(`tree of height ${height} and branch factor ${branchFactor} has fewer than 2^16 leaves`);
  }
  const f = (x: Bytes, y: Bytes, j: number): Bytes => {
    const left = y.slice(0, 8);
    const right = y.slice(8, 16);
    left[7]! ^= j;
    right[7]! ^= j ^ 0xf0;
    return tdesEcbEncrypt(x, concat(left, right));
  };
  const counter = (atc[0]! << 8) | atc[1]!;
  // Walk from the root: keep the keys of the last two levels on the path to leaf `counter`.
  let grandParent: Bytes = iv; // IK(i-2, ...)
  let parent: Bytes = iccMasterKey; // IK(i-1, ...)
  const path: Bytes[] = [iv, iccMasterKey];
  for (let i = 1; i <= height; i++) {
    const j = Math.floor(counter / branchFactor ** (height - i));
    const key = f(parent, grandParent, j % branchFactor);
    grandParent = parent;
    parent = key;
    path.push(key);
  }
  const leaf = path[height + 1]!;
  const twoUp = path[height - 1]!;
  return adjustOddParity(leaf.map((b, i) => b ^ twoUp[i]!));
}

