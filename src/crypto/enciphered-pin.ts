/**
 * Offline enciphered PIN for VERIFY (P2 = '88'), EMV Book 2 §7.2 and Book 3 §6.5.12.
 *
 * Terminal: after GET CHALLENGE returned the 8-byte ICC Unpredictable Number, build
 *   '7F' || PIN block (8 bytes, Book 3 §6.5.12 format '2') || ICC UN (8) || random pad (N - 17)
 * and apply the RSA public operation with the ICC PIN Encipherment Public Key (9F2D..9F2F),
 * or the ICC Public Key (9F46..9F48) when the card has no separate PIN key.
 * Card: apply the private operation, check the '7F' header and that the unpredictable number
 * is the one it returned to the last GET CHALLENGE (Book 2 §7.2 steps 1-4).
 */
import { randomBytes } from 'node:crypto';
import { type Bytes, concat, constantTimeEqual, toHex } from '../apdu/index.js';
import { CryptoError } from './errors.js';
import { type RsaKeyPair, type RsaPublicKey, rsaPrivateOperation, rsaPublicOperation } from './rsa.js';

export const PIN_ENCIPHERMENT_HEADER = 0x7f;

export interface EncipherPinInput {
  /** ICC PIN Encipherment public key (or the ICC public key). */
  publicKey: RsaPublicKey;
  /** The 8-byte plaintext PIN block (e.g. 241234FFFFFFFFFF). */
  pinBlock: Bytes;
  /** The 8 bytes returned by GET CHALLENGE. */
  iccUnpredictableNumber: Bytes;
  /** Randomness for the pad (injected for deterministic runs); default node:crypto randomBytes. */
  random?: (length: number) => Bytes;
}

/** Enciphers the PIN for VERIFY P2='88' (Book 2 §7.2); the result is as long as the modulus. */
export function encipherPinForVerify(input: EncipherPinInput): Bytes {
  if (input.pinBlock.length !== 8) throw new CryptoError('PIN block', `has ${input.pinBlock.length} bytes, expected 8`);
  if (input.iccUnpredictableNumber.length !== 8) {
    throw new CryptoError('ICC unpredictable number', `has ${input.iccUnpredictableNumber.length} bytes, expected 8`);
  }
  const n = input.publicKey.modulus.length;
  if (n < 17 + 8) throw new CryptoError('PIN encipherment key', `modulus of ${n} bytes is too short`);
  const random = input.random ?? ((len: number) => new Uint8Array(randomBytes(len)));
  const pad = random(n - 17);
  if (pad.length !== n - 17) throw new CryptoError('PIN encipherment', `random source returned ${pad.length} bytes, expected ${n - 17}`);
  const plaintext = concat(Uint8Array.of(PIN_ENCIPHERMENT_HEADER), input.pinBlock, input.iccUnpredictableNumber, pad);
  return rsaPublicOperation(input.publicKey, plaintext);
}

export type DecipherPinResult =
  | { ok: true; pinBlock: Bytes; iccUnpredictableNumber: Bytes }
  | { ok: false; reason: string; pinBlock?: Bytes; iccUnpredictableNumber?: Bytes };

export interface DecipherPinInput {
  privateKey: RsaKeyPair;
  /** VERIFY P2='88' command data. */
  enciphered: Bytes;
  /** The unpredictable number the card returned to the last GET CHALLENGE. */
  expectedUnpredictableNumber: Bytes | undefined;
}

/**
 * Card side of Book 2 §7.2: decipher, check header '7F' and the unpredictable number.
 * A failure is not an exception: the card turns it into the VERIFY status word
 * (Book 2 §7.2: PIN verification fails when the header or the unpredictable number is wrong).
 */
export function decipherPinForVerify(input: DecipherPinInput): DecipherPinResult {
  const n = input.privateKey.modulus.length;
  if (input.enciphered.length !== n) {
    return { ok: false, reason: `enciphered PIN data has ${input.enciphered.length} bytes, the key modulus has ${n}` };
  }
  let plain: Bytes;
  try {
    plain = rsaPrivateOperation(input.privateKey, input.enciphered);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  const pinBlock = plain.slice(1, 9);
  const iccUnpredictableNumber = plain.slice(9, 17);
  if (plain[0] !== PIN_ENCIPHERMENT_HEADER) {
    return { ok: false, reason: `deciphered data header is ${toHex(plain.subarray(0, 1))}, expected 7F`, pinBlock, iccUnpredictableNumber };
  }
  if (!input.expectedUnpredictableNumber) {
    return { ok: false, reason: 'no GET CHALLENGE preceded the enciphered VERIFY', pinBlock, iccUnpredictableNumber };
  }
  if (!constantTimeEqual(iccUnpredictableNumber, input.expectedUnpredictableNumber)) {
    return { ok: false, reason: 'ICC unpredictable number differs from the last GET CHALLENGE', pinBlock, iccUnpredictableNumber };
  }
  return { ok: true, pinBlock, iccUnpredictableNumber };
}
