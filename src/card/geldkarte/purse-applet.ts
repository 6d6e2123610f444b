/**
 * The GeldKarte purse application on the emulated girocard, plugged into the
 * card OS as an applet (src/card/os/applets.ts). Real side (readable on real
 * cards, docs/sources.md §1):
 *   SELECT 00 A4 04 00|0C 09 D27600002545500200 (EUR) or ...0100 (legacy)
 *   READ RECORD 00 B2 nn (SFI<<3|4): EF_ID 17, EF_BETRAG 18, EF_BOERSE 19, EF_LSEQ 1A,
 *   EF_BSEQ 1B, EF_LLOG 1C, EF_BLOG 1D; record 1 of a cyclic file is the newest;
 *   6A83 after the last record, 6A82 for a file the purse does not have.
 * Modelled side (class E0, see scheme.ts): debit, refund, status, load.
 */
import { concat } from '../../apdu/index.js';
import type { DecodedCommand } from '../../apdu/index.js';
import { encodeTlv } from '../../apdu/index.js';
import { type Answer, type CardEngine, ok, sw } from '../engine.js';
import type { CardApplet } from '../os/applets.js';
import { debit, debitStatus, initialiseDebit } from './purse-debit.js';
import { PURSE_STATE_KEY, purseRecords } from './purse-files.js';
import { initialiseLoad, load, verifyPurse } from './purse-load.js';
import { purseSession, purseState } from './purse-session.js';
import { PURSE_AID_EUR, PURSE_AID_LEGACY, PURSE_CLA, PURSE_INS, SW } from './scheme.js';

function readPurseRecord(card: CardEngine, cmd: DecodedCommand): Answer {
  // P2 = SFI << 3 | 100: record number in P1 (ISO/IEC 7816-4 §7.3.3).
  if ((cmd.p2 & 0x07) !== 0x04 || cmd.p2 >> 3 === 0 || cmd.p1 === 0) return sw(SW.WRONG_P1P2);
  if (cmd.data.length > 0) return sw(SW.WRONG_LENGTH);
  const records = purseRecords(purseState(card), cmd.p2 >> 3);
  if (!records) return sw(SW.FILE_NOT_FOUND);
  const record = records[cmd.p1 - 1];
  return record ? ok(record) : sw(SW.RECORD_NOT_FOUND);
}

const PURSE_HANDLERS: ReadonlyMap<number, (card: CardEngine, cmd: DecodedCommand) => Answer> = new Map([
  [PURSE_INS.INITIALISE_DEBIT, initialiseDebit],
  [PURSE_INS.DEBIT, debit],
  [PURSE_INS.DEBIT_STATUS, debitStatus],
  [PURSE_INS.INITIALISE_LOAD, initialiseLoad],
  [PURSE_INS.LOAD, load],
]);

export const purseApplet: CardApplet = {
  name: PURSE_STATE_KEY,
  aids: [PURSE_AID_EUR, PURSE_AID_LEGACY],

  select(card, aidIndex, cmd) {
    if (!card.nv.applets?.[PURSE_STATE_KEY]) return sw(SW.FILE_NOT_FOUND);
    purseSession(card); // a fresh session: no PIN verified, nothing open
    const aid = this.aids[aidIndex]!;
    const wantFci = (cmd.p2 & 0x0c) === 0x00;
    // FCI: DF name and a proprietary template with the label (ISO/IEC 7816-4 §5.3.3).
    const fci = encodeTlv('6F', concat(encodeTlv('84', aid), encodeTlv('A5', encodeTlv('50', new TextEncoder().encode('GeldKarte')))));
    return { data: wantFci ? fci : new Uint8Array(0), sw: SW.OK };
  },

  handle(card, cmd) {
    if (cmd.cla === 0x00 && cmd.ins === 0xb2) return readPurseRecord(card, cmd);
    if (cmd.cla === 0x00 && cmd.ins === 0x20) return verifyPurse(card, cmd);
    if (cmd.cla === PURSE_CLA) {
      const handler = PURSE_HANDLERS.get(cmd.ins);
      return handler ? handler(card, cmd) : sw(0x6d00);
    }
    return undefined;
  },
};
