/**
 * The GeldKarte scheme as emvsim models it: identifiers, command bytes, status
 * words, card keys and the MACs that bind purse, merchant card (Haendlerkarte),
 * loading host and clearing together.
 *
 * What is real (payments-domain-facts.md §1): the purse AIDs, the files and
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
import { type Bytes, bcd, concat, fromBcd, fromHex, uintBytes } from '../../apdu/bytes.js';
import { deriveIccMasterKey } from '../../crypto/key-derivation.js';
import { retailMac } from '../../crypto/mac.js';

/** Purse AIDs (real): DF_BOERSE_NEU (EUR, cards since 2000) and the old DM-era purse. */
export const PURSE_AID_EUR = fromHex('D27600002545500200');
export const PURSE_AID_LEGACY = fromHex('D27600002545500100');
/** Merchant card application (modelled): ZKA RID D276000025, PIX "HK" (Haendlerkarte) 0100. */
export const MERCHANT_AID = fromHex('D276000025484B0100');

/** Short file identifiers of the purse files (real, libchipcard geldkarte.xml). */
export const SFI = {
  ID: 0x17,
  BETRAG: 0x18,
  BOERSE: 0x19,
  LSEQ: 0x1a,
  BSEQ: 0x1b,
  LLOG: 0x1c,
  BLOG: 0x1d,
} as const;

/** Capacity of the cyclic log files (real): 3 load records, 15 debit records. */
export const LLOG_RECORDS = 3;
export const BLOG_RECORDS = 15;
export const LLOG_RECORD_LENGTH = 33;
export const BLOG_RECORD_LENGTH = 37;

/** Purse commands, class E0 (modelled). P1 of the debit family: 00 debit (Abbuchen), 01 refund (Rueckbuchen). */
export const PURSE_CLA = 0xe0;
export const PURSE_INS = {
  INITIALISE_DEBIT: 0x50,
  DEBIT: 0x52,
  DEBIT_STATUS: 0x54,
  INITIALISE_LOAD: 0x40,
  LOAD: 0x42,
} as const;

/** Merchant card commands, class 90 (modelled). */
export const MERCHANT_CLA = 0x90;
export const MERCHANT_INS = {
  START: 0x50,
  AUTHORISE: 0x52,
  CONFIRM: 0x54,
  GET_PENDING: 0x56,
  SETTLE: 0x70,
  LAST_SUMMARY: 0x72,
  STATUS: 0x74,
} as const;

/** Debit family kinds: P1 and the log status byte (real status: 50 Abbuchen, 70 Rueckbuchen). */
export type DebitKind = 'debit' | 'refund';
export const KIND_P1: Readonly<Record<DebitKind, number>> = { debit: 0x00, refund: 0x01 };
export const KIND_STATUS: Readonly<Record<DebitKind, number>> = { debit: 0x50, refund: 0x70 };
/** LLOG status of a completed load (real: 10-17 "Laden"). */
export const LOAD_STATUS = 0x10;

/**
 * Status words. ISO/IEC 7816-4 ones where they fit; 94xx are proprietary
 * (ISO/IEC 7816-4 §5.1.3: SW1 9X other than 90 is proprietary), modelled here.
 */
export const SW = {
  OK: 0x9000,
  SECURITY: 0x6982, // MAC or authentication cryptogram wrong; PIN not verified
  CONDITIONS: 0x6985, // command out of order (no authentication in progress)
  WRONG_DATA: 0x6a80,
  WRONG_P1P2: 0x6a86,
  RECORD_NOT_FOUND: 0x6a83,
  FILE_NOT_FOUND: 0x6a82,
  NO_DATA: 0x6a88,
  WRONG_LENGTH: 0x6700,
  BALANCE_INSUFFICIENT: 0x9401,
  ABOVE_TRANSACTION_MAXIMUM: 0x9402,
  ABOVE_MAXIMUM_BALANCE: 0x9403,
  OUTCOME_UNKNOWN: 0x9405, // the log no longer holds the record asked about
  PAYMENT_PENDING: 0x9410, // merchant card: an interrupted payment must be resolved first
  MERCHANT_TOTAL_INSUFFICIENT: 0x9411, // merchant card: refund above the unsettled total
} as const;

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
