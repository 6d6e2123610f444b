/**
 * Issuer script commands with secure messaging (EMV Book 3 §6.5.1-§6.5.3,
 * §6.5.10, ISO 7816-4 PUT DATA / UPDATE RECORD; Book 2 §9):
 *   84 24 00 00/01/02  PIN UNBLOCK / PIN CHANGE with / without the current PIN (pin-change.ts)
 *   84 1E 00 00     APPLICATION BLOCK        84 18 00 00  APPLICATION UNBLOCK
 *   84 16 00 00     CARD BLOCK
 *   04|84 DA tag    PUT DATA (9F14, 9F23, 9F54)
 *   04|84 DC rec sfi  UPDATE RECORD
 * The MAC (last `scriptMacLength` bytes of the data) is checked over
 * CLA INS P1 P2 Lc || ATC || AC of the first GENERATE AC || data (Book 2 §9.2.1)
 * with the SMI session key (card-crypto.ts scriptSessionKeys: common or VIS keys);
 * a bad MAC is 6988 and marks script processing failed.
 * Scripts are accepted only after the first GENERATE AC of the transaction.
 */
import { type Bytes, constantTimeEqual, toHex, uintBytes } from '../../apdu/index.js';
import type { DecodedCommand } from '../../apdu/index.js';
import { type TagInfo, lookupTag, valueFormatError } from '../../apdu/index.js';
import { decodeTlv } from '../../apdu/index.js';
import { issuerScriptMac, issuerScriptMacInput } from '../../crypto/index.js';
import { type Answer, type CardEngine, sw } from '../engine.js';
import { recordsOf } from '../os/records.js';
import { scriptSessionKeys } from './card-crypto.js';
import { pinChangeUnblock } from './pin-change.js';

export const SCRIPT_INS = new Set([0x24, 0x1e, 0x18, 0x16, 0xda, 0xdc]);

/**
 * The data objects PUT DATA may change, with the format and length each must have: the tag
 * dictionary's (Book 3 Annex A: 9F14, 9F23 b 1), except 9F54, whose dictionary entry covers two
 * scheme meanings; this card is VIS-like, where 9F54 is the Cumulative Total Transaction Amount
 * Limit, n 12 (6 bytes of BCD). A value that does not fit is refused with 6A80 (ISO/IEC 7816-4
 * §5.6: incorrect parameters in the command data field), so the card never stores what it
 * cannot use or load again.
 */
const PUT_DATA_FORMATS: Record<string, Pick<TagInfo, 'format' | 'minLength' | 'maxLength'> | undefined> = {
  '9F14': lookupTag('9F14'),
  '9F23': lookupTag('9F23'),
  '9F54': { format: 'n', minLength: 6, maxLength: 6 },
};

/** The check PUT DATA applies (also used on load, card-image-validate.ts): the reason, or undefined. */
export function putDataValueError(tag: string, value: Bytes): string | undefined {
  const info = PUT_DATA_FORMATS[tag];
  if (!info) return `${tag} cannot be changed by PUT DATA (one of ${Object.keys(PUT_DATA_FORMATS).join(', ')})`;
  return valueFormatError(info, value);
}

/** VIS CVR byte 4 b8-b5 counts issuer script commands in 4 bits: the counter saturates at 15. */
export const MAX_SCRIPT_COMMANDS = 15;

function count(card: CardEngine, failed: boolean): void {
  card.v.scriptCommands = Math.min(card.v.scriptCommands + 1, MAX_SCRIPT_COMMANDS);
  if (failed) card.v.scriptFailed = true;
  card.nv.scriptCommandsLastTransaction = card.v.scriptCommands;
  card.nv.scriptFailedLastTransaction = card.v.scriptFailed;
}

function fail(card: CardEngine, status: number): Answer {
  count(card, true);
  card.commit();
  return sw(status);
}

export function issuerScriptCommand(card: CardEngine, cmd: DecodedCommand): Answer {
  const v = card.v;
  if (card.selectedApplication === undefined || !v.firstAc || (v.phase !== 'first-ac-done' && v.phase !== 'second-ac-done')) {
    return sw(0x6985);
  }
  const macLength = card.profile.cryptogram.scriptMacLength;
  if (cmd.data.length < macLength) return fail(card, 0x6700);
  const body = cmd.data.subarray(0, cmd.data.length - macLength);
  const mac = cmd.data.subarray(cmd.data.length - macLength);
  const keys = scriptSessionKeys(card, v.firstAc);
  const header = Uint8Array.of(cmd.cla, cmd.ins, cmd.p1, cmd.p2, cmd.data.length);
  const expected = issuerScriptMac(keys.smi, issuerScriptMacInput(header, uintBytes(card.nv.atc, 2), v.firstAc, body), macLength);
  if (!constantTimeEqual(expected, mac)) return fail(card, 0x6988);

  const status = execute(card, cmd, body, keys.smc);
  count(card, status !== 0x9000);
  card.commit();
  return sw(status);
}

function execute(card: CardEngine, cmd: DecodedCommand, body: Bytes, smc: Bytes): number {
  const nv = card.nv;
  switch (cmd.ins) {
    case 0x24:
      return pinChangeUnblock(card, cmd, body, smc);
    case 0x1e:
    case 0x18:
    case 0x16:
      if (cmd.p1 !== 0 || cmd.p2 !== 0) return 0x6a86;
      if (body.length !== 0) return 0x6700;
      if (cmd.ins === 0x1e) nv.applicationBlocked = true;
      else if (cmd.ins === 0x18) nv.applicationBlocked = false;
      else nv.cardBlocked = true;
      return 0x9000;
    case 0xda: {
      const tag = toHex(Uint8Array.of(cmd.p1, cmd.p2));
      if (!(tag in PUT_DATA_FORMATS)) return 0x6a88;
      if (putDataValueError(tag, body) !== undefined) return 0x6a80;
      nv.dataOverrides[tag] = toHex(body);
      return 0x9000;
    }
    case 0xdc: {
      if ((cmd.p2 & 0x07) !== 0x04 || cmd.p1 === 0) return 0x6a86;
      const sfi = cmd.p2 >> 3;
      const recs = sfi >= 1 && sfi <= 10 ? recordsOf(card, sfi) : undefined;
      if (!recs) return 0x6a82;
      if (!recs[cmd.p1 - 1]) return 0x6a83;
      try {
        const top = decodeTlv(body, { recursive: false });
        if (top.length !== 1 || top[0]!.tag !== '70') return 0x6a80;
      } catch {
        return 0x6a80;
      }
      nv.recordOverrides[`${sfi}:${cmd.p1}`] = toHex(body);
      return 0x9000;
    }
    default:
      return 0x6d00;
  }
}
