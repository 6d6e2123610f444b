/**
 * The purse issuer's shadow account (Kartenevidenzzentrale: "shadow balance per
 * card", docs/sources.md §1 "Loading"/"Settlement"). MODELLED: how the
 * real centre learned each purse's debits was never published. Here the
 * loading host is told, at every load, the purse's debit sequence counter
 * (EF_BSEQ) and its debit log (EF_BLOG, the newest 15 records) as read by the
 * load terminal, and keeps every debit record it has seen, by purse and BSEQ.
 * That answers the clearing side's question about a payment with outcome
 * unknown: did the purse make the debit with this sequence number?
 *   - a record with that BSEQ was seen: the purse made THAT debit (the clearing
 *     credits the merchant if merchant card, hseq and amount match, and drops
 *     the unknown payment if the sequence number went to another debit)
 *   - otherwise unknown, to be asked again after the purse's next load. The
 *     counter alone proves nothing: it may have been read before the payment.
 *     A purse never loaded again keeps its unknown payment open.
 */
import { type Bytes, KIND_STATUS, type PaymentKind, readUint, toHex } from '../../apdu/index.js';
import { decodeDebitLog } from '../../terminal/geldkarte/index.js';

export type PurseDebitFinding =
  | { status: 'done'; kind: PaymentKind; amount: number; merchantId: string; hseq: number }
  | { status: 'unknown' };

export interface PurseShadowAccounts {
  findDebit(purseId: string, bseq: number): PurseDebitFinding;
}

interface ShadowPurse {
  /** EF_BSEQ when last seen (next debit sequence number): the shadow's view of the purse's debit count. */
  counter: number;
  debits: Map<number, ShadowDebit>;
}

type ShadowDebit = { kind: PaymentKind; amount: number; merchantId: string; hseq: number };

/**
 * The issuer's debit record as a JSON document (`emvsim geldkarte load --issuer FILE`):
 * purse id (hex) -> EF_BSEQ last seen and every debit record seen, by BSEQ.
 */
export interface PurseDebitRecordState {
  format: 'emvsim-geldkarte-issuer';
  purses: Record<string, { counter: number; debits: Record<string, ShadowDebit> }>;
}

export class ShadowAccounts implements PurseShadowAccounts {
  private readonly purses = new Map<string, ShadowPurse>();
  private readonly onChange: ((state: PurseDebitRecordState) => void) | undefined;

  constructor(options: { state?: PurseDebitRecordState; onChange?: (state: PurseDebitRecordState) => void } = {}) {
    this.onChange = options.onChange;
    for (const [id, p] of Object.entries(options.state?.purses ?? {})) {
      this.purses.set(id, { counter: p.counter, debits: new Map(Object.entries(p.debits).map(([bseq, d]) => [Number(bseq), { ...d }])) });
    }
  }

  /** The purse's EF_BSEQ counter and EF_BLOG records as read at a load. */
  observe(purseId: Bytes, bseqCounter: number, blog: readonly Bytes[]): void {
    const id = toHex(purseId);
    const p = this.purses.get(id) ?? { counter: 0, debits: new Map() };
    p.counter = Math.max(p.counter, bseqCounter);
    for (const raw of blog) {
      const r = decodeDebitLog(raw);
      const kind: PaymentKind | undefined = r.status === KIND_STATUS.debit ? 'debit' : r.status === KIND_STATUS.refund ? 'refund' : undefined;
      if (kind) p.debits.set(readUint(raw, 1, 2), { kind, amount: r.amount, merchantId: r.merchantId, hseq: r.hseq });
    }
    this.purses.set(id, p);
    this.onChange?.(this.toState());
  }

  findDebit(purseId: string, bseq: number): PurseDebitFinding {
    const p = this.purses.get(purseId);
    if (!p) return { status: 'unknown' };
    const seen = p.debits.get(bseq);
    return seen ? { status: 'done', ...seen } : { status: 'unknown' };
  }

  toState(): PurseDebitRecordState {
    const purses: PurseDebitRecordState['purses'] = {};
    for (const [id, p] of this.purses) purses[id] = { counter: p.counter, debits: Object.fromEntries([...p.debits].map(([b, d]) => [String(b), d])) };
    return { format: 'emvsim-geldkarte-issuer', purses };
  }
}
