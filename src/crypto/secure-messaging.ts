/**
 * Issuer script secure messaging (EMV 4.3 Book 2 §9, Annex A1.1/A1.2) and the
 * enciphered PIN data of PIN CHANGE/UNBLOCK (Book 3 §6.5.10 with Book 2 §9.3).
 *
 * Integrity (§9.2): MAC over CLA INS P1 P2 Lc [|| ATC || ARQC] || (enciphered) data,
 * Lc counting the MAC; the SMI session key; ISO/IEC 9797-1 MAC algorithm 3 with
 * padding method 2 (TDES) or AES-CMAC; 4 to 8 bytes (default 8).
 * Confidentiality (§9.3): the SMC session key; TDES-CBC (IV zero) of the data
 * padded by ISO/IEC 9797-1 method 2. Schemes differ in padding:
 *   'emv'        always pad (CCD / CPA),
 *   'mastercard' pad only when not already a multiple of 8 (M/Chip),
 *   'visa'       ECB of method-2-padded (length byte || data) (VIS).
 */
import { concat, fromHex, type Bytes } from '../apdu/index.js';
import { aesCbcDecrypt, aesCbcEncrypt } from './aes.js';
import { tdesCbcDecrypt, tdesCbcEncrypt, tdesEcbDecrypt, tdesEcbEncrypt } from './des.js';
import { CryptoError, DataLengthError, PinBlockError, requireKeyLength } from './errors.js';
import { emvMac } from './cryptogram.js';
import type { BlockCipher } from './key-derivation.js';
import { padIso9797, padIso9797Method2IfNeeded, unpadIso9797Method2 } from './padding.js';
import { offlinePlaintextPinBlock } from './pin-block.js';

export type ScriptEncryption = 'emv' | 'mastercard' | 'visa';

/**
 * MAC input of Book 2 §9.2.1 (format 2) for a script command: the header
 * CLA INS P1 P2 Lc (Lc already counting data and MAC), optionally the ATC and
 * ARQC of the transaction (issuer option, not transmitted), then the command data.
 */
export function issuerScriptMacInput(commandHeader: Bytes, atc?: Bytes, arqc?: Bytes, commandData: Bytes = new Uint8Array(0)): Bytes {
  if (commandHeader.length !== 5) throw new DataLengthError('script command header', `${commandHeader.length} bytes; expected CLA INS P1 P2 Lc (5)`);
  if (atc && atc.length !== 2) throw new DataLengthError('ATC', `${atc.length} bytes; expected 2`);
  if (arqc && arqc.length !== 8) throw new DataLengthError('ARQC', `${arqc.length} bytes; expected 8`);
  return concat(commandHeader, atc ?? new Uint8Array(0), arqc ?? new Uint8Array(0), commandData);
}

/** The script command MAC (Book 2 §9.2.3) over `macInput` with the SMI session key. */
export function issuerScriptMac(macSessionKey: Bytes, macInput: Bytes, length = 8, algorithm: BlockCipher = 'tdes'): Bytes {
  if (!Number.isInteger(length) || length < 4 || length > 8) throw new RangeError(`script MAC length must be 4..8 bytes, not ${length}`);
  return emvMac(macSessionKey, macInput, length, { algorithm, padding: 2 });
}

/** Enciphers script command data with the SMC session key (Book 2 §9.3). AES keys always pad (block 16). */
export function encipherScriptData(encSessionKey: Bytes, plaintext: Bytes, scheme: ScriptEncryption = 'emv', algorithm: BlockCipher = 'tdes'): Bytes {
  if (algorithm === 'aes') return aesCbcEncrypt(encSessionKey, padIso9797(plaintext, 2, 16));
  requireKeyLength('SMC session key', encSessionKey, [16]);
  switch (scheme) {
    case 'emv':
      return tdesCbcEncrypt(encSessionKey, padIso9797(plaintext, 2));
    case 'mastercard':
      return tdesCbcEncrypt(encSessionKey, padIso9797Method2IfNeeded(plaintext));
    case 'visa':
      if (plaintext.length > 255) throw new DataLengthError('script data', `${plaintext.length} bytes; the VIS length byte allows 255`);
      return tdesEcbEncrypt(encSessionKey, padIso9797(concat(Uint8Array.of(plaintext.length), plaintext), 2));
    default:
      throw new CryptoError('script encryption', `unknown scheme '${String(scheme)}'`);
  }
}

/**
 * Reverses encipherScriptData. For 'mastercard' the padding is ambiguous when the
 * plaintext was a block multiple, so it is removed only if `padded` is true.
 */
export function decipherScriptData(
  encSessionKey: Bytes,
  ciphertext: Bytes,
  scheme: ScriptEncryption = 'emv',
  algorithm: BlockCipher = 'tdes',
  padded = scheme !== 'mastercard',
): Bytes {
  if (algorithm === 'aes') return unpadIso9797Method2(aesCbcDecrypt(encSessionKey, ciphertext), 16);
  requireKeyLength('SMC session key', encSessionKey, [16]);
  if (scheme === 'visa') {
    const clear = unpadIso9797Method2(tdesEcbDecrypt(encSessionKey, ciphertext), 8);
    const n = clear[0];
    if (n === undefined || n !== clear.length - 1) throw new CryptoError('VIS script data', `length byte ${n ?? 'missing'} does not match ${clear.length - 1} data bytes`);
    return clear.slice(1);
  }
  const clear = tdesCbcDecrypt(encSessionKey, ciphertext);
  return padded ? unpadIso9797Method2(clear, 8) : clear;
}

/**
 * VIS PIN block for PIN CHANGE/UNBLOCK (Visa VIS 1.5 Annex C):
 * (N || PIN || 'F' fill) xor ('00'x4 || ICC MK(AC)[4..7]), then, when the current
 * PIN is given, xor (current PIN digits || '0' fill).
 */
export function visPinBlock(iccMasterKeyAc: Bytes, newPin: string, currentPin?: string): Bytes {
  requireKeyLength('ICC master key (AC)', iccMasterKeyAc, [16]);
  for (const [what, pin] of [['new PIN', newPin], ['current PIN', currentPin]] as const) {
    if (pin !== undefined && !/^[0-9]{4,12}$/.test(pin)) throw new PinBlockError(`${what} must be 4 to 12 decimal digits`);
  }
  const block = fromHex(newPin.length.toString(16).padStart(2, '0') + newPin.padEnd(14, 'F'));
  for (let i = 4; i < 8; i++) block[i]! ^= iccMasterKeyAc[i]!;
  if (currentPin !== undefined) {
    const current = fromHex(currentPin.padEnd(16, '0'));
    for (let i = 0; i < 8; i++) block[i]! ^= current[i]!;
  }
  return block;
}

export interface PinChangeRequest {
  /** SMC (confidentiality) session key. */
  encSessionKey: Bytes;
  newPin: string;
  /** The current PIN: VIS only (PIN CHANGE with current PIN, P2 = '01'). */
  currentPin?: string;
  /** 'emv' (CCD/CPA) and 'mastercard' encipher an ISO format 2 block; 'visa' the VIS PIN block. */
  scheme: ScriptEncryption;
  /** ICC master key for AC: needed by the VIS PIN block. */
  iccMasterKeyAc?: Bytes;
}

/**
 * The enciphered PIN data field of PIN CHANGE/UNBLOCK ('84 24 00 02', or '00 01'
 * with the current PIN). Returns the plaintext PIN block and the enciphered data;
 * the caller adds the script MAC (issuerScriptMac) over header || data.
 */
export function pinChangeData(request: PinChangeRequest): { pinBlock: Bytes; enciphered: Bytes } {
  let pinBlock: Bytes;
  if (request.scheme === 'visa') {
    if (!request.iccMasterKeyAc) throw new PinBlockError('the VIS PIN block needs the ICC master key for AC');
    pinBlock = visPinBlock(request.iccMasterKeyAc, request.newPin, request.currentPin);
  } else {
    if (request.currentPin !== undefined) {
      throw new PinBlockError(`PIN change with the current PIN is defined here for the VIS PIN block only, not '${request.scheme}'`);
    }
    pinBlock = offlinePlaintextPinBlock(request.newPin);
  }
  return { pinBlock, enciphered: encipherScriptData(request.encSessionKey, pinBlock, request.scheme) };
}
