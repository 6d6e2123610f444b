/**
 * Resolving an interrupted payment (modelled protocol, see protocol.ts). Once
 * the merchant card has authorised a debit it keeps it PENDING in its
 * non-volatile memory until the purse proves, with a MAC under its card key
 * over a fresh merchant challenge, whether the debit with that sequence number
 * happened (then the merchant card credits it) or not (then it drops it). The
 * purse closes any open debit session before answering, so a "not done" can
 * never turn into a debit later. Whatever step the power was lost at, money is
 * neither created nor lost, and no debit is credited twice. A payment whose
 * purse went away is parked by the merchant card (merchant-commands.ts) and
 * resolved when that purse comes back, or by the clearing side.
 */
import { type Bytes, equal, readUint, toHex } from '../../apdu/index.js';
import { GELDKARTE_SW } from '../../apdu/index.js';
import type { CardTransport } from '../../apdu/index.js';
import {
  GeldkarteError,
  KIND_P1,
  describeStatus,
  MERCHANT_CMD,
  PURSE_CMD,
  PURSE_SFI,
  type PaymentKind,
  merchantCommand,
  purseCommand,
  readRecordCommand,
  selectMerchant,
  selectPurse,
  send,
  sendRaw,
} from './protocol.js';
import { formatAmount } from './records.js';

export interface MerchantStatus {
  merchantId: Bytes;
  hseq: number;
  sseq: number;
  count: number;
  debitTotal: number;
  refundTotal: number;
  pending: boolean;
  /** Interrupted payments parked on the merchant card (0 on cards that do not say). */
  parked: number;
}

export async function readMerchantStatus(merchant: CardTransport): Promise<MerchantStatus> {
  await selectMerchant(merchant);
  const d = await send(merchant, 'merchant STATUS', merchantCommand(MERCHANT_CMD.STATUS, 0));
  if (d.length < 33) throw new GeldkarteError('GELDKARTE_FORMAT', `${merchant.name}: STATUS answer of ${d.length} bytes, 33 expected`);
  return {
    merchantId: d.slice(0, 10),
    hseq: readUint(d, 10, 4),
    sseq: readUint(d, 14, 4),
    count: readUint(d, 18, 4),
    debitTotal: Number(toHex(d.subarray(22, 27))),
    refundTotal: Number(toHex(d.subarray(27, 32))),
    pending: d[32] === 1,
    parked: d[33] ?? 0,
  };
}

export type RecoveryResult =
  | { pending: false; note?: string }
  | { pending: true; kind: PaymentKind; amount: number; hseq: number; bseq: number; completed: boolean; message: string };

/**
 * Resolves the merchant card's pending payment against the purse (both
 * transports). A payment pending for ANOTHER purse is left alone: the merchant
 * card parks it at the next START and keeps trading (that purse may be gone).
 */
export async function resolvePending(purse: CardTransport, merchant: CardTransport): Promise<RecoveryResult> {
  const status = await readMerchantStatus(merchant);
  if (!status.pending) return { pending: false };
  const p = await send(merchant, 'merchant GET PENDING', merchantCommand(MERCHANT_CMD.GET_PENDING, 0));
  const purseId = await readPurseId(purse);
  if (!equal(purseId, p.subarray(1, 11))) return { pending: false };
  const r = await resolveAgainstPurse(purse, merchant, status.merchantId, p);
  // The purse log no longer holds it (9405): the merchant card parks it at the next START.
  if (r === 'unknown') return { pending: false, note: `interrupted payment (merchant sequence ${readUint(p, 11, 4)}): the purse log no longer holds it; parked for the clearing side` };
  return r;
}

/**
 * Resolves early the payments the merchant card parked for this purse (DEBIT
 * STATUS while the purse's EF_BLOG still holds the record). Those the purse can
 * no longer tell (9405, log rolled over) stay parked for the clearing side.
 * Returns one note per payment looked at.
 */
export async function resolveParked(purse: CardTransport, merchant: CardTransport): Promise<string[]> {
  const status = await readMerchantStatus(merchant);
  if (status.parked === 0) return [];
  const purseId = await readPurseId(purse);
  const notes: string[] = [];
  for (let index = 0; index < status.parked + 1; ) {
    await selectMerchant(merchant);
    const g = await sendRaw(merchant, merchantCommand(MERCHANT_CMD.GET_PENDING, 0, Uint8Array.from([...purseId, index])));
    if (g.sw === GELDKARTE_SW.NO_DATA) break;
    if (g.sw !== GELDKARTE_SW.OK) throw new GeldkarteError('GELDKARTE_STATUS', `${merchant.name}: merchant GET PENDING answered ${describeStatus(g.sw)}`, g.sw);
    await selectPurse(purse);
    const r = await resolveAgainstPurse(purse, merchant, status.merchantId, g.data);
    if (r === 'unknown') {
      notes.push(`parked ${g.data[0] === KIND_P1.refund ? 'refund' : 'debit'} of ${formatAmount(Number(toHex(g.data.subarray(17, 20))))} (merchant sequence ${readUint(g.data, 11, 4)}): the purse log no longer holds it; left to the clearing side`);
      index++; // stays parked; the next one of this purse has the next index
    } else {
      notes.push(r.message);
    }
  }
  return notes;
}

async function readPurseId(purse: CardTransport): Promise<Bytes> {
  await selectPurse(purse);
  const id = await send(purse, 'READ RECORD EF_ID', readRecordCommand(PURSE_SFI.ID, 1));
  return id.slice(0, 10);
}

/** DEBIT STATUS for the payment a GET PENDING answer names, then CONFIRM its receipt; 'unknown' on 9405. */
async function resolveAgainstPurse(purse: CardTransport, merchant: CardTransport, merchantId: Bytes, p: Bytes): Promise<Extract<RecoveryResult, { pending: true }> | 'unknown'> {
  const kind: PaymentKind = p[0] === KIND_P1.refund ? 'refund' : 'debit';
  const hseq = p.slice(11, 15);
  const bseq = p.slice(15, 17);
  const amount = Number(toHex(p.subarray(17, 20)));
  const challenge = p.slice(20, 28);
  const r = await sendRaw(purse, purseCommand(PURSE_CMD.DEBIT_STATUS, kind === 'refund' ? 1 : 0, Uint8Array.from([...merchantId, ...hseq, ...bseq, ...challenge])));
  if (r.sw === GELDKARTE_SW.OUTCOME_UNKNOWN) return 'unknown';
  if (r.sw !== 0x9000) {
    throw new GeldkarteError('PENDING_UNRESOLVED', `${purse.name}: cannot tell whether the interrupted ${kind} happened (${describeStatus(r.sw)})`, r.sw);
  }
  const answer = await send(merchant, 'merchant CONFIRM', merchantCommand(MERCHANT_CMD.CONFIRM, 0, r.data.subarray(0, 14)));
  const completed = answer[0] === 0x01;
  const n = readUint(hseq, 0, 4);
  return {
    pending: true,
    kind,
    amount,
    hseq: n,
    bseq: readUint(bseq, 0, 2),
    completed,
    message: completed
      ? `interrupted ${kind} of ${formatAmount(amount)} (merchant sequence ${n}) had reached the purse: now recorded on the merchant card`
      : `interrupted ${kind} of ${formatAmount(amount)} (merchant sequence ${n}) never reached the purse: dropped`,
  };
}
