/**
 * The terminal's view of the GeldKarte command set: the real read side
 * (SELECT by AID, READ RECORD by SFI, payments-domain-facts.md §1) and the
 * MODELLED proprietary side (CLA E0 purse, CLA 90 merchant card; the ZKA never
 * published these; the card side defines the same bytes in
 * src/card/geldkarte/scheme.ts: card and terminal only meet at the CardTransport).
 */
import { type Bytes, fromHex } from '../../apdu/bytes.js';
import { type CommandApdu, swHex } from '../../apdu/command.js';
import { EmvsimError } from '../../apdu/errors.js';
import { exchange } from '../../apdu/exchange.js';
import type { CardTransport } from '../../apdu/transport.js';

export const PURSE_AIDS = [fromHex('D27600002545500200'), fromHex('D27600002545500100')] as const;
export const MERCHANT_AID = fromHex('D276000025484B0100');

export const PURSE_SFI = { ID: 0x17, BETRAG: 0x18, BOERSE: 0x19, LSEQ: 0x1a, BSEQ: 0x1b, LLOG: 0x1c, BLOG: 0x1d } as const;

export type PaymentKind = 'debit' | 'refund';
export const KIND_P1: Readonly<Record<PaymentKind, number>> = { debit: 0x00, refund: 0x01 };

export const PURSE_CMD = { INITIALISE_DEBIT: 0x50, DEBIT: 0x52, DEBIT_STATUS: 0x54, INITIALISE_LOAD: 0x40, LOAD: 0x42 } as const;
export const MERCHANT_CMD = { START: 0x50, AUTHORISE: 0x52, CONFIRM: 0x54, GET_PENDING: 0x56, SETTLE: 0x70, LAST_SUMMARY: 0x72, STATUS: 0x74 } as const;

/** Status words with a meaning for the GeldKarte flow (94xx proprietary, modelled). */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  0x6982: 'security status not satisfied (MAC or authentication cryptogram wrong, or PIN not verified)',
  0x6983: 'PIN blocked',
  0x6985: 'conditions of use not satisfied (command out of order)',
  0x6a82: 'file or application not found',
  0x6a83: 'record not found',
  0x6a88: 'no data',
  0x9401: 'purse balance insufficient',
  0x9402: 'amount above the purse maximum per transaction',
  0x9403: 'the purse maximum balance would be exceeded',
  0x9405: 'outcome unknown: the purse log no longer holds the record',
  0x9410: 'the merchant card has an interrupted payment to resolve first',
  0x9411: 'refund above the merchant card total',
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
  if (r.sw !== 0x9000) throw new GeldkarteError('GELDKARTE_STATUS', `${card.name}: ${what} answered ${describeStatus(r.sw)}`, r.sw);
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
  return { cla: 0xe0, ins, p1, p2: 0x00, data, le: 256 };
}

export function merchantCommand(ins: number, p1: number, data: Bytes = new Uint8Array(0)): CommandApdu {
  return { cla: 0x90, ins, p1, p2: 0x00, data, le: 256 };
}

/** Selects the purse: the EUR AID first, then the legacy one (as CardWerk's reader does). Returns the AID. */
export async function selectPurse(card: CardTransport): Promise<Bytes> {
  let last = 0;
  for (const aid of PURSE_AIDS) {
    const r = await exchange(card, selectCommand(aid));
    if (r.sw === 0x9000 || r.sw === 0x6283) return aid;
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
