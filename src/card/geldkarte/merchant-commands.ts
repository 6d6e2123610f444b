/**
 * Merchant card (Haendlerkarte) commands, class 90. MODELLED: the real command
 * set was never published; this follows the public description (the merchant
 * card authenticates the purse with a key derived from the merchant key it
 * holds, receives the amount, numbers each payment and produces the end-of-day
 * summary identified by its card number and summary sequence number).
 *
 *   00 A4 04 00  SELECT D276000025484B0100
 *   90 50 P1 00  START      data: purse id(10)  answer: merchant id(10) hseq(4) sseq(4) challenge(8)
 *   90 52 P1 00  AUTHORISE  data: purse challenge(8) bseq(2) balance(3) purse MAC(8) amount(3)
 *                           answer: debit order MAC(8); the payment is now PENDING (persisted)
 *   90 54 00 00  CONFIRM    data: purse receipt(14)  answer: status(1); credits (01) or drops (00)
 *   90 56 00 00  GET PENDING answer: kind(1) purse id(10) hseq(4) bseq(2) amount(3) challenge(8); 6A88 none
 *                           no data: the pending payment; data purse id(10) index(1): the index-th
 *                           unresolved payment (pending or parked) of that purse. The next CONFIRM
 *                           resolves the payment named here.
 *   90 70 00 00  SETTLE     answer: summary = merchant id(10) sseq(4) count(4) debit total(5 BCD)
 *                           refund total(5 BCD) first hseq(4) last hseq(4) unknown count(1)
 *                           unknown payments(20 each: kind(1) purse id(10) hseq(4) bseq(2) amount(3))
 *                           MAC(8)
 *   90 72 00 00  LAST SUMMARY  the last summary again (6A88 before the first)
 *   90 74 00 00  STATUS     merchant id(10) hseq(4) sseq(4) count(4) debit total(5) refund total(5)
 *                           pending(1) parked(1)
 * P1: 00 debit, 01 refund.
 *
 * Interrupted payments (modelled): START with a payment still pending PARKS it
 * (the terminal has moved on to another purse; the first purse may be gone for
 * good), so one abandoned payment never blocks the card. Up to
 * MAX_PARKED_PAYMENTS are kept; beyond that START answers 9412 until the day is
 * settled. A parked payment is resolved early when its purse is presented again
 * (GET PENDING with the purse id, then the purse's DEBIT STATUS receipt to
 * CONFIRM); the rest go to the clearing side in the summary as "outcome
 * unknown", resolved there against the purse issuer's shadow account.
 */
import { type Bytes, concat, constantTimeEqual, equal, fromHex, readUint, toHex, uintBytes } from '../../apdu/index.js';
import type { DecodedCommand } from '../../apdu/index.js';
import { type Answer, ok, sw } from '../engine.js';
import { type MerchantState, type PendingPayment, seq4 } from './merchant-state.js';
import {
  type DebitKind,
  KIND_P1,
  MAX_PARKED_PAYMENTS,
  KIND_STATUS,
  MAC_DOMAIN,
  MERCHANT_AID,
  MERCHANT_INS,
  SW,
  amountBcd,
  amountOf,
  deriveCardKey,
  receiptMac,
  schemeMac,
} from './scheme.js';

/** Volatile session of the merchant card (lost at reset). */
export interface MerchantSession {
  selected: boolean;
  payment: { kind: DebitKind; purseId: Bytes; purseKey: Bytes; hseq: number; challenge: Bytes } | undefined;
  /** Challenge the next CONFIRM's receipt must be bound to. */
  confirmChallenge: Bytes | undefined;
  /** The parked payment (by hseq) the next CONFIRM resolves; undefined: the pending one. */
  resolvingParked: number | undefined;
}

export interface MerchantContext {
  state: MerchantState;
  session: MerchantSession;
  random(n: number): Bytes;
  /** Replaces the state and persists it atomically. */
  commit(next: MerchantState): void;
}

function kindOf(p1: number): DebitKind | undefined {
  return p1 === KIND_P1.debit ? 'debit' : p1 === KIND_P1.refund ? 'refund' : undefined;
}

function start(ctx: MerchantContext, cmd: DecodedCommand): Answer {
  const kind = kindOf(cmd.p1);
  if (!kind || cmd.p2 !== 0) return sw(SW.WRONG_P1P2);
  if (cmd.data.length !== 10) return sw(SW.WRONG_LENGTH);
  // A full list of parked payments refuses new payments (the card could not park another).
  if (ctx.state.parked.length >= MAX_PARKED_PAYMENTS) return sw(SW.TOO_MANY_UNRESOLVED);
  // The terminal moved on: park the interrupted payment and keep trading.
  if (ctx.state.pending) ctx.commit({ ...ctx.state, pending: undefined, parked: [...ctx.state.parked, ctx.state.pending] });
  const purseId = cmd.data.slice();
  let purseKey: Bytes;
  try {
    purseKey = deriveCardKey(fromHex(ctx.state.debitMasterKey), purseId);
  } catch {
    return sw(SW.WRONG_DATA); // bank code and card number must be BCD
  }
  const hseq = ctx.state.hseq + 1;
  const challenge = ctx.random(8);
  ctx.session.payment = { kind, purseId, purseKey, hseq, challenge };
  ctx.session.confirmChallenge = undefined;
  ctx.session.resolvingParked = undefined;
  return ok(concat(fromHex(ctx.state.merchantId), seq4(hseq), seq4(ctx.state.sseq), challenge));
}

function authorise(ctx: MerchantContext, cmd: DecodedCommand): Answer {
  const kind = kindOf(cmd.p1);
  if (!kind || cmd.p2 !== 0) return sw(SW.WRONG_P1P2);
  if (cmd.data.length !== 24) return sw(SW.WRONG_LENGTH);
  const payment = ctx.session.payment;
  ctx.session.payment = undefined;
  if (!payment || payment.kind !== kind || ctx.state.pending) return sw(SW.CONDITIONS);
  const d = cmd.data;
  const purseChallenge = d.subarray(0, 8);
  const bseq = d.subarray(8, 10);
  const balanceField = d.subarray(10, 13);
  const merchantId = fromHex(ctx.state.merchantId);
  const hseq = seq4(payment.hseq);
  const sseq = seq4(ctx.state.sseq);
  const purseMac = schemeMac(payment.purseKey, MAC_DOMAIN.PURSE_AUTH, payment.challenge, purseChallenge, payment.purseId, merchantId, hseq, bseq, balanceField);
  // Mutual authentication, merchant side: the purse proved it holds its card key.
  if (!constantTimeEqual(d.subarray(13, 21), purseMac)) return sw(SW.SECURITY);
  let amount: number;
  let balance: number;
  try {
    amount = amountOf(d.subarray(21, 24));
    balance = amountOf(balanceField);
  } catch {
    return sw(SW.WRONG_DATA);
  }
  if (amount <= 0) return sw(SW.WRONG_DATA);
  if (kind === 'debit' && amount > balance) return sw(SW.BALANCE_INSUFFICIENT);
  if (kind === 'refund' && amount > ctx.state.debitTotal - ctx.state.refundTotal) return sw(SW.MERCHANT_TOTAL_INSUFFICIENT);
  const order = schemeMac(payment.purseKey, MAC_DOMAIN.DEBIT_ORDER, Uint8Array.of(KIND_STATUS[kind]), purseChallenge, payment.challenge, d.subarray(21, 24), bseq, merchantId, hseq, sseq);
  // The sequence number is used up and the payment pending before the order leaves the card.
  ctx.commit({
    ...ctx.state,
    hseq: payment.hseq,
    pending: { kind, purseId: toHex(payment.purseId), hseq: payment.hseq, bseq: readUint(bseq, 0, 2), amount },
  });
  ctx.session.confirmChallenge = payment.challenge;
  ctx.session.resolvingParked = undefined;
  return ok(order);
}

function confirm(ctx: MerchantContext, cmd: DecodedCommand): Answer {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return sw(SW.WRONG_P1P2);
  if (cmd.data.length !== 14) return sw(SW.WRONG_LENGTH);
  const parkedHseq = ctx.session.resolvingParked;
  const pending = parkedHseq === undefined ? ctx.state.pending : ctx.state.parked.find((p) => p.hseq === parkedHseq);
  const challenge = ctx.session.confirmChallenge;
  ctx.session.confirmChallenge = undefined;
  ctx.session.resolvingParked = undefined;
  if (!pending || !challenge) return sw(SW.CONDITIONS);
  // The resolved payment leaves the pending slot or the parked list, whichever held it.
  const resolved = (): Pick<MerchantState, 'pending' | 'parked'> =>
    parkedHseq === undefined ? { pending: undefined, parked: ctx.state.parked } : { pending: ctx.state.pending, parked: ctx.state.parked.filter((p) => p.hseq !== parkedHseq) };
  const d = cmd.data;
  const status = d[0]!;
  const bseq = readUint(d, 1, 2);
  let amount: number;
  try {
    amount = amountOf(d.subarray(3, 6));
  } catch {
    return sw(SW.WRONG_DATA);
  }
  const purseId = fromHex(pending.purseId);
  const purseKey = deriveCardKey(fromHex(ctx.state.debitMasterKey), purseId);
  const expected = receiptMac(purseKey, challenge, status, pending.kind, fromHex(ctx.state.merchantId), seq4(pending.hseq), bseq, amount);
  if (!constantTimeEqual(d.subarray(6, 14), expected) || bseq !== pending.bseq) return sw(SW.SECURITY);
  if (status === 0x00) {
    ctx.commit({ ...ctx.state, ...resolved() });
    return ok(Uint8Array.of(0x00));
  }
  if (status !== 0x01 || amount !== pending.amount) return sw(SW.WRONG_DATA);
  const s = ctx.state;
  ctx.commit({
    ...s,
    ...resolved(),
    debitTotal: s.debitTotal + (pending.kind === 'debit' ? amount : 0),
    refundTotal: s.refundTotal + (pending.kind === 'refund' ? amount : 0),
    records: [...s.records, { hseq: pending.hseq, kind: pending.kind, purseId: pending.purseId, bseq, amount }],
  });
  return ok(Uint8Array.of(0x01));
}

function getPending(ctx: MerchantContext, cmd: DecodedCommand): Answer {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return sw(SW.WRONG_P1P2);
  if (cmd.data.length !== 0 && cmd.data.length !== 11) return sw(SW.WRONG_LENGTH);
  let p: PendingPayment | undefined = ctx.state.pending;
  let parkedHseq: number | undefined;
  if (cmd.data.length === 11) {
    // The index-th unresolved payment of this purse: the pending one first, then the parked ones.
    const purseId = toHex(cmd.data.subarray(0, 10));
    const mine = [ctx.state.pending, ...ctx.state.parked].filter((q): q is PendingPayment => q?.purseId === purseId);
    p = mine[cmd.data[10]!];
    parkedHseq = p && p !== ctx.state.pending ? p.hseq : undefined;
  }
  if (!p) return sw(SW.NO_DATA);
  const challenge = ctx.random(8);
  ctx.session.payment = undefined;
  ctx.session.confirmChallenge = challenge;
  ctx.session.resolvingParked = parkedHseq;
  return ok(concat(Uint8Array.of(KIND_P1[p.kind]), fromHex(p.purseId), seq4(p.hseq), uintBytes(p.bseq, 2), amountBcd(p.amount), challenge));
}

function settle(ctx: MerchantContext, cmd: DecodedCommand): Answer {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return sw(SW.WRONG_P1P2);
  const s = ctx.state;
  // Whatever is still unresolved goes to the clearing side as "outcome unknown".
  const unknown = s.pending ? [...s.parked, s.pending] : s.parked;
  const hseqs = [...s.records.map((r) => r.hseq), ...unknown.map((u) => u.hseq)];
  const first = hseqs.length > 0 ? Math.min(...hseqs) : s.hseq + 1;
  const body = concat(
    fromHex(s.merchantId),
    seq4(s.sseq),
    seq4(s.records.length),
    amountBcd(s.debitTotal, 5),
    amountBcd(s.refundTotal, 5),
    seq4(first),
    seq4(s.hseq),
    Uint8Array.of(unknown.length),
    ...unknown.map((u) => concat(Uint8Array.of(KIND_P1[u.kind]), fromHex(u.purseId), seq4(u.hseq), uintBytes(u.bseq, 2), amountBcd(u.amount))),
  );
  const summary = concat(body, schemeMac(fromHex(s.merchantKey), MAC_DOMAIN.SUMMARY, body));
  ctx.commit({ ...s, sseq: s.sseq + 1, debitTotal: 0, refundTotal: 0, records: [], pending: undefined, parked: [], lastSummary: toHex(summary) });
  return ok(summary);
}

function lastSummary(ctx: MerchantContext): Answer {
  return ctx.state.lastSummary ? ok(fromHex(ctx.state.lastSummary)) : sw(SW.NO_DATA);
}

function status(ctx: MerchantContext): Answer {
  const s = ctx.state;
  return ok(
    concat(fromHex(s.merchantId), seq4(s.hseq), seq4(s.sseq), seq4(s.records.length), amountBcd(s.debitTotal, 5), amountBcd(s.refundTotal, 5), Uint8Array.of(s.pending ? 1 : 0, s.parked.length)),
  );
}

/** One command to the merchant card. */
export function merchantCommand(ctx: MerchantContext, cmd: DecodedCommand): Answer {
  if (cmd.cla === 0x00 && cmd.ins === 0xa4) {
    if (cmd.p1 !== 0x04) return sw(SW.WRONG_P1P2);
    if (!equal(cmd.data, MERCHANT_AID)) return sw(SW.FILE_NOT_FOUND);
    ctx.session.selected = true;
    ctx.session.payment = undefined;
    ctx.session.confirmChallenge = undefined;
    ctx.session.resolvingParked = undefined;
    return ok();
  }
  if (cmd.cla !== 0x90) return sw(0x6e00);
  if (!ctx.session.selected) return sw(SW.CONDITIONS);
  switch (cmd.ins) {
    case MERCHANT_INS.START:
      return start(ctx, cmd);
    case MERCHANT_INS.AUTHORISE:
      return authorise(ctx, cmd);
    case MERCHANT_INS.CONFIRM:
      return confirm(ctx, cmd);
    case MERCHANT_INS.GET_PENDING:
      return getPending(ctx, cmd);
    case MERCHANT_INS.SETTLE:
      return settle(ctx, cmd);
    case MERCHANT_INS.LAST_SUMMARY:
      return lastSummary(ctx);
    case MERCHANT_INS.STATUS:
      return status(ctx);
    default:
      return sw(0x6d00);
  }
}
