/**
 * An in-process clearing ledger (Haendlerevidenzzentrale): accepts a merchant
 * card's end-of-day summary once. It checks the summary MAC under the merchant
 * card key (derived from the clearing master key and the merchant card number),
 * refuses a summary whose merchant card number and summary sequence number it
 * has already settled (a summary submitted twice), and refuses one whose
 * merchant sequence numbers overlap an earlier summary (a payment counted
 * twice). Accepted summaries credit the merchant's account with the net total.
 *
 * A GAP in a merchant card's summary sequence numbers (a summary that never
 * arrived, e.g. a lost day) is detected and recorded: the summary is ACCEPTED
 * with a warning (its MAC proves it; refusing it would block the merchant for
 * good, as the card has moved on), and the missing numbers stay listed in
 * `missingSummaries` until they arrive late (then accepted, and taken off).
 *
 * Payments with outcome unknown (parked on the merchant card, carried in the
 * summary) are resolved against the purse issuer's shadow account
 * (PurseShadowAccounts, MODELLED: the in-process loading host learns each
 * purse's debit log when the purse is loaded): a debit the purse logged for this
 * merchant card and sequence number is credited to the merchant once; one the
 * purse never made is dropped; one the shadow cannot tell yet stays open in
 * `openUnknowns` until resolveUnknowns() finds it.
 * The state is a plain JSON object; the CLI stores it with writeFileAtomic.
 */
import { type Bytes, constantTimeEqual, fromHex } from '../../apdu/index.js';
import { DEMO_MASTER_KEYS, MAC_DOMAIN, deriveCardKey, schemeMac } from '../../card/geldkarte/index.js';
import { type ClearingHost, type SettlementResult, type SettlementSummary, type SummaryTotals, type UnknownPayment, decodeSummary, formatAmount } from '../../terminal/geldkarte/index.js';
import type { PurseShadowAccounts } from './shadow-account.js';

/** A summary the ledger has accepted: its totals, without the unknown payments, MAC and raw bytes. */
export type SettledSummary = SummaryTotals;

/** A payment with outcome unknown, as received in a summary. */
export interface OpenUnknown extends UnknownPayment {
  merchantId: string;
  summarySequence: number;
}

export interface ClearingState {
  format: 'emvsim-geldkarte-clearing';
  settled: SettledSummary[];
  /** Net amounts credited, by merchant card number. */
  merchantAccounts: Record<string, number>;
  /** Payments with outcome unknown not resolved yet. */
  openUnknowns: OpenUnknown[];
  /** Unknown payments resolved: credited (the purse made it) or dropped (it never did). */
  resolvedUnknowns: (OpenUnknown & { outcome: 'credited' | 'dropped' })[];
  /** Summary sequence numbers skipped (never received), by merchant card number. */
  missingSummaries: Record<string, number[]>;
  /** Warnings recorded at acceptance (gaps). */
  warnings: string[];
}

export function emptyClearingState(): ClearingState {
  return { format: 'emvsim-geldkarte-clearing', settled: [], merchantAccounts: {}, openUnknowns: [], resolvedUnknowns: [], missingSummaries: {}, warnings: [] };
}

export class ClearingLedger implements ClearingHost {
  readonly state: ClearingState;
  private readonly masterKey: Bytes;
  private readonly onChange: ((state: ClearingState) => void) | undefined;
  private readonly shadow: PurseShadowAccounts | undefined;

  constructor(options: { state?: ClearingState; masterKey?: string; onChange?: (state: ClearingState) => void; shadow?: PurseShadowAccounts } = {}) {
    // Files written before unknown payments and gaps existed lack those fields.
    this.state = { ...emptyClearingState(), ...options.state };
    this.masterKey = fromHex(options.masterKey ?? DEMO_MASTER_KEYS.clearing);
    this.onChange = options.onChange;
    this.shadow = options.shadow;
  }

  async submit(raw: Bytes): Promise<SettlementResult> {
    const s: SettlementSummary = decodeSummary(raw);
    const key = deriveCardKey(this.masterKey, raw.subarray(0, 10));
    if (!constantTimeEqual(schemeMac(key, MAC_DOMAIN.SUMMARY, raw.subarray(0, raw.length - 8)), raw.subarray(raw.length - 8))) {
      return { accepted: false, reason: 'mac', message: `summary ${s.summarySequence} of merchant card ${s.merchantId}: MAC wrong, refused` };
    }
    const earlier = this.state.settled.filter((e) => e.merchantId === s.merchantId);
    if (earlier.some((e) => e.summarySequence === s.summarySequence)) {
      return { accepted: false, reason: 'duplicate', message: `summary ${s.summarySequence} of merchant card ${s.merchantId} was already settled: duplicate refused` };
    }
    const used = s.count > 0 || s.unknown.length > 0;
    if (used && earlier.some((e) => (e.count > 0 || e.lastHseq >= e.firstHseq) && s.firstHseq <= e.lastHseq && e.firstHseq <= s.lastHseq)) {
      return { accepted: false, reason: 'sequence', message: `summary ${s.summarySequence}: merchant sequence numbers ${s.firstHseq}-${s.lastHseq} were already settled: refused` };
    }
    const warnings = this.checkGap(s, earlier);
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
    this.credit(s.merchantId, net);
    this.state.openUnknowns.push(...s.unknown.map((u) => ({ ...u, merchantId: s.merchantId, summarySequence: s.summarySequence })));
    const resolved = this.resolveUnknowns(false);
    this.onChange?.(this.state);
    // Unknown payments of earlier summaries may resolve now too (the issuer has seen the purse since).
    const unknownText =
      s.unknown.length > 0 || resolved.credited + resolved.dropped > 0
        ? `; payments with outcome unknown: ${s.unknown.length} in this summary, ${resolved.credited} credited (${formatAmount(resolved.amount)}), ${resolved.dropped} dropped, ${this.state.openUnknowns.length} open`
        : '';
    return {
      accepted: true,
      credited: net + resolved.amount,
      message: `summary ${s.summarySequence} accepted: ${s.count} transactions, ${formatAmount(net)} credited to the merchant${unknownText}${warnings.length ? `; WARNING: ${warnings.join('; ')}` : ''}`,
      ...(warnings.length ? { warnings } : {}),
    };
  }

  /** A summary sequence number above the next expected one: the ones between never arrived. */
  private checkGap(s: SettlementSummary, earlier: SettledSummary[]): string[] {
    const missing = (this.state.missingSummaries[s.merchantId] ??= []);
    const late = missing.indexOf(s.summarySequence);
    if (late >= 0) {
      missing.splice(late, 1);
      return [];
    }
    const next = earlier.reduce((m, e) => Math.max(m, e.summarySequence), 0) + 1;
    if (s.summarySequence <= next) return [];
    for (let n = next; n < s.summarySequence; n++) missing.push(n);
    const range = next === s.summarySequence - 1 ? `${next}` : `${next}-${s.summarySequence - 1}`;
    const text = `gap in the summary sequence of merchant card ${s.merchantId}: summary ${range} never arrived (expected ${next}, got ${s.summarySequence})`;
    this.state.warnings.push(text);
    return [text];
  }

  private credit(merchantId: string, amount: number): void {
    this.state.merchantAccounts[merchantId] = (this.state.merchantAccounts[merchantId] ?? 0) + amount;
  }

  /**
   * Looks each open unknown payment up in the purse issuer's shadow account:
   * credited to the merchant once if the purse logged it for this merchant card
   * and sequence number, dropped if the purse never made it, else left open.
   */
  resolveUnknowns(notify = true): { credited: number; dropped: number; amount: number } {
    const result = { credited: 0, dropped: 0, amount: 0 };
    if (!this.shadow) return result;
    const open: OpenUnknown[] = [];
    for (const u of this.state.openUnknowns) {
      const found = this.shadow.findDebit(u.purseId, u.bseq);
      if (found.status === 'unknown') {
        open.push(u);
        continue;
      }
      const made = found.status === 'done' && found.kind === u.kind && found.merchantId === u.merchantId && found.hseq === u.hseq && found.amount === u.amount;
      if (made) {
        const signed = u.kind === 'debit' ? u.amount : -u.amount;
        this.credit(u.merchantId, signed);
        result.amount += signed;
        result.credited++;
      } else {
        result.dropped++;
      }
      this.state.resolvedUnknowns.push({ ...u, outcome: made ? 'credited' : 'dropped' });
    }
    this.state.openUnknowns = open;
    if (notify && result.credited + result.dropped > 0) this.onChange?.(this.state);
    return result;
  }
}
