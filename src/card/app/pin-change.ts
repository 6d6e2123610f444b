/**
 * PIN CHANGE/UNBLOCK '84 24 00 P2' (EMV Book 3 §6.5.10), after the script MAC has been
 * checked (scripts.ts):
 *   P2 00  PIN unblock: no PIN data; the PIN try counter goes back to the limit.
 *   P2 01  PIN change with the current PIN: the enciphered PIN block carries the new PIN
 *          xor the current PIN (VIS PIN block, profile `cryptogram.pinChangeBlock: vis`).
 *   P2 02  PIN change without the current PIN.
 * The PIN data is enciphered with the SMC session key (Book 2 §9.3; `scriptEncryption`).
 *
 * PIN blocks (`cryptogram.pinChangeBlock`):
 *   iso2  ISO 9564 format 2 block '2N PIN F..' (CCD, M/Chip).
 *   vis   VIS 1.5 Annex C.11: ('0N' PIN F..) xor ('00'x4 || ICC MK(AC) bytes 5-8)
 *         [xor (current PIN digits || '0' fill) for P2 01].
 * With P2 01 the card removes its own reference PIN from the block and accepts the new PIN
 * only when the result is a well-formed block. A wrong current PIN is a failed PIN try
 * (spent and persisted before the check, 63Cx, 6983 once the counter is 0), like VERIFY.
 * Limit of the format, not of this card: the block is new xor current, so a wrong current PIN
 * is caught whenever it changes the control nibble (first digit wrong), the length nibble or
 * the 'F' filler, but one that only turns new-PIN digits into other digits decodes to a
 * different well-formed new PIN and cannot be told apart.
 */
import { type Bytes, fromHex } from '../../apdu/index.js';
import type { DecodedCommand } from '../../apdu/index.js';
import { decodePinBlock } from '../../crypto/index.js';
import { decipherScriptData } from '../../crypto/index.js';
import type { CardEngine } from '../engine.js';
import { pinTryFailed, pinTryMatched, spendPinTry } from './pin-try.js';

const UNBLOCK = 0x00;
const CHANGE_WITH_CURRENT = 0x01;
const CHANGE_WITHOUT_CURRENT = 0x02;

/**
 * Decodes a VIS PIN block after the ICC MK(AC) bytes (and the current PIN) have been xored
 * out: control nibble 0, length 4..12, that many decimal digits, 'F' to the end.
 * Returns undefined for anything else.
 */
export function decodeVisPinBlock(block: Bytes): string | undefined {
  if (block.length !== 8) return undefined;
  const nibbles = Array.from(block, (b) => [b >> 4, b & 0x0f]).flat();
  const n = nibbles[1]!;
  if (nibbles[0] !== 0 || n < 4 || n > 12) return undefined;
  const digits = nibbles.slice(2, 2 + n);
  if (digits.some((d) => d > 9)) return undefined;
  if (nibbles.slice(2 + n).some((f) => f !== 0x0f)) return undefined;
  return digits.join('');
}

/** Removes what the VIS block was xored with: '00'x4 || ICC MK(AC)[4..7], then the current PIN ('0'-filled). */
function unmaskVisBlock(card: CardEngine, block: Bytes, currentPin: string | undefined): Bytes {
  const out = block.slice();
  for (let i = 4; i < 8; i++) out[i]! ^= card.masterKeys.ac[i]!;
  if (currentPin !== undefined) {
    const current = fromHex(currentPin.padEnd(16, '0'));
    for (let i = 0; i < 8; i++) out[i]! ^= current[i]!;
  }
  return out;
}

/** Executes PIN CHANGE/UNBLOCK; returns the status word. */
export function pinChangeUnblock(card: CardEngine, cmd: DecodedCommand, pinData: Bytes, smc: Bytes): number {
  const c = card.profile.cryptogram;
  const visBlock = c.pinChangeBlock === 'vis';
  if (cmd.p1 !== 0x00) return 0x6a86;
  if (cmd.p2 === UNBLOCK) {
    if (pinData.length !== 0) return 0x6700;
    card.nv.pinTryCounter = card.profile.pinTryLimit;
    return 0x9000;
  }
  if (cmd.p2 !== CHANGE_WITHOUT_CURRENT && cmd.p2 !== CHANGE_WITH_CURRENT) return 0x6a86;
  // Only the VIS block carries the current PIN; with ISO format 2 there is nothing to check it against.
  if (cmd.p2 === CHANGE_WITH_CURRENT && !visBlock) return 0x6a86;
  if (pinData.length === 0) return 0x6700;

  let block: Bytes;
  try {
    block = decipherScriptData(smc, pinData, c.scriptEncryption ?? 'emv');
  } catch {
    return 0x6a80; // padding or VIS length byte wrong: malformed data, no PIN was compared
  }
  if (block.length !== 8) return 0x6a80;

  if (cmd.p2 === CHANGE_WITHOUT_CURRENT) {
    let newPin: string | undefined;
    try {
      newPin = visBlock ? decodeVisPinBlock(unmaskVisBlock(card, block, undefined)) : decodePinBlock(2, block);
    } catch {
      newPin = undefined;
    }
    if (newPin === undefined) return 0x6a80;
    card.nv.pin = newPin;
    card.nv.pinTryCounter = card.profile.pinTryLimit;
    return 0x9000;
  }

  // P2 01: the current PIN is verified through the block; a failure is a PIN try.
  if (card.nv.pinTryCounter === 0) return 0x6983;
  spendPinTry(card);
  const newPin = decodeVisPinBlock(unmaskVisBlock(card, block, card.nv.pin));
  if (newPin === undefined) return pinTryFailed(card);
  card.nv.pin = newPin;
  pinTryMatched(card);
  return 0x9000;
}
