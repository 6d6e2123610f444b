/**
 * The GeldKarte protocol definitions both sides speak: the purse and merchant
 * card applications (src/card/geldkarte/) and the terminal that drives them
 * (src/terminal/geldkarte/). Card and terminal never import each other; they
 * share these bytes here, in the APDU layer, as they share the CardTransport.
 *
 * Real (docs/sources.md §1; libchipcard geldkarte.xml, gnupg
 * app-geldkarte.c): the purse AIDs, the short file identifiers, the log sizes
 * and record lengths, the log status bytes 50 (Abbuchen), 70 (Rueckbuchen),
 * 10 (Laden).
 *
 * MODELLED, not published (the ZKA never published the debit, refund and load
 * commands): the CLA E0 purse commands, the CLA 90 merchant card commands, the
 * merchant card AID and the proprietary 94xx status words. They follow the
 * public description of the scheme and will not interoperate with a real
 * Haendlerkarte or purse (see src/card/geldkarte/scheme.ts for the MACs).
 */
import { fromHex } from './bytes.js';

/** Purse AIDs (real): DF_BOERSE_NEU (EUR, cards since 2000) and the old DM-era purse. */
export const PURSE_AID_EUR = fromHex('D27600002545500200');
export const PURSE_AID_LEGACY = fromHex('D27600002545500100');
/** In the order a terminal tries them (the EUR purse first, as CardWerk's reader does). */
export const PURSE_AIDS = [PURSE_AID_EUR, PURSE_AID_LEGACY] as const;
/** Merchant card application (modelled): ZKA RID D276000025, PIX "HK" (Haendlerkarte) 0100. */
export const MERCHANT_AID = fromHex('D276000025484B0100');

/** Short file identifiers of the purse files (real, libchipcard geldkarte.xml); READ RECORD P2 = SFI << 3 | 4. */
export const PURSE_SFI = {
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
/** Record lengths (real): EF_LLOG 33 bytes, EF_BLOG 37 bytes (36 on cards without the key identifier). */
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

/**
 * Unresolved payments a merchant card parks (modelled): a payment interrupted
 * after AUTHORISE whose purse is gone is set aside so the card keeps trading;
 * beyond this many START answers TOO_MANY_UNRESOLVED until the day is settled.
 */
export const MAX_PARKED_PAYMENTS = 8;

/** One parked payment in the end-of-day summary: kind(1) purse id(10) hseq(4) bseq(2) amount(3 BCD). */
export const UNKNOWN_ENTRY_LENGTH = 20;

/** The debit family: a debit (Abbuchen) or a refund (Rueckbuchen). */
export type PaymentKind = 'debit' | 'refund';
/** P1 of the debit family commands (modelled). */
export const KIND_P1: Readonly<Record<PaymentKind, number>> = { debit: 0x00, refund: 0x01 };
/** Status byte of a debit log record (real: 50 Abbuchen, 70 Rueckbuchen). */
export const KIND_STATUS: Readonly<Record<PaymentKind, number>> = { debit: 0x50, refund: 0x70 };
/** LLOG status of a completed load (real: 10-17 "Laden"). */
export const LOAD_STATUS = 0x10;

/**
 * Status words of the modelled protocol. ISO/IEC 7816-4 ones where they fit;
 * 94xx are proprietary (ISO/IEC 7816-4 §5.1.3: SW1 9X other than 90 is
 * proprietary), modelled here.
 */
export const GELDKARTE_SW = {
  OK: 0x9000,
  SECURITY: 0x6982, // MAC or authentication cryptogram wrong; PIN not verified
  PIN_BLOCKED: 0x6983,
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
  TOO_MANY_UNRESOLVED: 0x9412, // merchant card: its list of parked unresolved payments is full; settle first
} as const;
