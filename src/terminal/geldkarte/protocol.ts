/**
 * The terminal's view of the GeldKarte command set: the real read side
 * (SELECT by AID, READ RECORD by SFI, docs/sources.md §1) and the
 * MODELLED proprietary side (CLA E0 purse, CLA 90 merchant card; the ZKA never
 * published these). The bytes themselves live in src/apdu/geldkarte-protocol.ts,
 * shared with the card side (card and terminal only meet at the APDU layer).
 */
import { type Bytes, fromHex } from '../../apdu/index.js';
import { type CommandApdu, swHex } from '../../apdu/index.js';
import { EmvsimError } from '../../apdu/index.js';
import { exchange } from '../../apdu/index.js';
import { GELDKARTE_SW as SW, MERCHANT_AID, MERCHANT_CLA, PURSE_AIDS, PURSE_CLA } from '../../apdu/index.js';
import type { CardTransport } from '../../apdu/index.js';

// The terminal-side names: PURSE_CMD / MERCHANT_CMD are the instruction bytes of the shared protocol.
export {
  KIND_P1,
  MERCHANT_AID,
  PURSE_AIDS,
  PURSE_SFI,
  MERCHANT_INS as MERCHANT_CMD,
  PURSE_INS as PURSE_CMD,
  type PaymentKind,
} from '../../apdu/index.js';

/** Status words with a meaning for the GeldKarte flow (94xx proprietary, modelled). */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  [SW.SECURITY]: 'security status not satisfied (MAC or authentication cryptogram wrong, or PIN not verified)',
  [SW.PIN_BLOCKED]: 'PIN blocked',
  [SW.CONDITIONS]: 'conditions of use not satisfied (command out of order)',
  [SW.FILE_NOT_FOUND]: 'file or application not found',
  [SW.RECORD_NOT_FOUND]: 'record not found',
  [SW.NO_DATA]: 'no data',
  [SW.BALANCE_INSUFFICIENT]: 'purse balance insufficient',
  [SW.ABOVE_TRANSACTION_MAXIMUM]: 'amount above the purse maximum per transaction',
  [SW.ABOVE_MAXIMUM_BALANCE]: 'the purse maximum balance would be exceeded',
  [SW.OUTCOME_UNKNOWN]: 'outcome unknown: the purse log no longer holds the record',
  [SW.PAYMENT_PENDING]: 'the merchant card has an interrupted payment to resolve first',
  [SW.MERCHANT_TOTAL_INSUFFICIENT]: 'refund above the merchant card total',
  [SW.TOO_MANY_UNRESOLVED]: 'the merchant card holds the maximum of unresolved payments; settle the day first',
};

/** A GeldKarte step failed: the card answered an error status word. */
export class GeldkarteError extends EmvsimError {
  readonly sw: number | undefined;
  constructor(code: string, message: string, sw?: number) {
    super(code, message);
    this.sw = sw;
  }
}

export function describeStatus(sw: number): string {
  return `${swHex(sw)}${STATUS_TEXT[sw] ? ` (${STATUS_TEXT[sw]})` : ''}`;
}

/** Sends a command; returns the response data on 9000, throws GeldkarteError otherwise. */
export async function send(card: CardTransport, what: string, cmd: CommandApdu): Promise<Bytes> {
  const r = await exchange(card, cmd);
  if (r.sw !== SW.OK) throw new GeldkarteError('GELDKARTE_STATUS', `${card.name}: ${what} answered ${describeStatus(r.sw)}`, r.sw);
  return r.data;
}

/** Like send, but returns the status word instead of throwing. */
export async function sendRaw(card: CardTransport, cmd: CommandApdu): Promise<{ data: Bytes; sw: number }> {
  const r = await exchange(card, cmd);
  return { data: r.data, sw: r.sw };
}

export function selectCommand(aid: Bytes, withFci = true): CommandApdu {
  return { cla: 0x00, ins: 0xa4, p1: 0x04, p2: withFci ? 0x00 : 0x0c, data: aid, ...(withFci ? { le: 256 } : {}) };
}

/** READ RECORD, P2 = SFI << 3 | 4 (ISO/IEC 7816-4 §7.3.3). */
export function readRecordCommand(sfi: number, record: number): CommandApdu {
  return { cla: 0x00, ins: 0xb2, p1: record, p2: (sfi << 3) | 0x04, data: new Uint8Array(0), le: 256 };
}

export function purseCommand(ins: number, p1: number, data: Bytes): CommandApdu {
  return { cla: PURSE_CLA, ins, p1, p2: 0x00, data, le: 256 };
}

export function merchantCommand(ins: number, p1: number, data: Bytes = new Uint8Array(0)): CommandApdu {
  return { cla: MERCHANT_CLA, ins, p1, p2: 0x00, data, le: 256 };
}

/** Selects the purse: the EUR AID first, then the legacy one (as CardWerk's reader does). Returns the AID. */
export async function selectPurse(card: CardTransport): Promise<Bytes> {
  let last = 0;
  for (const aid of PURSE_AIDS) {
    const r = await exchange(card, selectCommand(aid));
    if (r.sw === SW.OK || r.sw === 0x6283) return aid;
    last = r.sw;
  }
  throw new GeldkarteError('NO_PURSE', `${card.name}: no GeldKarte purse on this card (SELECT answered ${describeStatus(last)})`, last);
}

export async function selectMerchant(card: CardTransport): Promise<void> {
  await send(card, 'SELECT merchant card application', selectCommand(MERCHANT_AID));
}

/** Date (YYYYMMDD) and time (HHMMSS) as BCD for the logs (the purse has no clock). */
export function logTimestamp(now: Date): { date: Bytes; time: Bytes } {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return {
    date: fromHex(`${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`),
    time: fromHex(`${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`),
  };
}
