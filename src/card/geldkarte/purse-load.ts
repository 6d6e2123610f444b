/**
 * Loading the purse (Laden): the cardholder's PIN (VERIFY, shared with the
 * girocard application) and an online approval from the loading host
 * (Ladezentrale), which holds the load master key. MODELLED command bytes and
 * MAC inputs (see scheme.ts):
 *
 *   00 20 00 80  VERIFY          plaintext PIN block (Book 3 §6.5.12 format), try spent first
 *   E0 40 00 00  INITIALISE LOAD data: amount(3) terminal id(8)
 *                                answer: purse id(10) lseq(2) balance(3) purse challenge(8) MAC(8)
 *   E0 42 00 00  LOAD            data: amount(3) centre id(3) trace id(3) date(4) time(3) host MAC(8)
 *                                answer: lseq(2) new balance(3) receipt MAC(8)
 * Balance, EF_LSEQ and the EF_LLOG record change in one card-file write.
 */
import { constantTimeEqual, fromHex, uintBytes } from '../../apdu/index.js';
import type { DecodedCommand } from '../../apdu/index.js';
import { pinTryFailed, pinTryMatched, pinTryStatus, plaintextPinMatches, spendPinTry } from '../app/pin-try.js';
import { type Answer, type CardEngine, ok, sw } from '../engine.js';
import { appendCyclic, loadLogRecord } from './purse-files.js';
import { commitPurse, purseId, purseSession, purseState } from './purse-session.js';
import { LLOG_RECORDS, MAC_DOMAIN, SW, amountBcd, amountOf, schemeMac } from './scheme.js';

/**
 * VERIFY against the card's PIN and try counter (one PIN per girocard, as on real cards),
 * with the EMV application's PIN try rules (app/pin-try.ts, Book 3 §6.5.12): the counter is
 * checked before the length, the try is spent durably before the comparison, the wrong PINs
 * answer 63C2, 63C1, 63C0 (the last one blocking the application when the profile says so),
 * then 6983.
 */
export function verifyPurse(card: CardEngine, cmd: DecodedCommand): Answer {
  if (cmd.p1 !== 0x00 || cmd.p2 !== 0x80) return sw(SW.WRONG_P1P2);
  if (cmd.data.length === 0) return sw(pinTryStatus(card));
  if (card.nv.pinTryCounter === 0) return sw(0x6983);
  if (cmd.data.length !== 8) return sw(SW.WRONG_LENGTH);
  const session = purseSession(card);
  session.pinVerified = false;
  spendPinTry(card);
  if (!plaintextPinMatches(card, cmd.data)) return sw(pinTryFailed(card));
  pinTryMatched(card);
  session.pinVerified = true;
  return sw(SW.OK);
}

export function initialiseLoad(card: CardEngine, cmd: DecodedCommand): Answer {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return sw(SW.WRONG_P1P2);
  if (cmd.data.length !== 11) return sw(SW.WRONG_LENGTH);
  const session = purseSession(card);
  if (!session.pinVerified) return sw(SW.SECURITY);
  const state = purseState(card);
  let amount: number;
  try {
    amount = amountOf(cmd.data.subarray(0, 3));
  } catch {
    return sw(SW.WRONG_DATA);
  }
  if (amount <= 0) return sw(SW.WRONG_DATA);
  if (state.balance + amount > state.maxBalance) return sw(SW.ABOVE_MAXIMUM_BALANCE);
  const terminalId = cmd.data.slice(3, 11);
  const purseChallenge = card.randomBytes(8);
  session.load = { amount, terminalId, purseChallenge };
  const id = purseId(state);
  const lseq = uintBytes(state.lseq, 2);
  const balance = amountBcd(state.balance);
  const mac = schemeMac(fromHex(state.loadKey), MAC_DOMAIN.LOAD_REQUEST, purseChallenge, id, lseq, balance, amountBcd(amount), terminalId);
  return ok(Uint8Array.from([...id, ...lseq, ...balance, ...purseChallenge, ...mac]));
}

export function load(card: CardEngine, cmd: DecodedCommand): Answer {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return sw(SW.WRONG_P1P2);
  if (cmd.data.length !== 24) return sw(SW.WRONG_LENGTH);
  const session = purseSession(card);
  const open = session.load;
  session.load = undefined;
  if (!open) return sw(SW.CONDITIONS);
  const state = purseState(card);
  const d = cmd.data;
  const amountField = d.slice(0, 3);
  const centreId = d.slice(3, 6);
  const traceId = d.slice(6, 9);
  const key = fromHex(state.loadKey);
  const expected = schemeMac(key, MAC_DOMAIN.LOAD_APPROVAL, open.purseChallenge, amountField, uintBytes(state.lseq, 2), centreId, traceId);
  if (!constantTimeEqual(d.subarray(16, 24), expected)) return sw(SW.SECURITY);
  if (amountOf(amountField) !== open.amount) return sw(SW.WRONG_DATA);
  if (state.balance + open.amount > state.maxBalance) return sw(SW.ABOVE_MAXIMUM_BALANCE);
  const sequence = state.lseq;
  const balance = state.balance + open.amount;
  const record = loadLogRecord({
    lseq: sequence,
    amount: open.amount,
    balance,
    centreId,
    terminalId: open.terminalId,
    traceId,
    date: d.slice(9, 13),
    time: d.slice(13, 16),
    bseq: state.bseq,
  });
  commitPurse(card, { ...state, balance, lseq: sequence + 1, llog: appendCyclic(state.llog, record, LLOG_RECORDS) });
  const receipt = schemeMac(key, MAC_DOMAIN.LOAD_RECEIPT, open.purseChallenge, uintBytes(sequence, 2), amountBcd(balance));
  return ok(Uint8Array.from([...uintBytes(sequence, 2), ...amountBcd(balance), ...receipt]));
}
