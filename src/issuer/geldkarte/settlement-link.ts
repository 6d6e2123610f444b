/**
 * The merchant terminal's link to the clearing (end of day), safe at every kill point. The merchant
 * card's SETTLE commits the new summary sequence number at once, so a summary the card has closed but
 * the clearing never received would be lost to the next SETTLE. As an acquirer link does, the
 * terminal keeps an outbox (store and forward):
 *   1. before SETTLE it writes durably "summary N of merchant card M is being closed" (N = the card's
 *      next summary sequence number, read with STATUS);
 *   2. after SETTLE it keeps the summary bytes in the outbox;
 *   3. it submits the summary; the clearing refuses a summary it already holds (same merchant card and
 *      summary sequence number), so delivering twice is harmless;
 *   4. once the clearing has answered (accepted or refused: its answer is final) the outbox is emptied.
 * The next `settle` first delivers what the outbox still holds: the kept bytes, or, if the process died
 * between 1 and 2, the card's LAST SUMMARY when the card's sequence number shows that SETTLE committed.
 */
import { type CardTransport, DocumentError, fromHex, toHex } from '../../apdu/index.js';
import { type ClearingHost, type SettlementResult, type SettlementSummary, decodeSummary, fetchSummary, readMerchantStatus } from '../../terminal/geldkarte/index.js';
import { killPoint } from './kill-point.js';

/** The outbox's content: a summary being closed (no `raw` yet) or closed and not yet delivered. */
export interface PendingSummary {
  format: 'emvsim-geldkarte-pending-summary';
  merchantId: string;
  summarySequence: number;
  /** The summary bytes (hex), once the merchant card has answered SETTLE. */
  raw?: string;
}

/** Durable storage of at most one pending summary (the file store is in files.ts). */
export interface SummaryOutbox {
  /** Where it lives, for messages. */
  readonly name: string;
  read(): PendingSummary | undefined;
  write(pending: PendingSummary): void;
  clear(): void;
}

export function memoryOutbox(): SummaryOutbox {
  let kept: PendingSummary | undefined;
  return { name: 'memory', read: () => kept, write: (p) => void (kept = p), clear: () => void (kept = undefined) };
}

export interface Delivery {
  summary: SettlementSummary;
  result: SettlementResult;
}

export interface SettleDayResult extends Delivery {
  /** A summary an earlier, interrupted `settle` had closed and not delivered; delivered first. */
  recovered?: Delivery;
}

/** Delivers the summary left in the outbox, if any; undefined when there was none (or SETTLE never committed). */
export async function deliverPending(merchant: CardTransport, clearing: ClearingHost, outbox: SummaryOutbox): Promise<Delivery | undefined> {
  const pending = outbox.read();
  if (!pending) return undefined;
  let raw = pending.raw !== undefined ? fromHex(pending.raw) : undefined;
  if (!raw) {
    const status = await readMerchantStatus(merchant);
    if (toHex(status.merchantId) !== pending.merchantId) {
      throw new DocumentError(`the pending summary is of merchant card ${pending.merchantId}, not of ${toHex(status.merchantId)}`, { file: outbox.name, field: 'merchantId' });
    }
    if (status.sseq === pending.summarySequence) {
      outbox.clear(); // SETTLE never committed: nothing was closed, nothing to deliver
      return undefined;
    }
    raw = await fetchSummary(merchant, { last: true });
    if (decodeSummary(raw).summarySequence !== pending.summarySequence) {
      throw new DocumentError(
        `summary ${pending.summarySequence} of merchant card ${pending.merchantId} was closed and never delivered, and the card has moved on to summary ${status.sseq}: it can no longer be fetched`,
        { file: outbox.name, field: 'summarySequence' },
      );
    }
  }
  const result = await clearing.submit(raw);
  killPoint('settle-pending-delivered');
  outbox.clear();
  return { summary: decodeSummary(raw), result };
}

/**
 * End of day through the outbox: delivers a pending summary first, then closes the day (or, with
 * `resubmitLast`, submits the last summary again) and delivers the new summary.
 */
export async function settleDay(merchant: CardTransport, clearing: ClearingHost, outbox: SummaryOutbox, options: { resubmitLast?: boolean } = {}): Promise<SettleDayResult> {
  const recovered = await deliverPending(merchant, clearing, outbox);
  const withRecovered = <T extends Delivery>(d: T): T & SettleDayResult => ({ ...d, ...(recovered ? { recovered } : {}) });
  if (options.resubmitLast) {
    const raw = await fetchSummary(merchant, { last: true });
    return withRecovered({ summary: decodeSummary(raw), result: await clearing.submit(raw) });
  }
  const status = await readMerchantStatus(merchant);
  const intent: PendingSummary = { format: 'emvsim-geldkarte-pending-summary', merchantId: toHex(status.merchantId), summarySequence: status.sseq };
  outbox.write(intent);
  killPoint('settle-intent-written');
  const raw = await fetchSummary(merchant);
  killPoint('settle-card-committed');
  outbox.write({ ...intent, raw: toHex(raw) });
  killPoint('settle-summary-kept');
  const result = await clearing.submit(raw);
  killPoint('settle-clearing-written');
  outbox.clear();
  killPoint('settle-outbox-cleared');
  return withRecovered({ summary: decodeSummary(raw), result });
}

/** The kill points of settleDay, in order (crash-safety tests walk them all). */
export const SETTLE_KILL_POINTS = ['settle-intent-written', 'settle-card-committed', 'settle-summary-kept', 'settle-clearing-written', 'settle-outbox-cleared'] as const;
