/**
 * End of day (Kassenschnitt): the merchant card closes its totals into a
 * summary (Summensatz) identified by its card number and summary sequence
 * number, MACed under its card key; the terminal submits it to the clearing
 * side (Haendlerevidenzzentrale), which detects a summary submitted twice by
 * those sequence numbers (payments-domain-facts.md §1 "Settlement"; the
 * summary format is MODELLED). The clearing side is injected (ClearingHost).
 */
import { type Bytes, readUint, toHex } from '../../apdu/bytes.js';
import { ParseError } from '../../apdu/errors.js';
import type { CardTransport } from '../../apdu/transport.js';
import { MERCHANT_CMD, merchantCommand, selectMerchant, send } from './protocol.js';

export interface SettlementSummary {
  merchantId: string;
  summarySequence: number;
  count: number;
  debitTotal: number;
  refundTotal: number;
  firstHseq: number;
  lastHseq: number;
  mac: string;
  raw: string;
}

export const SUMMARY_LENGTH = 44;

export function decodeSummary(b: Bytes): SettlementSummary {
  if (b.length !== SUMMARY_LENGTH) throw new ParseError('settlement summary', `${b.length} bytes, ${SUMMARY_LENGTH} expected`, Math.min(b.length, SUMMARY_LENGTH));
  return {
    merchantId: toHex(b.subarray(0, 10)),
    summarySequence: readUint(b, 10, 4),
    count: readUint(b, 14, 4),
    debitTotal: Number(toHex(b.subarray(18, 23))),
    refundTotal: Number(toHex(b.subarray(23, 28))),
    firstHseq: readUint(b, 28, 4),
    lastHseq: readUint(b, 32, 4),
    mac: toHex(b.subarray(36, 44)),
    raw: toHex(b),
  };
}

export type SettlementResult =
  | { accepted: true; credited: number; message: string }
  | { accepted: false; reason: 'duplicate' | 'mac' | 'sequence' | 'unknown-merchant'; message: string };

export interface ClearingHost {
  submit(summary: Bytes): Promise<SettlementResult>;
}

/** Closes the merchant card's day (or, with `resubmitLast`, fetches the last summary again) and submits it. */
export async function settle(
  merchant: CardTransport,
  clearing: ClearingHost,
  options: { resubmitLast?: boolean } = {},
): Promise<{ summary: SettlementSummary; result: SettlementResult }> {
  await selectMerchant(merchant);
  const ins = options.resubmitLast ? MERCHANT_CMD.LAST_SUMMARY : MERCHANT_CMD.SETTLE;
  const raw = await send(merchant, options.resubmitLast ? 'merchant LAST SUMMARY' : 'merchant SETTLE', merchantCommand(ins, 0));
  const summary = decodeSummary(raw);
  return { summary, result: await clearing.submit(raw) };
}
