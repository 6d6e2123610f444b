/**
 * Online PIN verification at the issuer: the PIN block of field 52 arrives
 * enciphered under the zone PIN key (ZPK): ISO 9564-1 format 0/1/3 under a
 * TDES ZPK, format 4 under an AES ZPK (the format 4 block includes its own
 * encipherment). The clear PIN is checked against the card's IBM 3624 PIN
 * offset with the issuer's PIN verification key (PVK); the issuer keeps its
 * own try counter (independent of the card's offline PIN try counter).
 *
 * IBM 3624 (as used by HSMs): validation data = the 16 rightmost digits of the
 * PAN without its check digit, zero-padded; natural PIN = TDES(PVK)[validation
 * data] in hex, decimalised with the table 0123456789012345, leftmost L
 * digits; offset = customer PIN - natural PIN, digit by digit, modulo 10.
 */
import { fromHex, toHex, type Bytes } from '../apdu/index.js';
import { decodePinBlock, PinBlockError, tdesEcbDecrypt, tdesEcbEncrypt } from '../crypto/index.js';

export const DECIMALISATION_TABLE = '0123456789012345';

export interface ZoneKeys {
  /** 16-byte TDES zone PIN key for formats 0, 1, 3. */
  zpkTdes: Bytes;
  /** 16-byte AES zone PIN key for format 4. */
  zpkAes: Bytes;
  /** 16-byte TDES PIN verification key (IBM 3624). */
  pvk: Bytes;
}

function validationData(pan: string): Bytes {
  return fromHex(pan.slice(0, -1).slice(-16).padStart(16, '0'));
}

/** The IBM 3624 natural PIN of `length` digits for this PAN. */
export function naturalPin(pvk: Bytes, pan: string, length: number): string {
  const hex = toHex(tdesEcbEncrypt(pvk, validationData(pan)));
  return [...hex.slice(0, length)].map((c) => DECIMALISATION_TABLE[parseInt(c, 16)]!).join('');
}

/** The PIN offset the issuer stores for a cardholder-selected PIN. */
export function pinOffset(pvk: Bytes, pan: string, pin: string): string {
  if (!/^[0-9]{4,12}$/.test(pin)) throw new PinBlockError('PIN must be 4 to 12 decimal digits');
  const natural = naturalPin(pvk, pan, pin.length);
  return [...pin].map((d, i) => String((Number(d) - Number(natural[i]) + 10) % 10)).join('');
}

export function pinMatchesOffset(pvk: Bytes, pan: string, pin: string, offset: string): boolean {
  return pin.length === offset.length && pinOffset(pvk, pan, pin) === offset;
}

/** Deciphers and decodes a field 52 PIN block; throws PinBlockError when it is not a valid block for this PAN. */
export function clearPinOf(keys: ZoneKeys, pan: string, pinBlock: { format: 0 | 1 | 3 | 4; block: Bytes }): string {
  if (pinBlock.format === 4) return decodePinBlock(4, pinBlock.block, { key: keys.zpkAes, pan });
  return decodePinBlock(pinBlock.format, tdesEcbDecrypt(keys.zpkTdes, pinBlock.block), { pan });
}

export type OnlinePinResult = { outcome: 'ok' } | { outcome: 'wrong'; triesLeft: number } | { outcome: 'tries-exceeded' };

/**
 * Verifies an online PIN against the offset and the issuer's try counter.
 * Returns the outcome and the new try count (reset on success).
 */
export function verifyOnlinePin(
  keys: ZoneKeys,
  card: { pan: string; pinOffset: string; pinTries: number; pinTryLimit: number },
  pinBlock: { format: 0 | 1 | 3 | 4; block: Bytes },
): { result: OnlinePinResult; pinTries: number } {
  if (card.pinTries >= card.pinTryLimit) return { result: { outcome: 'tries-exceeded' }, pinTries: card.pinTries };
  let good = false;
  try {
    good = pinMatchesOffset(keys.pvk, card.pan, clearPinOf(keys, card.pan, pinBlock), card.pinOffset);
  } catch (err) {
    // A block that does not decode under this PAN is a wrong PIN, not a format error (ISO 9564-1 §9.4).
    if (!(err instanceof PinBlockError)) throw err;
  }
  if (good) return { result: { outcome: 'ok' }, pinTries: 0 };
  const tries = card.pinTries + 1;
  if (tries >= card.pinTryLimit) return { result: { outcome: 'tries-exceeded' }, pinTries: tries };
  return { result: { outcome: 'wrong', triesLeft: card.pinTryLimit - tries }, pinTries: tries };
}
