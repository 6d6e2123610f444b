/**
 * The purse's elementary files (DF_BOERSE, FID A200) and their record layouts,
 * as on real GeldKarte chips (docs/sources.md §1; libchipcard
 * geldkarte.xml, gnupg app-geldkarte.c, SCEZ scdir.c):
 *   EF_ID     SFI 17, 24 bytes: 67 | BLZ(3 BCD) | card no.(5 BCD) | check digit(high nibble)+D |
 *             expiry YYMM | activation YYMMDD | country(2 BCD) | currency(3 ASCII) | factor | chip | 00 | OS
 *   EF_BETRAG SFI 18, 12 bytes: balance | max balance | max per transaction | max without MAC (3 BCD each, cents)
 *   EF_BOERSE SFI 19, 27 bytes: card type | BLZ(4 BCD) | account(5 BCD) | 17 bytes
 *   EF_LSEQ   SFI 1A, EF_BSEQ SFI 1B: 2-byte counters (value - 1 = number of loads / debits)
 *   EF_LLOG   SFI 1C cyclic 3 x 33: status lseq(2) retries value(3) balance(3) centre(3) terminal(8)
 *             trace(3) date(4 BCD YYYYMMDD) time(3 BCD HHMMSS) bseq(2)
 *   EF_BLOG   SFI 1D cyclic 15 x 37: status bseq(2) lseq(2) value(3) merchant(10) hseq(4) sseq(4)
 *             balance(3) date(4) time(3) KID(1)
 * The purse state lives in the card file (card.nv.applets.geldkarte) as JSON.
 */
import { type Bytes, ascii, bcd, concat, fromHex, toHex, uintBytes } from '../../apdu/index.js';
import { luhnCheckDigit } from '../../crypto/index.js';
import {
  BLOG_RECORDS,
  DEMO_MASTER_KEYS,
  KEY_VERSION,
  LLOG_RECORDS,
  LOAD_STATUS,
  KIND_STATUS,
  type DebitKind,
  amountBcd,
  deriveCardKey,
} from './scheme.js';

export const PURSE_STATE_KEY = 'geldkarte';
export const PURSE_STATE_FORMAT = 'emvsim-geldkarte-purse';

/** The purse's non-volatile state (JSON in the card file). Amounts in cents. */
export interface PurseState {
  format: typeof PURSE_STATE_FORMAT;
  /** EF_ID and EF_BOERSE content (hex), written at personalisation. */
  efId: string;
  efBoerse: string;
  /** Card keys (2-key TDES, hex) derived from the system master keys and the card number. */
  debitKey: string;
  loadKey: string;
  maxBalance: number;
  maxTransaction: number;
  maxWithoutMac: number;
  balance: number;
  /** EF_LSEQ / EF_BSEQ counter values (start at 1). */
  lseq: number;
  bseq: number;
  /** Cyclic log records (hex), newest first. */
  llog: string[];
  blog: string[];
}

export interface PursePersonalisation {
  /** Short bank code (BLZ), 6 digits (EF_ID bytes 1-3). */
  bankCode: string;
  /** Card number, 10 digits; the check digit is Luhn over it (real algorithm not public). */
  cardNumber: string;
  expiry: string; // YYMM
  activation: string; // YYMMDD
  /** Country code as real cards carry it (BCD, e.g. 0280). */
  country: string;
  /** Full BLZ (8 digits) and account number (10 digits) in EF_BOERSE. */
  accountBankCode: string;
  accountNumber: string;
  balance: number;
  maxBalance: number;
  maxTransaction: number;
  /** Master keys (hex) to derive the card keys from; default the demo system's. */
  masterKeys?: { debit: string; load: string };
}

export const DEMO_PURSE: PursePersonalisation = {
  bankCode: '259044',
  cardNumber: '1500001111',
  expiry: '2712',
  activation: '250117',
  country: '0280',
  accountBankCode: '25904400',
  accountNumber: '0012345678',
  balance: 683,
  maxBalance: 20000,
  maxTransaction: 20000,
};

/** EF_ID (24 bytes). Chip type 51 and OS version 06 as in the public trace. */
export function buildEfId(p: Pick<PursePersonalisation, 'bankCode' | 'cardNumber' | 'expiry' | 'activation' | 'country'>): Bytes {
  const check = Number(luhnCheckDigit(p.cardNumber));
  return concat(
    Uint8Array.of(0x67),
    bcd(p.bankCode, 3),
    bcd(p.cardNumber, 5),
    Uint8Array.of((check << 4) | 0x0d),
    bcd(p.expiry, 2),
    bcd(p.activation, 3),
    bcd(p.country, 2),
    ascii('EUR'),
    Uint8Array.of(0x01, 0x51, 0x00, 0x06),
  );
}

/** EF_BOERSE (27 bytes): card type 00 = account-linked purse (load with PIN). */
export function buildEfBoerse(p: Pick<PursePersonalisation, 'accountBankCode' | 'accountNumber'>): Bytes {
  return concat(Uint8Array.of(0x00), bcd(p.accountBankCode, 4), bcd(p.accountNumber, 5), new Uint8Array(17));
}

export function personalisePurse(p: PursePersonalisation): PurseState {
  const efId = buildEfId(p);
  const keys = p.masterKeys ?? DEMO_MASTER_KEYS;
  return {
    format: PURSE_STATE_FORMAT,
    efId: toHex(efId),
    efBoerse: toHex(buildEfBoerse(p)),
    debitKey: toHex(deriveCardKey(fromHex(keys.debit), efId)),
    loadKey: toHex(deriveCardKey(fromHex(keys.load), efId)),
    maxBalance: p.maxBalance,
    maxTransaction: p.maxTransaction,
    maxWithoutMac: 0,
    balance: p.balance,
    lseq: 1,
    bseq: 1,
    llog: [],
    blog: [],
  };
}

export function efBetrag(s: PurseState): Bytes {
  return concat(amountBcd(s.balance), amountBcd(s.maxBalance), amountBcd(s.maxTransaction), amountBcd(s.maxWithoutMac));
}

/** The records of a purse file, record 1 first (newest first for the cyclic logs). */
export function purseRecords(s: PurseState, sfi: number): Bytes[] | undefined {
  switch (sfi) {
    case 0x17:
      return [fromHex(s.efId)];
    case 0x18:
      return [efBetrag(s)];
    case 0x19:
      return [fromHex(s.efBoerse)];
    case 0x1a:
      return [uintBytes(s.lseq, 2)];
    case 0x1b:
      return [uintBytes(s.bseq, 2)];
    case 0x1c:
      return s.llog.map((h) => fromHex(h));
    case 0x1d:
      return s.blog.map((h) => fromHex(h));
    default:
      return undefined;
  }
}

/** Date (4 BCD YYYYMMDD) and time (3 BCD HHMMSS) as the terminal sends them. */
export interface LogTimestamp {
  date: Bytes;
  time: Bytes;
}

export interface DebitLogEntry extends LogTimestamp {
  kind: DebitKind;
  bseq: number;
  lseq: number;
  amount: number;
  merchantId: Bytes;
  hseq: Bytes;
  sseq: Bytes;
  balance: number;
}

/** One EF_BLOG record (37 bytes). */
export function debitLogRecord(e: DebitLogEntry): Bytes {
  return concat(
    Uint8Array.of(KIND_STATUS[e.kind]),
    uintBytes(e.bseq, 2),
    uintBytes(e.lseq, 2),
    amountBcd(e.amount),
    e.merchantId,
    e.hseq,
    e.sseq,
    amountBcd(e.balance),
    e.date,
    e.time,
    Uint8Array.of(KEY_VERSION),
  );
}

export interface LoadLogEntry extends LogTimestamp {
  lseq: number;
  amount: number;
  balance: number;
  centreId: Bytes;
  terminalId: Bytes;
  traceId: Bytes;
  bseq: number;
}

/** One EF_LLOG record (33 bytes); retry count 00. */
export function loadLogRecord(e: LoadLogEntry): Bytes {
  return concat(
    Uint8Array.of(LOAD_STATUS),
    uintBytes(e.lseq, 2),
    Uint8Array.of(0x00),
    amountBcd(e.amount),
    amountBcd(e.balance),
    e.centreId,
    e.terminalId,
    e.traceId,
    e.date,
    e.time,
    uintBytes(e.bseq, 2),
  );
}

/** Adds a record to a cyclic file: newest first, the oldest falls off (ISO/IEC 7816-4 §7.3.1 cyclic EF). */
export function appendCyclic(log: string[], record: Bytes, capacity: number): string[] {
  return [toHex(record), ...log].slice(0, capacity);
}

export const LOG_CAPACITY = { llog: LLOG_RECORDS, blog: BLOG_RECORDS } as const;
