/**
 * The transaction log (EMV Book 3 Annex D): a cyclic file at SFI 11 (Log Entry
 * 9F4D = 0B nn in the FCI), each record the concatenated values named by the
 * Log Format (9F4F), newest first, readable with READ RECORD.
 */
import { type Bytes, concat, toHex, uintBytes } from '../../apdu/index.js';
import { viewDol } from '../dol-view.js';
import type { CardEngine } from '../engine.js';
import { LOG_FORMAT } from '../personalise.js';

const logView = viewDol(LOG_FORMAT);

export function appendLogEntry(card: CardEngine, cdol1Data: Bytes, cid: number): void {
  const max = card.profile.logRecords;
  if (max <= 0) return;
  const parts: Bytes[] = [];
  for (const [tag, { length }] of logView.entries) {
    if (tag === '9F36') parts.push(uintBytes(card.nv.atc, 2));
    else if (tag === '9F27') parts.push(Uint8Array.of(cid));
    else {
      const e = card.layout.cdol1.entries.get(tag);
      const v = e && e.length === length && e.offset + length <= cdol1Data.length ? cdol1Data.subarray(e.offset, e.offset + length) : new Uint8Array(length);
      parts.push(v);
    }
  }
  card.nv.log.unshift(toHex(concat(...parts)));
  if (card.nv.log.length > max) card.nv.log.length = max;
}
