/**
 * VERIFY (EMV Book 3 §6.5.12, Book 2 §7.2): offline PIN, plaintext (P2 80)
 * or enciphered with the ICC key (P2 88, after GET CHALLENGE).
 *
 * The PIN try counter is decremented and PERSISTED BEFORE the PIN is compared,
 * and reset to the limit only after a match: cutting the power in the middle
 * of the command can never buy a free try (the classic attack on cards that
 * compare first and decrement after).
 *   match          9000, counter back to the limit
 *   no match       63Cx, x = tries left (63C0 on the last wrong try)
 *   counter is 0   6983 (authentication method blocked), nothing compared
 * VERIFY 00 20 00 80 with no data asks for the counter without a try (ISO/IEC 7816-4 §7.5.6).
 */
import { constantTimeEqual } from '../../apdu/bytes.js';
import type { DecodedCommand } from '../../apdu/command.js';
import { decipherPinForVerify } from '../../crypto/enciphered-pin.js';
import { decodePinBlock } from '../../crypto/pin-block.js';
import { type Answer, type CardEngine, sw } from '../engine.js';

const PLAINTEXT = 0x80;
const ENCIPHERED = 0x88;

function remaining(card: CardEngine): Answer {
  const n = card.nv.pinTryCounter;
  return sw(n === 0 ? 0x6983 : 0x63c0 | Math.min(n, 15));
}

function pinMatches(card: CardEngine, pinBlock: Uint8Array): boolean {
  let pin: string;
  try {
    pin = decodePinBlock(2, pinBlock);
  } catch {
    return false; // a malformed PIN block is a wrong PIN; the try is already spent
  }
  const want = new TextEncoder().encode(card.nv.pin);
  return constantTimeEqual(new TextEncoder().encode(pin), want);
}

export function verify(card: CardEngine, cmd: DecodedCommand): Answer {
  if (cmd.p1 !== 0x00 || (cmd.p2 !== PLAINTEXT && cmd.p2 !== ENCIPHERED)) return sw(0x6a86);
  if (cmd.p2 === ENCIPHERED && (!card.iccKey || !card.profile.pinEncipherment)) return sw(0x6a86);
  if (card.selectedApplication === undefined) return sw(0x6985);
  if (cmd.data.length === 0) return cmd.p2 === PLAINTEXT ? remaining(card) : sw(0x6700);
  if (card.nv.pinTryCounter === 0) return sw(0x6983);
  if (cmd.p2 === PLAINTEXT && cmd.data.length !== 8) return sw(0x6700);
  if (cmd.p2 === ENCIPHERED) {
    if (cmd.data.length !== card.iccKey!.modulus.length) return sw(0x6700);
    if (!card.v.challenge) return sw(0x6985); // Book 2 §7.2: GET CHALLENGE must come first
  }

  // Spend the try first, durably.
  card.nv.pinTryCounter -= 1;
  card.commit();

  let matched: boolean;
  if (cmd.p2 === PLAINTEXT) {
    matched = pinMatches(card, cmd.data);
  } else {
    const result = decipherPinForVerify({ privateKey: card.iccKey!, enciphered: cmd.data, expectedUnpredictableNumber: card.v.challenge });
    card.v.challenge = undefined; // one challenge, one VERIFY
    matched = result.ok && pinMatches(card, result.pinBlock);
  }

  card.v.offlinePinPerformed = true;
  if (matched) {
    card.v.offlinePinFailed = false;
    card.nv.pinTryCounter = card.profile.pinTryLimit;
    card.commit();
    return sw(0x9000);
  }
  card.v.offlinePinFailed = true;
  if (card.nv.pinTryCounter === 0) {
    if (card.profile.risk.blockApplicationOnPinTryLimitExceeded) card.nv.applicationBlocked = true;
    card.commit();
    return sw(0x63c0);
  }
  return sw(0x63c0 | Math.min(card.nv.pinTryCounter, 15));
}
