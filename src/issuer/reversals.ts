/**
 * Reversals (0400/0401): finding the original, releasing its hold or crediting
 * its debit exactly once, and reversals that arrive before their original.
 *
 * Matching (ISO 8583:1987 field 90, original data elements): terminal (41),
 * original STAN and original date (MMDD) from field 90 when present, else the
 * reversal's own fields 11 and 13, AND the PAN (field 2): a reversal must not
 * release another card's hold because its terminal reused a STAN. The amount
 * (field 4, plus cashback) must equal the original's: emvsim implements no
 * partial reversal (that needs field 95, replacement amounts), so any other
 * amount is answered 12 "invalid transaction" and changes nothing.
 *
 * A reversal of a declined original is answered 00 and posts nothing (there
 * is nothing to undo; answering 00 stops the acquirer re-sending it).
 */
import type { AuthorisationResponse, MessageKind } from '../terminal/index.js';
import { statement, type IssuerDatabase } from './db/schema.js';
import { convertAmount } from './currency.js';
import { addDailyUsage, post, startOfDay } from './ledger.js';

export interface OriginalTransaction {
  id: number;
  kind: MessageKind;
  createdAt: number;
  refund: boolean;
  accountId: number | null;
  /** As booked: in the account's currency once converted (currency.ts). */
  amountMinor: number;
  currency: string;
  approved: boolean;
  reversedBy: number | null;
}

/** decidedBy of a 94 answer: such rows are never the original of a reversal. */
export const DUPLICATE_TRANSMISSION = 'duplicate-transmission';
/** decidedBy of a late original declined because its reversal came first. */
export const REVERSED_BEFORE_ORIGINAL = 'reversed-before-original';

/**
 * The most recent 0100/0200 from this terminal with this STAN and date (MMDD) for this PAN. Rows written
 * before schema version 2 have no date and match any date.
 */
export function findOriginal(db: IssuerDatabase, terminalId: string, stan: string, date: string, pan: string): OriginalTransaction | undefined {
  const r = statement(
    db,
    `SELECT id, kind, created_at, transaction_type, account_id, amount_minor, currency, approved, reversed_by FROM authorisations
     WHERE terminal_id = ? AND stan = ? AND pan = ? AND (trace_date = ? OR trace_date IS NULL)
       AND kind IN ('authorisation', 'financial') AND (decided_by IS NULL OR decided_by != '${DUPLICATE_TRANSMISSION}')
     ORDER BY id DESC LIMIT 1`,
  ).get(terminalId, stan, pan, date) as
    | { id: number; kind: MessageKind; created_at: number; transaction_type: string; account_id: number | null; amount_minor: number; currency: string; approved: number; reversed_by: number | null }
    | undefined;
  if (!r) return undefined;
  return { id: r.id, kind: r.kind, createdAt: r.created_at, refund: r.transaction_type === '20', accountId: r.account_id, amountMinor: r.amount_minor, currency: r.currency, approved: r.approved === 1, reversedBy: r.reversed_by };
}

/**
 * Reverses an original exactly once: releases its hold (0100) or credits its debit back (0200) when it was
 * approved; a declined original is only marked reversed. Returns false when it was already reversed.
 */
export function reverseOriginal(db: IssuerDatabase, original: OriginalTransaction, reversalId: number): boolean {
  const claimed = statement(db, 'UPDATE authorisations SET reversed_by = ? WHERE id = ? AND reversed_by IS NULL').run(reversalId, original.id);
  if (claimed.changes !== 1 || !original.approved || original.accountId === null) return claimed.changes === 1;
  if (!original.refund) addDailyUsage(db, original.accountId, startOfDay(original.createdAt), -1, -original.amountMinor);
  if (original.refund) {
    if (original.kind === 'financial') post(db, reversalId, original.accountId, -original.amountMinor, 'reversal');
  } else if (original.kind === 'authorisation') {
    const released = statement(db, 'UPDATE holds SET released_by = ? WHERE authorisation_id = ? AND released_by IS NULL').run(reversalId, original.id);
    if (released.changes === 1) statement(db, 'UPDATE accounts SET held_minor = held_minor - ? WHERE id = ?').run(original.amountMinor, original.accountId);
  } else {
    post(db, reversalId, original.accountId, original.amountMinor, 'reversal');
  }
  return true;
}

export interface ReversalTarget {
  terminalId: string;
  stan: string;
  date: string;
  pan: string;
  /** Amount plus cashback as sent (field 4 + 54), in `currency` (field 49). */
  amountMinor: number;
  currency: string;
}

/** What a reversal does, decided before it is recorded. */
export type ReversalDecision =
  | { outcome: 'orphan'; response: AuthorisationResponse }
  | { outcome: 'amount-mismatch'; original: OriginalTransaction; response: AuthorisationResponse }
  | { outcome: 'reverse'; original: OriginalTransaction; response: AuthorisationResponse };

export function decideReversal(db: IssuerDatabase, target: ReversalTarget): ReversalDecision {
  const original = findOriginal(db, target.terminalId, target.stan, target.date, target.pan);
  if (!original) {
    const message = `no original ${target.terminalId}/${target.stan} of ${target.date} for ${target.pan} (kept: a late original will be declined)`;
    return { outcome: 'orphan', response: { responseCode: '25', decidedBy: 'reversal', message } };
  }
  // The original is booked in the account's currency: the reversal's amount is converted the same way.
  const amount = convertAmount(target.amountMinor, target.currency, original.currency);
  if (amount !== original.amountMinor) {
    const message = `reversal amount ${target.amountMinor} ${target.currency} differs from the original #${original.id} amount ${original.amountMinor} ${original.currency} (no partial reversal)`;
    return { outcome: 'amount-mismatch', original, response: { responseCode: '12', decidedBy: 'reversal-amount', message } };
  }
  return { outcome: 'reverse', original, response: { responseCode: '00', decidedBy: 'reversal', message: `reversal of #${original.id}` } };
}

/**
 * An unmatched reversal (answered 25) naming this transaction: the terminal timed out, reversed, and its
 * original arrived late (or was retried after the reversal).
 */
export function findOrphanReversal(db: IssuerDatabase, target: ReversalTarget): number | undefined {
  const r = statement(
    db,
    `SELECT id FROM authorisations
     WHERE kind = 'reversal' AND response_code = '25' AND original_id IS NULL
       AND terminal_id = ? AND original_stan = ? AND original_date = ? AND pan = ? AND amount_minor = ? AND currency = ?
     ORDER BY id LIMIT 1`,
  ).get(target.terminalId, target.stan, target.date, target.pan, target.amountMinor, target.currency) as { id: number } | undefined;
  return r?.id;
}

/** Links a late original (recorded, declined, nothing held) and the reversal that came before it. */
export function linkLateOriginal(db: IssuerDatabase, originalId: number, reversalId: number): void {
  statement(db, 'UPDATE authorisations SET reversed_by = ? WHERE id = ?').run(reversalId, originalId);
  statement(db, 'UPDATE authorisations SET original_id = ? WHERE id = ?').run(originalId, reversalId);
}
