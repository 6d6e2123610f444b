/**
 * Debit (Abbuchen) and refund (Rueckbuchen) on the purse: the purse side of
 * the mutual authentication with the merchant card. MODELLED: the ZKA command
 * bytes and MAC inputs were never published (see scheme.ts).
 *
 *   E0 50 P1 00  INITIALISE   data: merchant id(10) hseq(4) sseq(4) merchant challenge(8)
 *                             answer: purse challenge(8) bseq(2) balance(3) purse MAC(8)
 *                             The purse MAC proves the purse holds the card key derived
 *                             from the debit master key (which the merchant card holds).
 *   E0 52 P1 00  DEBIT        data: amount(3) date(4) time(3) merchant MAC(8)
 *                             answer: receipt = status 01, bseq(2), amount(3), MAC(8); balance(3)
 *                             The merchant MAC binds both challenges, the amount, the
 *                             purse's sequence number and the merchant's sequence numbers,
 *                             so it is good for this one debit only.
 *   E0 54 P1 00  DEBIT STATUS data: merchant id(10) hseq(4) bseq(2) challenge(8)
 *                             answer: receipt (status 01 done / 00 not done) or 9405 unknown.
 *                             Closes any open session first, so a "not done" stays true.
 * P1: 00 debit, 01 refund. The balance, the debit sequence counter EF_BSEQ and
 * the EF_BLOG record change in ONE card-file write (commitPurse).
 */
import { constantTimeEqual, equal, fromHex, readUint, uintBytes } from '../../apdu/index.js';
import type { DecodedCommand } from '../../apdu/index.js';
import { type Answer, type CardEngine, ok, sw } from '../engine.js';
import { BLOG_RECORDS, type DebitKind, KIND_P1, KIND_STATUS, MAC_DOMAIN, SW, amountBcd, amountOf, receiptMac, schemeMac } from './scheme.js';
import { type PurseState, appendCyclic, debitLogRecord } from './purse-files.js';
import { commitPurse, purseId, purseSession, purseState } from './purse-session.js';

function kindOf(p1: number): DebitKind | undefined {
  if (p1 === KIND_P1.debit) return 'debit';
  if (p1 === KIND_P1.refund) return 'refund';
  return undefined;
}

/** The kind P1 names, with P2 00 and `dataLength` data bytes; otherwise the refusal (6A86 / 6700). */
function checkedKind(cmd: DecodedCommand, dataLength: number): DebitKind | Answer {
  const kind = kindOf(cmd.p1);
  if (!kind || cmd.p2 !== 0) return sw(SW.WRONG_P1P2);
  if (cmd.data.length !== dataLength) return sw(SW.WRONG_LENGTH);
  return kind;
}

export function initialiseDebit(card: CardEngine, cmd: DecodedCommand): Answer {
  const kind = checkedKind(cmd, 26);
  if (typeof kind !== 'string') return kind;
  const state = purseState(card);
  const session = purseSession(card);
  const d = cmd.data;
  const merchantId = d.slice(0, 10);
  const hseq = d.slice(10, 14);
  const sseq = d.slice(14, 18);
  const merchantChallenge = d.slice(18, 26);
  const purseChallenge = card.randomBytes(8);
  session.debit = { kind, merchantId, hseq, sseq, merchantChallenge, purseChallenge };
  const bseq = uintBytes(state.bseq, 2);
  const balance = amountBcd(state.balance);
  const mac = schemeMac(fromHex(state.debitKey), MAC_DOMAIN.PURSE_AUTH, merchantChallenge, purseChallenge, purseId(state), merchantId, hseq, bseq, balance);
  return ok(Uint8Array.from([...purseChallenge, ...bseq, ...balance, ...mac]));
}

/**
 * The purse's limits (real rules, docs/sources.md §1 EF_BETRAG: maximum
 * per transaction, maximum balance 200.00 EUR). The per-transaction maximum
 * applies to a refund as to a debit, and a refund must not push the balance
 * over the maximum balance.
 */
function limitViolation(state: PurseState, kind: DebitKind, amount: number): number | undefined {
  if (amount <= 0) return SW.WRONG_DATA;
  if (amount > state.maxTransaction) return SW.ABOVE_TRANSACTION_MAXIMUM;
  if (kind === 'debit' && amount > state.balance) return SW.BALANCE_INSUFFICIENT;
  if (kind === 'refund' && state.balance + amount > state.maxBalance) return SW.ABOVE_MAXIMUM_BALANCE;
  return undefined;
}

export function debit(card: CardEngine, cmd: DecodedCommand): Answer {
  const kind = checkedKind(cmd, 18);
  if (typeof kind !== 'string') return kind;
  const session = purseSession(card);
  const open = session.debit;
  session.debit = undefined; // single use, whatever happens next
  if (!open || open.kind !== kind) return sw(SW.CONDITIONS);
  const state = purseState(card);
  const d = cmd.data;
  const amountField = d.slice(0, 3);
  const date = d.slice(3, 7);
  const time = d.slice(7, 10);
  const mac = d.slice(10, 18);
  const key = fromHex(state.debitKey);
  const expected = schemeMac(
    key,
    MAC_DOMAIN.DEBIT_ORDER,
    Uint8Array.of(KIND_STATUS[kind]),
    open.purseChallenge,
    open.merchantChallenge,
    amountField,
    uintBytes(state.bseq, 2),
    open.merchantId,
    open.hseq,
    open.sseq,
  );
  if (!constantTimeEqual(mac, expected)) return sw(SW.SECURITY);
  let amount: number;
  try {
    amount = amountOf(amountField);
  } catch {
    return sw(SW.WRONG_DATA);
  }
  const refused = limitViolation(state, kind, amount);
  if (refused !== undefined) return sw(refused);

  const sequence = state.bseq;
  const balance = kind === 'debit' ? state.balance - amount : state.balance + amount;
  const record = debitLogRecord({
    kind,
    bseq: sequence,
    lseq: state.lseq,
    amount,
    merchantId: open.merchantId,
    hseq: open.hseq,
    sseq: open.sseq,
    balance,
    date,
    time,
  });
  commitPurse(card, { ...state, balance, bseq: sequence + 1, blog: appendCyclic(state.blog, record, BLOG_RECORDS) });
  const receipt = receiptMac(key, open.merchantChallenge, 0x01, kind, open.merchantId, open.hseq, sequence, amount);
  return ok(Uint8Array.from([0x01, ...uintBytes(sequence, 2), ...amountField, ...receipt, ...amountBcd(balance)]));
}

export function debitStatus(card: CardEngine, cmd: DecodedCommand): Answer {
  const kind = checkedKind(cmd, 24);
  if (typeof kind !== 'string') return kind;
  const session = purseSession(card);
  session.debit = undefined; // no debit can follow a status answer
  const state = purseState(card);
  const d = cmd.data;
  const merchantId = d.slice(0, 10);
  const hseq = d.slice(10, 14);
  const sequence = readUint(d, 14, 2);
  const challenge = d.slice(16, 24);
  const key = fromHex(state.debitKey);
  const answer = (status: number, amount: number): Answer =>
    ok(Uint8Array.from([status, ...uintBytes(sequence, 2), ...amountBcd(amount), ...receiptMac(key, challenge, status, kind, merchantId, hseq, sequence, amount)]));

  // The debit with this sequence number has not happened yet: it never will, the session is closed.
  if (state.bseq <= sequence) return answer(0x00, 0);
  const record = state.blog.map((h) => fromHex(h)).find((r) => readUint(r, 1, 2) === sequence);
  if (!record) return sw(SW.OUTCOME_UNKNOWN);
  const ours = record[0] === KIND_STATUS[kind] && equal(record.subarray(8, 18), merchantId) && equal(record.subarray(18, 22), hseq);
  return ours ? answer(0x01, amountOf(record.subarray(5, 8))) : answer(0x00, 0);
}
