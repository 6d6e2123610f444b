/**
 * VERIFY (EMV Book 3 §6.5.12, Book 2 §7.2): offline PIN, plaintext (P2 80)
 * or enciphered (P2 88, after GET CHALLENGE) with the ICC PIN encipherment key when the card
 * has one (9F2D, Book 2 §7.1), else with the ICC key.
 *
 * The PIN try counter is decremented and PERSISTED BEFORE the PIN is compared,
 * and reset to the limit only after a match: cutting the power in the middle
 * of the command can never buy a free try (the classic attack on cards that
 * compare first and decrement after).
 *   match          9000, counter back to the limit
 *   no match       63Cx, x = tries left (63C0 on the last wrong try)
 *   counter is 0   6983 (authentication method blocked), nothing compared
 * VERIFY 00 20 00 80 with no data asks for the counter without a try (ISO/IEC 7816-4 §7.5.6).
 *
 * VERIFY needs a transaction in progress: after SELECT alone the application is
 * not yet initiated, so the card answers 6985 (conditions of use not satisfied)
 * and neither compares the PIN nor counts a try. Cardholder verification is a
 * step after GET PROCESSING OPTIONS (Book 3 §10.5 follows §10.1), and the CCD
 * application state machine (Book 3 Annex C, Common Core Definitions) accepts
 * VERIFY only once GPO has initiated the transaction. See `transactionInitiated`.
 */
import type { DecodedCommand } from '../../apdu/index.js';
import { decipherPinForVerify } from '../../crypto/index.js';
import { type Answer, type CardEngine, sw } from '../engine.js';
import { transactionInitiated } from '../state.js';
import { pinTryFailed, pinTryMatched, pinTryStatus, plaintextPinMatches, spendPinTry } from './pin-try.js';

const PLAINTEXT = 0x80;
const ENCIPHERED = 0x88;

export function verify(card: CardEngine, cmd: DecodedCommand): Answer {
  if (cmd.p1 !== 0x00 || (cmd.p2 !== PLAINTEXT && cmd.p2 !== ENCIPHERED)) return sw(0x6a86);
  const pinKey = card.pinKey ?? card.iccKey;
  if (cmd.p2 === ENCIPHERED && (!pinKey || !card.profile.pinEncipherment)) return sw(0x6a86);
  if (card.selectedApplication === undefined) return sw(0x6985);
  if (!transactionInitiated(card.v)) return sw(0x6985); // before GPO: no transaction to verify for
  if (cmd.data.length === 0) return cmd.p2 === PLAINTEXT ? sw(pinTryStatus(card)) : sw(0x6700);
  if (card.nv.pinTryCounter === 0) return sw(0x6983);
  if (cmd.p2 === PLAINTEXT && cmd.data.length !== 8) return sw(0x6700);
  if (cmd.p2 === ENCIPHERED) {
    if (cmd.data.length !== pinKey!.modulus.length) return sw(0x6700);
    if (!card.v.challenge) return sw(0x6985); // Book 2 §7.2: GET CHALLENGE must come first
  }

  spendPinTry(card);

  let matched: boolean;
  if (cmd.p2 === PLAINTEXT) {
    matched = plaintextPinMatches(card, cmd.data);
  } else {
    const result = decipherPinForVerify({ privateKey: pinKey!, enciphered: cmd.data, expectedUnpredictableNumber: card.v.challenge });
    card.v.challenge = undefined; // one challenge, one VERIFY
    matched = result.ok && plaintextPinMatches(card, result.pinBlock);
  }

  card.v.offlinePinPerformed = true;
  card.v.offlinePinEnciphered = cmd.p2 === ENCIPHERED;
  card.v.offlinePinFailed = !matched;
  if (!matched) return sw(pinTryFailed(card));
  pinTryMatched(card);
  return sw(0x9000);
}
