/**
 * Resolving an interrupted payment (modelled protocol, see protocol.ts). Once
 * the merchant card has authorised a debit it keeps it PENDING in its
 * non-volatile memory until the purse proves, with a MAC under its card key
 * over a fresh merchant challenge, whether the debit with that sequence number
 * happened (then the merchant card credits it) or not (then it drops it). The
 * purse closes any open debit session before answering, so a "not done" can
 * never turn into a debit later. Whatever step the power was lost at, money is
 * neither created nor lost, and no debit is credited twice.
 */
import { type Bytes, equal, readUint, toHex } from '../../apdu/bytes.js';
import type { CardTransport } from '../../apdu/transport.js';
import {
  GeldkarteError,
  KIND_P1,
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
  };
}

export type RecoveryResult =
  | { pending: false }
  | { pending: true; kind: PaymentKind; amount: number; hseq: number; bseq: number; completed: boolean; message: string };

/** Resolves the merchant card's pending payment against the purse (both transports). */
export async function resolvePending(purse: CardTransport, merchant: CardTransport): Promise<RecoveryResult> {
  const status = await readMerchantStatus(merchant);
  if (!status.pending) return { pending: false };
  const p = await send(merchant, 'merchant GET PENDING', merchantCommand(MERCHANT_CMD.GET_PENDING, 0));
  const kind: PaymentKind = p[0] === KIND_P1.refund ? 'refund' : 'debit';
  const pendingPurse = p.slice(1, 11);
  const hseq = p.slice(11, 15);
  const bseq = p.slice(15, 17);
  const amount = Number(toHex(p.subarray(17, 20)));
  const challenge = p.slice(20, 28);

  await selectPurse(purse);
  const id = await send(purse, 'READ RECORD EF_ID', readRecordCommand(PURSE_SFI.ID, 1));
  if (!equal(id.subarray(0, 10), pendingPurse)) {
    throw new GeldkarteError(
      'PENDING_OTHER_PURSE',
      `${merchant.name}: an interrupted ${kind} of ${formatAmount(amount)} with purse ${toHex(pendingPurse)} must be resolved first; present that purse`,
    );
  }
  const r = await sendRaw(purse, purseCommand(PURSE_CMD.DEBIT_STATUS, kind === 'refund' ? 1 : 0, Uint8Array.from([...status.merchantId, ...hseq, ...bseq, ...challenge])));
  if (r.sw !== 0x9000) {
    throw new GeldkarteError('PENDING_UNRESOLVED', `${purse.name}: cannot tell whether the interrupted ${kind} happened (${r.sw.toString(16).toUpperCase()})`, r.sw);
  }
  const answer = await send(merchant, 'merchant CONFIRM', merchantCommand(MERCHANT_CMD.CONFIRM, 0, r.data.subarray(0, 14)));
  const completed = answer[0] === 0x01;
  return {
    pending: true,
    kind,
    amount,
    hseq: readUint(hseq, 0, 4),
    bseq: readUint(bseq, 0, 2),
    completed,
    message: completed
      ? `interrupted ${kind} of ${formatAmount(amount)} (merchant sequence ${readUint(hseq, 0, 4)}) had reached the purse: now recorded on the merchant card`
      : `interrupted ${kind} of ${formatAmount(amount)} (merchant sequence ${readUint(hseq, 0, 4)}) never reached the purse: dropped`,
  };
}
