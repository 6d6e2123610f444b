/**
 * The PIN try counter (9F17) rules shared by VERIFY (Book 3 §6.5.12) and PIN CHANGE with the
 * current PIN (Book 3 §6.5.10, P2 '01'): a try is spent and PERSISTED BEFORE the PIN is
 * compared, and given back (counter reset to the limit) only after a match, so cutting the
 * power mid-command never buys a free try.
 */
import { constantTimeEqual } from '../../apdu/index.js';
import { decodePinBlock } from '../../crypto/index.js';
import type { CardEngine } from '../engine.js';

/**
 * The status word for "how many tries are left" without spending one (VERIFY with no data,
 * ISO/IEC 7816-4 §7.5.6): 63Cx, or 6983 when the counter is 0 (Book 3 §6.5.12.4).
 */
export function pinTryStatus(card: CardEngine): number {
  const n = card.nv.pinTryCounter;
  return n === 0 ? 0x6983 : 0x63c0 | Math.min(n, 15);
}

/** A plaintext offline PIN block (ISO 9564 format 2, Book 3 §6.5.12) against the reference PIN. */
export function plaintextPinMatches(card: CardEngine, pinBlock: Uint8Array): boolean {
  let pin: string;
  try {
    pin = decodePinBlock(2, pinBlock);
  } catch {
    return false; // a malformed PIN block is a wrong PIN; the try is already spent
  }
  const enc = new TextEncoder();
  return constantTimeEqual(enc.encode(pin), enc.encode(card.nv.pin));
}

/** Spends one try durably; call before comparing anything. */
export function spendPinTry(card: CardEngine): void {
  card.nv.pinTryCounter -= 1;
  card.commit();
}

/** The PIN matched: the counter goes back to the limit. */
export function pinTryMatched(card: CardEngine): void {
  card.nv.pinTryCounter = card.profile.pinTryLimit;
  card.commit();
}

/**
 * The PIN did not match (the try is already spent): 63Cx with x tries left, 63C0 on the last
 * one, which also blocks the application when the profile says so (VIS CVR byte 3 b2).
 */
export function pinTryFailed(card: CardEngine): number {
  if (card.nv.pinTryCounter === 0) {
    if (card.profile.risk.blockApplicationOnPinTryLimitExceeded) card.nv.applicationBlocked = true;
    card.commit();
    return 0x63c0;
  }
  return 0x63c0 | Math.min(card.nv.pinTryCounter, 15);
}
