/**
 * An in-process clearing ledger (Haendlerevidenzzentrale): accepts a merchant
 * card's end-of-day summary once. It checks the summary MAC under the merchant
 * card key (derived from the clearing master key and the merchant card number),
 * refuses a summary whose merchant card number and summary sequence number it
 * has already settled (a summary submitted twice), and refuses one whose
 * merchant sequence numbers overlap an earlier summary (a payment counted
 * twice). Accepted summaries credit the merchant's account with the net total.
 * The state is a plain JSON object; the CLI stores it with writeFileAtomic.
 */
import { type Bytes, constantTimeEqual, fromHex } from '../../apdu/bytes.js';
import { DEMO_MASTER_KEYS, MAC_DOMAIN, deriveCardKey, schemeMac } from '../../card/geldkarte/scheme.js';
import { type ClearingHost, type SettlementResult, type SettlementSummary, decodeSummary } from '../../terminal/geldkarte/settle.js';
import { formatAmount } from '../../terminal/geldkarte/records.js';

export interface SettledSummary {
  merchantId: string;
  summarySequence: number;
  count: number;
  debitTotal: number;
  refundTotal: number;
  firstHseq: number;
  lastHseq: number;
}

export interface ClearingState {
  format: 'emvsim-geldkarte-clearing';
  settled: SettledSummary[];
  /** Net amounts credited, by merchant card number. */
  merchantAccounts: Record<string, number>;
}

export function emptyClearingState(): ClearingState {
  return { format: 'emvsim-geldkarte-clearing', settled: [], merchantAccounts: {} };
}

export class ClearingLedger implements ClearingHost {
  readonly state: ClearingState;
  private readonly masterKey: Bytes;
  private readonly onChange: ((state: ClearingState) => void) | undefined;

  constructor(options: { state?: ClearingState; masterKey?: string; onChange?: (state: ClearingState) => void } = {}) {
    this.state = options.state ?? emptyClearingState();
    this.masterKey = fromHex(options.masterKey ?? DEMO_MASTER_KEYS.clearing);
    this.onChange = options.onChange;
  }

  async submit(raw: Bytes): Promise<SettlementResult> {
    const s: SettlementSummary = decodeSummary(raw);
    const key = deriveCardKey(this.masterKey, raw.subarray(0, 10));
    if (!constantTimeEqual(schemeMac(key, MAC_DOMAIN.SUMMARY, raw.subarray(0, 36)), raw.subarray(36, 44))) {
      return { accepted: false, reason: 'mac', message: `summary ${s.summarySequence} of merchant card ${s.merchantId}: MAC wrong, refused` };
    }
    const earlier = this.state.settled.filter((e) => e.merchantId === s.merchantId);
    if (earlier.some((e) => e.summarySequence === s.summarySequence)) {
      return { accepted: false, reason: 'duplicate', message: `summary ${s.summarySequence} of merchant card ${s.merchantId} was already settled: duplicate refused` };
    }
    if (s.count > 0 && earlier.some((e) => e.count > 0 && s.firstHseq <= e.lastHseq && e.firstHseq <= s.lastHseq)) {
      return { accepted: false, reason: 'sequence', message: `summary ${s.summarySequence}: merchant sequence numbers ${s.firstHseq}-${s.lastHseq} were already settled: refused` };
    }
    const net = s.debitTotal - s.refundTotal;
    this.state.settled.push({
      merchantId: s.merchantId,
      summarySequence: s.summarySequence,
      count: s.count,
      debitTotal: s.debitTotal,
      refundTotal: s.refundTotal,
      firstHseq: s.firstHseq,
      lastHseq: s.lastHseq,
    });
    this.state.merchantAccounts[s.merchantId] = (this.state.merchantAccounts[s.merchantId] ?? 0) + net;
    this.onChange?.(this.state);
    return { accepted: true, credited: net, message: `summary ${s.summarySequence} accepted: ${s.count} transactions, ${formatAmount(net)} credited to the merchant` };
  }
}
