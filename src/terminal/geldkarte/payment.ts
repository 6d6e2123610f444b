/**
 * Paying with the GeldKarte (Abbuchen) and refunding to it (Rueckbuchen): the
 * terminal relays between purse and merchant card over two CardTransports.
 * Offline, no PIN and no signature (docs/sources.md §1 "Paying").
 *
 *   1 merchant START        purse id -> merchant id, hseq, sseq, merchant challenge
 *   2 purse INITIALISE      -> purse challenge, bseq, balance, purse MAC
 *   3 merchant AUTHORISE    purse MAC checked, amount -> debit order MAC (payment now pending)
 *   4 purse DEBIT           order MAC checked; balance, EF_BSEQ, EF_BLOG in one write -> receipt
 *   5 merchant CONFIRM      receipt checked; amount credited and recorded
 * Steps 2-5 are MODELLED (the command bytes were never published). If a card
 * loses power or does not answer, both are reset and the pending payment is
 * resolved (recovery.ts): the outcome says what really happened. If a card is
 * gone for good (TransportError even after a reset) pay() does not throw: it
 * answers declined (nothing can have been debited before the merchant card
 * issued the debit order) or, once the order was issued, 'unknown': the merchant
 * card parks the payment and the clearing side resolves it.
 */
import { type Bytes, bcd, readUint, toHex } from '../../apdu/index.js';
import { TransportError } from '../../apdu/index.js';
import type { CardTransport } from '../../apdu/index.js';
import {
  GeldkarteError,
  KIND_P1,
  MERCHANT_CMD,
  PURSE_CMD,
  PURSE_SFI,
  type PaymentKind,
  logTimestamp,
  merchantCommand,
  purseCommand,
  readRecordCommand,
  selectPurse,
  send,
  sendRaw,
} from './protocol.js';
import { type GeldkarteOutcome, type OutcomeOptions, makeOutcome } from './outcome.js';
import { decodeDebitLog, formatAmount } from './records.js';
import { readPurseAmounts } from './read-purse.js';
import { type RecoveryResult, resolveParked, resolvePending } from './recovery.js';

export interface PaymentOptions extends OutcomeOptions {
  kind?: PaymentKind;
  /** Clock for the log records (the purse has none). */
  now?: () => Date;
  /** Recovery attempts after a lost answer (default 3). */
  recoveryAttempts?: number;
}

interface Progress {
  merchantId: Bytes | undefined;
  hseq: number | undefined;
  /** The merchant card issued the debit order: from here the purse may have debited. */
  ordered: boolean;
}

const NO_PURSE = { bankCode: '', cardNumber: '', currency: 'EUR' };

function isCardFailure(err: unknown): err is TransportError | GeldkarteError {
  return err instanceof TransportError || err instanceof GeldkarteError;
}

/** Pays (or refunds) `amount` cents between purse and merchant card. */
export async function pay(purse: CardTransport, merchant: CardTransport, amount: number, options: PaymentOptions = {}): Promise<GeldkarteOutcome> {
  const kind = options.kind ?? 'debit';
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > 999999) throw new RangeError(`amount must be 0.01 to 9999.99 EUR, got ${amount} cents`);
  const notes: string[] = [];
  let purseData: Awaited<ReturnType<typeof readPurseAmounts>>;
  try {
    // Earlier interrupted payments: the pending one, then those parked for this purse.
    const earlier = await withRecovery(purse, merchant, options, () => resolvePending(purse, merchant));
    if (earlier.pending) notes.push(earlier.message);
    else if (earlier.note) notes.push(earlier.note);
    notes.push(...(await withRecovery(purse, merchant, options, () => resolveParked(purse, merchant))));
    purseData = await readPurseAmounts(purse);
  } catch (err) {
    if (!isCardFailure(err)) throw err;
    const nothing = kind === 'debit' ? 'nothing was debited' : 'nothing was credited';
    return makeOutcome({ kind, amount, purse: NO_PURSE, balanceBefore: 0, notes, result: 'declined', reason: `terminated before the payment started: ${err.message}; ${nothing}` }, options);
  }
  const { id, purseId, amounts } = purseData;
  const base = { kind, amount, purse: id, balanceBefore: amounts.balance, notes };

  // The rules, checked before anything changes (the purse checks them again).
  if (kind === 'debit' && amount > amounts.maxTransaction) {
    return makeOutcome({ ...base, result: 'declined', reason: `${formatAmount(amount)} is above the purse's maximum per transaction of ${formatAmount(amounts.maxTransaction)}; nothing was debited` }, options);
  }
  if (kind === 'debit' && amount > amounts.balance) {
    return makeOutcome({ ...base, result: 'declined', reason: `balance insufficient: the purse holds ${formatAmount(amounts.balance)}, less than ${formatAmount(amount)}; nothing was debited` }, options);
  }
  if (kind === 'refund' && amount > amounts.maxTransaction) {
    return makeOutcome({ ...base, result: 'declined', reason: `a refund of ${formatAmount(amount)} is above the purse's maximum per transaction of ${formatAmount(amounts.maxTransaction)}; nothing was changed` }, options);
  }
  if (kind === 'refund' && amounts.balance + amount > amounts.maxBalance) {
    return makeOutcome({ ...base, result: 'declined', reason: `a refund of ${formatAmount(amount)} would take the purse above its maximum of ${formatAmount(amounts.maxBalance)}; nothing was changed` }, options);
  }

  const progress: Progress = { merchantId: undefined, hseq: undefined, ordered: false };
  try {
    const balanceAfter = await runPayment(purse, merchant, purseId, amount, kind, progress, options);
    return makeOutcome({ ...base, result: 'approved', reason: approvedText(kind, amount), balanceAfter, merchantId: progress.merchantId, hseq: progress.hseq }, options);
  } catch (err) {
    if (!isCardFailure(err)) throw err;
    // Whatever was interrupted: resolve the merchant card's pending payment, then look at the purse log.
    let recovery: RecoveryResult;
    let logged: { balance: number } | undefined;
    try {
      recovery = await withRecovery(purse, merchant, options, () => resolvePending(purse, merchant), err instanceof TransportError);
      logged = progress.hseq !== undefined && progress.merchantId ? await findLogged(purse, progress.merchantId, progress.hseq) : undefined;
    } catch (lost) {
      if (!isCardFailure(lost)) throw lost;
      return makeOutcome(terminated(base, kind, amount, progress, err, lost), options);
    }
    const what = err instanceof GeldkarteError ? err.message : `interrupted: ${err.message}`;
    const recoveryNotes = recovery.pending ? [...notes, recovery.message] : recovery.note ? [...notes, recovery.note] : notes;
    if (logged) {
      return makeOutcome({ ...base, notes: [...recoveryNotes, what], result: 'approved', reason: `${approvedText(kind, amount)} (completed by recovery)`, balanceAfter: logged.balance, merchantId: progress.merchantId, hseq: progress.hseq }, options);
    }
    const nothing = kind === 'debit' ? 'nothing was debited' : 'nothing was credited';
    return makeOutcome({ ...base, notes: recoveryNotes, result: 'declined', reason: `${declineText(err)}; ${nothing}` }, options);
  }
}

/** A card went away for good during the payment: declined if no debit order was issued, else outcome unknown. */
function terminated(base: { kind: PaymentKind; amount: number; purse: Parameters<typeof makeOutcome>[0]['purse']; balanceBefore: number; notes: string[] }, kind: PaymentKind, amount: number, progress: Progress, err: Error, lost: Error) {
  const why = `the payment was interrupted (${err.message}) and could not be resolved (${lost.message})`;
  if (!progress.ordered) {
    return { ...base, result: 'declined' as const, reason: `terminated: ${why}; ${kind === 'debit' ? 'nothing was debited' : 'nothing was credited'}` };
  }
  return {
    ...base,
    result: 'unknown' as const,
    merchantId: progress.merchantId,
    hseq: progress.hseq,
    reason: `terminated, outcome unknown: ${why}; the merchant card keeps the ${kind} of ${formatAmount(amount)} (merchant sequence ${progress.hseq}) as unresolved: it is resolved when the purse is presented again, or by the clearing side after the end-of-day summary`,
  };
}

function approvedText(kind: PaymentKind, amount: number): string {
  return kind === 'debit' ? `${formatAmount(amount)} paid from the purse to the merchant card` : `${formatAmount(amount)} refunded from the merchant card to the purse`;
}

function declineText(err: unknown): string {
  if (err instanceof GeldkarteError && err.sw === 0x6982) return `purse and merchant card failed to authenticate each other (${err.message})`;
  if (err instanceof GeldkarteError) return err.message;
  return `the payment was interrupted (${(err as Error).message})`;
}

async function runPayment(purse: CardTransport, merchant: CardTransport, purseId: Bytes, amount: number, kind: PaymentKind, progress: Progress, options: PaymentOptions): Promise<number> {
  const p1 = KIND_P1[kind];
  const started = await send(merchant, 'merchant START', merchantCommand(MERCHANT_CMD.START, p1, purseId));
  progress.merchantId = started.slice(0, 10);
  progress.hseq = readUint(started, 10, 4);
  const init = await send(purse, 'purse INITIALISE', purseCommand(PURSE_CMD.INITIALISE_DEBIT, p1, started));
  const amountField = bcd(amount, 3);
  progress.ordered = true; // AUTHORISE may run on the card even if its answer is lost
  const order = await send(merchant, 'merchant AUTHORISE', merchantCommand(MERCHANT_CMD.AUTHORISE, p1, Uint8Array.from([...init.subarray(0, 21), ...amountField])));
  const { date, time } = logTimestamp((options.now ?? (() => new Date()))());
  const receipt = await send(purse, kind === 'debit' ? 'purse DEBIT' : 'purse REFUND', purseCommand(PURSE_CMD.DEBIT, p1, Uint8Array.from([...amountField, ...date, ...time, ...order])));
  await send(merchant, 'merchant CONFIRM', merchantCommand(MERCHANT_CMD.CONFIRM, 0, receipt.subarray(0, 14)));
  return Number(toHex(receipt.subarray(14, 17)));
}

/** Runs a recovery step; after a lost answer resets both cards first and retries. */
async function withRecovery<T>(
  purse: CardTransport,
  merchant: CardTransport,
  options: PaymentOptions,
  step: () => Promise<T>,
  resetFirst = false,
): Promise<T> {
  const attempts = options.recoveryAttempts ?? 3;
  let reset = resetFirst;
  for (let i = 0; ; i++) {
    if (reset) {
      await purse.coldReset();
      await merchant.coldReset();
    }
    try {
      return await step();
    } catch (err) {
      // A lost answer needs a reset; a garbled one (a MAC that no longer checks) just another try.
      if (!(err instanceof TransportError || err instanceof GeldkarteError) || i + 1 >= attempts) throw err;
      reset = err instanceof TransportError;
    }
  }
}

/** The purse's debit log record written for this merchant card and sequence number, if any. */
async function findLogged(purse: CardTransport, merchantId: Bytes, hseq: number): Promise<{ balance: number } | undefined> {
  await selectPurse(purse);
  for (let n = 1; n <= 15; n++) {
    const r = await sendRaw(purse, readRecordCommand(PURSE_SFI.BLOG, n));
    if (r.sw !== 0x9000) return undefined;
    const rec = decodeDebitLog(r.data);
    if (rec.merchantId === toHex(merchantId) && rec.hseq === hseq) return { balance: rec.balance };
  }
  return undefined;
}
