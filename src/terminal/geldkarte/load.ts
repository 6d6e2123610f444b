/**
 * Loading the purse at a load terminal (Ladeterminal): the cardholder's PIN is
 * checked by the card (VERIFY), then the loading host (Ladezentrale) approves
 * online and debits the cardholder's account; the purse accepts only the host's
 * MAC (docs/sources.md §1 "Loading"; command bytes MODELLED).
 * The host is injected (LoadingHost), like the kernel's authorisation host.
 */
import { type Bytes, bcd, readUint, toHex } from '../../apdu/index.js';
import { TransportError } from '../../apdu/index.js';
import type { CardTransport } from '../../apdu/index.js';
import { offlinePlaintextPinBlock } from '../../crypto/index.js';
import { GeldkarteError, PURSE_CMD, PURSE_SFI, logTimestamp, purseCommand, readRecordCommand, selectPurse, send, sendRaw } from './protocol.js';
import { formatAmount } from './records.js';
import { BLOG_RECORDS } from '../../apdu/index.js';
import { readPurseAmounts } from './read-purse.js';

export interface LoadRequest {
  purseId: Bytes;
  loadSequence: number;
  balance: number;
  amount: number;
  terminalId: Bytes;
  purseChallenge: Bytes;
  /** The purse's MAC over the request under its load key. */
  mac: Bytes;
}

export type LoadApproval =
  | { approved: true; centreId: Bytes; traceId: Bytes; mac: Bytes }
  | { approved: false; responseCode: string; reason: string };

export interface LoadingHost {
  authoriseLoad(request: LoadRequest): Promise<LoadApproval>;
  /** The purse loaded (its receipt MAC over the new sequence number and balance). */
  confirmLoad(purseId: Bytes, traceId: Bytes, receipt: Bytes): Promise<void>;
  /** The purse did not load: give the money back to the account. */
  reverseLoad(purseId: Bytes, traceId: Bytes): Promise<void>;
  /**
   * The purse's debit counter (EF_BSEQ) and debit log (EF_BLOG) as read at the
   * load, for the issuer's shadow account (MODELLED, optional).
   */
  observePurseLog?(purseId: Bytes, bseqCounter: number, blog: readonly Bytes[]): Promise<void>;
}

export interface LoadOutcome {
  result: 'approved' | 'declined';
  amount: number;
  reason: string;
  balanceBefore: number;
  balanceAfter: number;
  loadSequence: number | undefined;
}

export interface LoadOptions {
  /** Terminal identification (8 bytes) written in the load log. */
  terminalId?: Bytes;
  now?: () => Date;
}

const DEFAULT_TERMINAL_ID = Uint8Array.from([0x45, 0x4d, 0x56, 0x53, 0x49, 0x4d, 0x30, 0x31]); // "EMVSIM01"

export async function loadPurse(purse: CardTransport, host: LoadingHost, amount: number, pin: string, options: LoadOptions = {}): Promise<LoadOutcome> {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > 999999) throw new RangeError(`amount must be 0.01 to 9999.99 EUR, got ${amount} cents`);
  const { purseId, amounts } = await readPurseAmounts(purse);
  const declined = (reason: string): LoadOutcome => ({ result: 'declined', amount, reason, balanceBefore: amounts.balance, balanceAfter: amounts.balance, loadSequence: undefined });
  if (amounts.balance + amount > amounts.maxBalance) {
    return declined(`loading ${formatAmount(amount)} would take the purse from ${formatAmount(amounts.balance)} above its maximum of ${formatAmount(amounts.maxBalance)}; nothing was loaded`);
  }
  if (host.observePurseLog) await host.observePurseLog(purseId, ...(await readDebitLog(purse)));
  const v = await sendRaw(purse, { cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80, data: offlinePlaintextPinBlock(pin) });
  if (v.sw !== 0x9000) {
    const text = v.sw === 0x6983 ? 'PIN blocked' : v.sw >> 4 === 0x63c ? `wrong PIN, ${v.sw & 0x0f} tries left` : `VERIFY answered ${v.sw.toString(16).toUpperCase()}`;
    return declined(`${text}; nothing was loaded`);
  }
  const terminalId = options.terminalId ?? DEFAULT_TERMINAL_ID;
  const init = await send(purse, 'purse INITIALISE LOAD', purseCommand(PURSE_CMD.INITIALISE_LOAD, 0, Uint8Array.from([...bcd(amount, 3), ...terminalId])));
  const request: LoadRequest = {
    purseId: init.slice(0, 10),
    loadSequence: readUint(init, 10, 2),
    balance: Number(toHex(init.subarray(12, 15))),
    amount,
    terminalId,
    purseChallenge: init.slice(15, 23),
    mac: init.slice(23, 31),
  };
  const approval = await host.authoriseLoad(request);
  if (!approval.approved) return declined(`loading host declined (${approval.responseCode}: ${approval.reason}); nothing was loaded`);
  const { date, time } = logTimestamp((options.now ?? (() => new Date()))());
  try {
    const r = await send(purse, 'purse LOAD', purseCommand(PURSE_CMD.LOAD, 0, Uint8Array.from([...bcd(amount, 3), ...approval.centreId, ...approval.traceId, ...date, ...time, ...approval.mac])));
    await host.confirmLoad(purseId, approval.traceId, r);
    const balanceAfter = Number(toHex(r.subarray(2, 5)));
    return { result: 'approved', amount, reason: `${formatAmount(amount)} loaded`, balanceBefore: amounts.balance, balanceAfter, loadSequence: readUint(r, 0, 2) };
  } catch (err) {
    if (!(err instanceof TransportError) && !(err instanceof GeldkarteError)) throw err;
    // Did the purse load before the answer was lost? Its load counter tells.
    if (err instanceof TransportError) await purse.coldReset();
    await selectPurse(purse);
    const lseq = await sendRaw(purse, readRecordCommand(PURSE_SFI.LSEQ, 1));
    if (lseq.sw === 0x9000 && readUint(lseq.data, 0, 2) > request.loadSequence) {
      const after = await readPurseAmounts(purse);
      return { result: 'approved', amount, reason: `${formatAmount(amount)} loaded (confirmed after an interruption)`, balanceBefore: amounts.balance, balanceAfter: after.amounts.balance, loadSequence: request.loadSequence };
    }
    await host.reverseLoad(purseId, approval.traceId);
    return declined(`the load was interrupted (${(err as Error).message}); the account debit was reversed; nothing was loaded`);
  }
}

/** EF_BSEQ and the EF_BLOG records (READ RECORD by SFI, record 1 newest, until 6A83). */
async function readDebitLog(purse: CardTransport): Promise<[number, Bytes[]]> {
  const counter = await sendRaw(purse, readRecordCommand(PURSE_SFI.BSEQ, 1));
  const records: Bytes[] = [];
  for (let n = 1; n <= BLOG_RECORDS; n++) {
    const r = await sendRaw(purse, readRecordCommand(PURSE_SFI.BLOG, n));
    if (r.sw !== 0x9000) break;
    records.push(r.data);
  }
  return [counter.sw === 0x9000 ? readUint(counter.data, 0, 2) : 0, records];
}
