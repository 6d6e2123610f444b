/**
 * End of day (Kassenschnitt): the merchant card closes its totals into a
 * summary (Summensatz) identified by its card number and summary sequence
 * number, MACed under its card key; the terminal submits it to the clearing
 * side (Haendlerevidenzzentrale), which detects a summary submitted twice by
 * those sequence numbers (docs/sources.md §1 "Settlement"; the
 * summary format is MODELLED). The clearing side is injected (ClearingHost).
 * The summary also carries the merchant card's unresolved payments as
 * "outcome unknown" (purse id, purse BSEQ, amount): the clearing side resolves
 * them against the purse issuer's shadow account.
 */
import { type Bytes, readUint, toHex } from '../../apdu/index.js';
import { ParseError } from '../../apdu/index.js';
import type { CardTransport } from '../../apdu/index.js';
import { KIND_P1, MERCHANT_CMD, type PaymentKind, merchantCommand, selectMerchant, send } from './protocol.js';
import { UNKNOWN_ENTRY_LENGTH } from '../../apdu/index.js';

/** A payment whose outcome the merchant card could not learn (its purse went away). */
export interface UnknownPayment {
  kind: PaymentKind;
  purseId: string;
  hseq: number;
  /** The purse's debit sequence number (EF_BSEQ) the debit would have used. */
  bseq: number;
  amount: number;
}

/** The totals of one summary: what the clearing side keeps of each summary it has settled. */
export interface SummaryTotals {
  merchantId: string;
  summarySequence: number;
  count: number;
  debitTotal: number;
  refundTotal: number;
  firstHseq: number;
  lastHseq: number;
}

export interface SettlementSummary extends SummaryTotals {
  /** Payments with outcome unknown, for the clearing side to resolve. */
  unknown: UnknownPayment[];
  mac: string;
  raw: string;
}

/** Length of a summary without unknown payments: 37 bytes of body and the 8-byte MAC. */
export const SUMMARY_LENGTH = 45;
/** Offset of the unknown-payment count (the fixed body before it is 36 bytes). */
const UNKNOWN_COUNT_OFFSET = 36;

export function decodeSummary(b: Bytes): SettlementSummary {
  if (b.length < SUMMARY_LENGTH) throw new ParseError('settlement summary', `${b.length} bytes, at least ${SUMMARY_LENGTH} expected`, b.length);
  const n = b[UNKNOWN_COUNT_OFFSET]!;
  const expected = SUMMARY_LENGTH + n * UNKNOWN_ENTRY_LENGTH;
  if (b.length !== expected) throw new ParseError('settlement summary', `${b.length} bytes, ${expected} expected for ${n} unknown payments`, UNKNOWN_COUNT_OFFSET);
  const unknown: UnknownPayment[] = [];
  for (let i = 0; i < n; i++) {
    const o = UNKNOWN_COUNT_OFFSET + 1 + i * UNKNOWN_ENTRY_LENGTH;
    if (b[o] !== KIND_P1.debit && b[o] !== KIND_P1.refund) throw new ParseError('settlement summary', `unknown payment ${i + 1}: kind ${b[o]} is neither 00 debit nor 01 refund`, o);
    unknown.push({
      kind: b[o] === KIND_P1.refund ? 'refund' : 'debit',
      purseId: toHex(b.subarray(o + 1, o + 11)),
      hseq: readUint(b, o + 11, 4),
      bseq: readUint(b, o + 15, 2),
      amount: Number(toHex(b.subarray(o + 17, o + 20))),
    });
  }
  const macAt = b.length - 8;
  return {
    merchantId: toHex(b.subarray(0, 10)),
    summarySequence: readUint(b, 10, 4),
    count: readUint(b, 14, 4),
    debitTotal: Number(toHex(b.subarray(18, 23))),
    refundTotal: Number(toHex(b.subarray(23, 28))),
    firstHseq: readUint(b, 28, 4),
    lastHseq: readUint(b, 32, 4),
    unknown,
    mac: toHex(b.subarray(macAt)),
    raw: toHex(b),
  };
}

export type SettlementResult =
  | { accepted: true; credited: number; message: string; warnings?: string[] }
  | { accepted: false; reason: 'duplicate' | 'mac' | 'sequence' | 'unknown-merchant'; message: string };

export interface ClearingHost {
  submit(summary: Bytes): Promise<SettlementResult>;
}

/**
 * Asks the merchant card for a summary: SETTLE closes the day (the card commits the new summary sequence
 * number and keeps the summary as its last one), `last` fetches the last summary again (LAST SUMMARY).
 */
export async function fetchSummary(merchant: CardTransport, options: { last?: boolean } = {}): Promise<Bytes> {
  await selectMerchant(merchant);
  const ins = options.last ? MERCHANT_CMD.LAST_SUMMARY : MERCHANT_CMD.SETTLE;
  return send(merchant, options.last ? 'merchant LAST SUMMARY' : 'merchant SETTLE', merchantCommand(ins, 0));
}

/** Closes the merchant card's day (or, with `resubmitLast`, fetches the last summary again) and submits it. */
export async function settle(
  merchant: CardTransport,
  clearing: ClearingHost,
  options: { resubmitLast?: boolean } = {},
): Promise<{ summary: SettlementSummary; result: SettlementResult }> {
  const raw = await fetchSummary(merchant, { last: options.resubmitLast === true });
  const summary = decodeSummary(raw);
  return { summary, result: await clearing.submit(raw) };
}
