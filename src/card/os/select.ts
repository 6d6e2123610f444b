/**
 * SELECT by DF name (ISO/IEC 7816-4 §7.1.1; EMV Book 1 §11.3, Book 3 §6.5.11):
 *   P1 04 (select by name); P2 b2b1 00 first occurrence / 10 next occurrence,
 *   P2 b4b3 00 return FCI / 11 no response data (ISO). Anything else: 6A86.
 * The name may be a partial AID: every AID starting with it matches, in the
 * order the applications were personalised (Book 1 §12.3.3 "partial name
 * selection"); "next occurrence" continues after the current match.
 * A blocked application answers 6283 with its FCI (Book 3 §10.1, Book 1 §12.3.2).
 */
import { type Bytes, equal, fromHex } from '../../apdu/index.js';
import type { DecodedCommand } from '../../apdu/index.js';
import { type Answer, type CardEngine, sw } from '../engine.js';
import { PSE_NAME } from '../personalise.js';
import { startTransaction } from '../state.js';
import { PPSE_NAME, reachableOver } from './ppse.js';

function startsWith(aid: Bytes, prefix: Bytes): boolean {
  if (prefix.length > aid.length) return false;
  for (let i = 0; i < prefix.length; i++) if (aid[i] !== prefix[i]) return false;
  return true;
}

export function select(card: CardEngine, cmd: DecodedCommand): Answer {
  if (cmd.p1 !== 0x04) return sw(0x6a86);
  const occurrence = cmd.p2 & 0x03;
  const fciOption = cmd.p2 & 0x0c;
  if ((cmd.p2 & 0xf0) !== 0 || (occurrence !== 0x00 && occurrence !== 0x02) || (fciOption !== 0x00 && fciOption !== 0x0c)) {
    return sw(0x6a86);
  }
  const name = cmd.data;
  if (name.length < 1 || name.length > 16) return sw(0x6700);
  const wantFci = fciOption === 0x00;
  const p = card.profile;

  if (equal(name, PPSE_NAME)) {
    // The PPSE exists on the contactless interface only (os/ppse.ts).
    const fci = card.layout.ppseFci;
    if (card.iface !== 'contactless' || !fci || occurrence === 0x02) return sw(0x6a82);
    card.v.selected = 'ppse';
    card.v.lastSelectName = name;
    card.v.phase = undefined;
    return { data: wantFci ? fci : new Uint8Array(0), sw: 0x9000 };
  }

  if (p.pse && equal(name, PSE_NAME)) {
    // A dual-interface card offers the PSE over its contacts only (os/ppse.ts).
    if (occurrence === 0x02 || card.iface === 'contactless') return sw(0x6a82); // only one PSE
    card.v.selected = 'pse';
    card.v.lastSelectName = name;
    card.v.phase = undefined;
    return { data: wantFci ? card.layout.pseFci : new Uint8Array(0), sw: 0x9000 };
  }

  const aids = p.applications.map((a) => fromHex(a.aid));
  let start = 0;
  if (occurrence === 0x02) {
    // Next occurrence: continue after the application currently selected with this name.
    const current = card.selectedApplication;
    if (current === undefined || !card.v.lastSelectName || !equal(card.v.lastSelectName, name)) {
      start = 0;
    } else {
      start = current + 1;
    }
  }
  let hit = -1;
  for (let i = start; i < aids.length; i++) {
    if (!reachableOver(p.applications[i]!, card.iface)) continue;
    if (name.length >= 5 ? startsWith(aids[i]!, name) : equal(aids[i]!, name)) {
      hit = i;
      break;
    }
  }
  if (hit < 0) return sw(0x6a82);
  card.v.selected = hit;
  card.v.lastSelectName = name;
  startTransaction(card.v);
  const fci = wantFci ? card.layout.appFci[hit]! : new Uint8Array(0);
  return { data: fci, sw: card.nv.applicationBlocked ? 0x6283 : 0x9000 };
}
