/**
 * Decoders of the GeldKarte purse records (real layouts, docs/sources.md
 * §1: gnupg app-geldkarte.c, devnied GeldKarteParser, libchipcard geldkarte.xml).
 * Every malformed record is a ParseError naming the file and byte offset.
 */
import { type Bytes, fromBcd, readUint, toHex } from '../../apdu/index.js';
import { ParseError } from '../../apdu/index.js';

export interface EfId {
  branchKey: number;
  bankCode: string;
  cardNumber: string;
  checkDigit: number;
  /** YYYY-MM */
  expiry: string;
  /** YYYY-MM-DD */
  activation: string;
  country: string;
  currency: string;
  /** Amounts are in units of 10^exponent of the currency (factor 01 = cents: -2). */
  amountExponent: number;
  chipType: number;
  osVersion: number;
}

export interface EfBetrag {
  balance: number;
  maxBalance: number;
  maxTransaction: number;
  /** Maximum amount chargeable without a MAC (usually 0; absent on old cards). */
  maxWithoutMac: number | undefined;
}

export interface LoadLogRecord {
  status: number;
  statusText: string;
  lseq: number;
  retries: number;
  amount: number;
  balance: number;
  centreId: string;
  terminalId: string;
  traceId: string;
  date: string;
  time: string;
  bseq: number;
}

export interface DebitLogRecord {
  status: number;
  statusText: string;
  bseq: number;
  lseq: number;
  amount: number;
  merchantId: string;
  hseq: number;
  sseq: number;
  balance: number;
  date: string;
  time: string;
  keyId: number | undefined;
}

/** Currency factor byte (EF_ID byte 20): 01=10^-2, 02=10^-1, 04=10^0, 08=10^1, 10=10^2, 20=10^3. */
const FACTOR_EXPONENT: Readonly<Record<number, number>> = { 0x01: -2, 0x02: -1, 0x04: 0, 0x08: 1, 0x10: 2, 0x20: 3 };

function need(file: string, b: Bytes, length: number): void {
  if (b.length < length) throw new ParseError(file, `record of ${b.length} bytes, at least ${length} expected`, b.length);
}

function bcdAt(file: string, b: Bytes, offset: number, length: number): string {
  try {
    return fromBcd(b.subarray(offset, offset + length));
  } catch {
    throw new ParseError(file, `not BCD: ${toHex(b.subarray(offset, offset + length))}`, offset);
  }
}

function amountAt(file: string, b: Bytes, offset: number): number {
  return Number(bcdAt(file, b, offset, 3));
}

function dateAt(file: string, b: Bytes, offset: number): string {
  const d = bcdAt(file, b, offset, 4);
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
}

function timeAt(file: string, b: Bytes, offset: number): string {
  const t = bcdAt(file, b, offset, 3);
  return `${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}`;
}

/** EF_ID (22 bytes on old cards, 24 on new ones). */
export function decodeEfId(b: Bytes): EfId {
  need('EF_ID', b, 22);
  const currencyBytes = b.subarray(17, 20);
  const exponent = FACTOR_EXPONENT[b[20]!];
  if (exponent === undefined) throw new ParseError('EF_ID', `unknown currency factor ${toHex(b.subarray(20, 21))}`, 20);
  const expiry = bcdAt('EF_ID', b, 10, 2);
  const activation = bcdAt('EF_ID', b, 12, 3);
  return {
    branchKey: b[0]!,
    bankCode: bcdAt('EF_ID', b, 1, 3),
    cardNumber: bcdAt('EF_ID', b, 4, 5),
    checkDigit: b[9]! >> 4,
    expiry: `20${expiry.slice(0, 2)}-${expiry.slice(2, 4)}`,
    activation: `20${activation.slice(0, 2)}-${activation.slice(2, 4)}-${activation.slice(4, 6)}`,
    country: bcdAt('EF_ID', b, 15, 2),
    currency: String.fromCharCode(...currencyBytes),
    amountExponent: exponent,
    chipType: b[21]!,
    osVersion: b.length >= 24 ? b[23]! : 0,
  };
}

/** EF_BETRAG: balance, maximum balance, maximum per transaction (+ maximum without MAC), 3 BCD each. */
export function decodeEfBetrag(b: Bytes): EfBetrag {
  need('EF_BETRAG', b, 9);
  return {
    balance: amountAt('EF_BETRAG', b, 0),
    maxBalance: amountAt('EF_BETRAG', b, 3),
    maxTransaction: amountAt('EF_BETRAG', b, 6),
    maxWithoutMac: b.length >= 12 ? amountAt('EF_BETRAG', b, 9) : undefined,
  };
}

export interface EfBoerse {
  /** 00 account-linked purse (loaded with PIN), FF value card without PIN. */
  cardType: 'account-linked' | 'value-card' | 'unknown';
  bankCode: string;
  accountNumber: string;
}

export function decodeEfBoerse(b: Bytes): EfBoerse {
  need('EF_BOERSE', b, 10);
  return {
    cardType: b[0] === 0x00 ? 'account-linked' : b[0] === 0xff ? 'value-card' : 'unknown',
    bankCode: bcdAt('EF_BOERSE', b, 1, 4),
    accountNumber: bcdAt('EF_BOERSE', b, 5, 5),
  };
}

/**
 * The command in a log status byte (docs/sources.md §1): bits 7-5
 * counted from 0 (8-6 counted from 1) hold it, 000 Laden, 001 Entladen,
 * 010 Abbuchen, 011 Rueckbuchen (libchipcard geldkarte.xml); the four defined
 * codes differ only in bits 6-5, and the command is read as devnied's getType
 * does, (b & 0x60) >> 5, so the top bit does not turn a known command into an
 * unknown one. Bits 4-2 are the variant (P1 bits), bit 1 secure messaging,
 * bit 0 which file was written last: 50/51 Abbuchen, 70/71 Rueckbuchen.
 */
export function logStatusText(status: number): string {
  const command = ['load (Laden)', 'unload (Entladen)', 'debit (Abbuchen)', 'refund (Rueckbuchen)'][(status & 0x60) >> 5];
  return command ?? `status ${toHex(Uint8Array.of(status))}`;
}

/** EF_LLOG record (33 bytes). */
export function decodeLoadLog(b: Bytes): LoadLogRecord {
  need('EF_LLOG', b, 33);
  return {
    status: b[0]!,
    statusText: logStatusText(b[0]!),
    lseq: readUint(b, 1, 2),
    retries: b[3]!,
    amount: amountAt('EF_LLOG', b, 4),
    balance: amountAt('EF_LLOG', b, 7),
    centreId: toHex(b.subarray(10, 13)),
    terminalId: toHex(b.subarray(13, 21)),
    traceId: toHex(b.subarray(21, 24)),
    date: dateAt('EF_LLOG', b, 24),
    time: timeAt('EF_LLOG', b, 28),
    bseq: readUint(b, 31, 2),
  };
}

/** EF_BLOG record (36 bytes, or 37 with the key identifier). */
export function decodeDebitLog(b: Bytes): DebitLogRecord {
  need('EF_BLOG', b, 36);
  return {
    status: b[0]!,
    statusText: logStatusText(b[0]!),
    bseq: readUint(b, 1, 2),
    lseq: readUint(b, 3, 2),
    amount: amountAt('EF_BLOG', b, 5),
    merchantId: toHex(b.subarray(8, 18)),
    hseq: readUint(b, 18, 4),
    sseq: readUint(b, 22, 4),
    balance: amountAt('EF_BLOG', b, 26),
    date: dateAt('EF_BLOG', b, 29),
    time: timeAt('EF_BLOG', b, 33),
    keyId: b.length >= 37 ? b[36]! : undefined,
  };
}

/** Cents as "6.83 EUR". */
export function formatAmount(cents: number, currency = 'EUR'): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

/** "2.50" / "20" / "2,50" -> cents; RangeError for anything else. */
export function parseAmount(text: string): number {
  const m = /^(\d{1,4})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not an amount in EUR: '${text}' (e.g. 2.50)`);
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}
