/**
 * The GeldKarte scheme as emvsim models it: card keys and the MACs that bind
 * purse, merchant card (Haendlerkarte), loading host and clearing together; the
 * identifiers, command bytes and status words come from the protocol module
 * shared with the terminal (src/apdu/geldkarte-protocol.ts) and are re-exported.
 *
 * What is real (docs/sources.md §1): the purse AIDs, the files and
 * their short file identifiers, the record layouts, READ RECORD by SFI, the
 * process (offline debit without PIN or signature against a merchant security
 * module, load with PIN and online approval, end-of-day summary with sequence
 * numbers) and that the crypto is symmetric DES/3DES with card keys derived from
 * a master key and the card number (Schmeh, Kryptografie; Selhorst, RUB 2002).
 *
 * What is MODELLED, not published: the ZKA never published the debit, refund and
 * load command bytes or the exact MAC inputs. Everything below marked
 * "modelled" (the CLA E0 purse commands, the CLA 90 merchant card commands, the
 * merchant card AID, the proprietary 94xx status words, the MAC inputs, the key
 * derivation inputs) is this project's design, chosen to follow the public
 * description; it will not interoperate with a real Haendlerkarte or purse.
 */
import { type Bytes, bcd, concat, fromBcd, uintBytes } from '../../apdu/index.js';
import { KIND_STATUS, type PaymentKind as DebitKind } from '../../apdu/index.js';
import { deriveIccMasterKey } from '../../crypto/index.js';
import { retailMac } from '../../crypto/index.js';

// The protocol bytes (AIDs, SFIs, log sizes, command bytes, status words) are shared with the
// terminal through the APDU layer; the card-side names are kept (SFI, SW, DebitKind).
export {
  BLOG_RECORDS,
  BLOG_RECORD_LENGTH,
  KIND_P1,
  KIND_STATUS,
  LLOG_RECORDS,
  LLOG_RECORD_LENGTH,
  LOAD_STATUS,
  MERCHANT_AID,
  MERCHANT_CLA,
  MERCHANT_INS,
  MAX_PARKED_PAYMENTS,
  UNKNOWN_ENTRY_LENGTH,
  PURSE_AID_EUR,
  PURSE_AID_LEGACY,
  PURSE_CLA,
  PURSE_INS,
  GELDKARTE_SW as SW,
  PURSE_SFI as SFI,
  type PaymentKind as DebitKind,
} from '../../apdu/index.js';

/**
 * Test master keys of the emvsim GeldKarte system (2-key TDES). Never real keys.
 *   debit:    purse debit keys derive from it; merchant cards hold it (the
 *             "merchant key" of the public description) to authenticate purses
 *   load:     purse load keys derive from it; only the loading host holds it
 *   clearing: merchant card keys derive from it; the clearing centre holds it
 */
export const DEMO_MASTER_KEYS = {
  debit: '4D9A0C1E5B7F2A3C6E8D1F0B2C4A6E85',
  load: '1F2E3D4C5B6A79880F1E2D3C4B5A6978',
  clearing: 'A1B2C3D4E5F60718293A4B5C6D7E8F90',
} as const;

/** Key version written in the debit log (KID byte, real field; value modelled). */
export const KEY_VERSION = 0x01;

/** The 10-byte card identity (EF_ID bytes 0-9): branch key, bank code, card number, check digit. */
export const CARD_ID_LENGTH = 10;

/** Bank code (6 digits) and card number (10 digits) of a 10-byte card identity. */
export function cardDigits(cardId: Bytes): string {
  return fromBcd(cardId.subarray(1, 9));
}

/**
 * A card key (modelled): EMV Book 2 A1.4 option A with the 16 digits of bank code
 * and card number as the "PAN" and sequence number 00 (the real scheme derives
 * DES card keys from a master key and the card number; its exact input is not public).
 */
export function deriveCardKey(masterKey: Bytes, cardId: Bytes): Bytes {
  return deriveIccMasterKey(masterKey, cardDigits(cardId), '00', 'A');
}

/** Domain bytes that keep the MACs of different messages apart (modelled). */
export const MAC_DOMAIN = {
  PURSE_AUTH: 0x01,
  DEBIT_ORDER: 0x02,
  DEBIT_RECEIPT: 0x03,
  LOAD_REQUEST: 0x11,
  LOAD_APPROVAL: 0x12,
  LOAD_RECEIPT: 0x13,
  SUMMARY: 0x21,
} as const;

/** ISO/IEC 9797-1 MAC algorithm 3 (retail MAC), padding method 2, over domain || parts. */
export function schemeMac(key: Bytes, domain: number, ...parts: Bytes[]): Bytes {
  return retailMac(key, concat(Uint8Array.of(domain), ...parts), 2);
}

/** An amount in cents as n bytes of BCD (EF_BETRAG, logs: 3 bytes = up to 9999.99). */
export function amountBcd(cents: number, length = 3): Bytes {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`not an amount in cents: ${cents}`);
  return bcd(cents, length);
}

export function amountOf(bytes: Bytes): number {
  return Number(fromBcd(bytes));
}

/**
 * The receipt MAC (modelled): the purse's proof to the merchant card that the
 * debit or refund with sequence number `bseq` happened (status 01) or did not (00),
 * bound to the merchant card's fresh challenge.
 */
export function receiptMac(key: Bytes, challenge: Bytes, status: number, kind: DebitKind, merchantId: Bytes, hseq: Bytes, bseq: number, amount: number): Bytes {
  return schemeMac(key, MAC_DOMAIN.DEBIT_RECEIPT, challenge, Uint8Array.of(status, KIND_STATUS[kind]), merchantId, hseq, uintBytes(bseq, 2), amountBcd(amount));
}

/** The settlement summary MAC (modelled) under the merchant card key. */
export const SUMMARY_LENGTH = 44;
