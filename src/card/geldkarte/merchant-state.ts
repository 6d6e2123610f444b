/**
 * The merchant card (Haendlerkarte) state: its identity and keys, the merchant
 * sequence number (Haendlersequenznummer, one per payment or refund), the
 * summary sequence number (Summensequenznummer, one per end-of-day summary),
 * the totals and records since the last summary, a payment interrupted after
 * authorisation (pending) and the interrupted payments parked because their
 * purse went away (bounded by MAX_PARKED_PAYMENTS; carried as "outcome unknown"
 * in the end-of-day summary for the clearing side to resolve).
 * Persisted as a JSON card file written atomically (temp, fsync, rename).
 */
import { bcd, concat, fromHex, toHex, uintBytes } from '../../apdu/index.js';
import { checkDocument, merchantFileSchema, parseJsonSource } from '../../documents/index.js';
import { luhnCheckDigit } from '../../crypto/index.js';
import { type DebitKind, DEMO_MASTER_KEYS, deriveCardKey } from './scheme.js';

export const MERCHANT_FORMAT = 'emvsim-geldkarte-merchant';

export interface MerchantRecord {
  hseq: number;
  kind: DebitKind;
  /** Purse identity (10 bytes hex) and its debit sequence number. */
  purseId: string;
  bseq: number;
  amount: number;
}

export interface PendingPayment {
  kind: DebitKind;
  purseId: string;
  hseq: number;
  bseq: number;
  amount: number;
}

export interface MerchantState {
  format: typeof MERCHANT_FORMAT;
  version: 1;
  name: string;
  /** Merchant card number (10 bytes hex, same structure as a purse's EF_ID bytes 0-9). */
  merchantId: string;
  /** The debit master key (hex): purse debit keys are derived from it and the purse number. */
  debitMasterKey: string;
  /** This card's key (hex), derived from the clearing master key and the merchant card number. */
  merchantKey: string;
  /** Last merchant sequence number used. */
  hseq: number;
  /** Sequence number of the next summary. */
  sseq: number;
  debitTotal: number;
  refundTotal: number;
  records: MerchantRecord[];
  pending: PendingPayment | undefined;
  /**
   * Interrupted payments set aside so the card keeps trading (modelled): each is
   * resolved early when its purse is presented again (DEBIT STATUS), or goes to
   * the clearing side in the next summary as "outcome unknown".
   */
  parked: PendingPayment[];
  /** The last summary (hex), kept so an interrupted end of day can be fetched again. */
  lastSummary: string | undefined;
}

export interface MerchantPersonalisation {
  name: string;
  bankCode: string;
  cardNumber: string;
  masterKeys?: { debit: string; clearing: string };
}

export const DEMO_MERCHANT: MerchantPersonalisation = { name: 'Baeckerei Beispiel', bankCode: '250501', cardNumber: '9000000042' };

export function personaliseMerchant(p: MerchantPersonalisation): MerchantState {
  const check = Number(luhnCheckDigit(p.cardNumber));
  const id = concat(Uint8Array.of(0x67), bcd(p.bankCode, 3), bcd(p.cardNumber, 5), Uint8Array.of((check << 4) | 0x0d));
  const keys = p.masterKeys ?? DEMO_MASTER_KEYS;
  return {
    format: MERCHANT_FORMAT,
    version: 1,
    name: p.name,
    merchantId: toHex(id),
    debitMasterKey: keys.debit,
    merchantKey: toHex(deriveCardKey(fromHex(keys.clearing), id)),
    hseq: 0,
    sseq: 1,
    debitTotal: 0,
    refundTotal: 0,
    records: [],
    pending: undefined,
    parked: [],
    lastSummary: undefined,
  };
}

/** Checks a merchant card file's shape; errors name the file and field. */
export function parseMerchantState(text: string, file: string): MerchantState {
  const src = parseJsonSource(text, file);
  checkDocument(src, merchantFileSchema);
  const o = src.value as Partial<MerchantState>;
  return { ...o, pending: o.pending ?? undefined, parked: o.parked ?? [], lastSummary: o.lastSummary ?? undefined } as MerchantState;
}

/** The 4-byte merchant / summary sequence number field. */
export function seq4(n: number): Uint8Array {
  return uintBytes(n, 4);
}
