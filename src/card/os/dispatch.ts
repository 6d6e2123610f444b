/**
 * The card operating system's command loop: APDU decoding, class and
 * instruction checks (ISO/IEC 7816-4 §5.1, §5.6: 6E00 class not supported,
 * 6D00 instruction not supported, 6700 wrong length), routing, and the T=0
 * transport rules a real T=0 card applies (EMV Book 1 §9.3, Annex A):
 *   case 4 with response data  -> 61xx, data kept for GET RESPONSE
 *   case 4 with a warning      -> the warning alone, data kept for GET RESPONSE
 *   case 2 with a wrong Le     -> 6Cxx (xx = the exact length)
 *   GET RESPONSE               -> the pending data (61xx while more remains, 6Cxx on a wrong Le)
 * A blocked card answers 6A81 to everything (Book 1 §12.3.2, Book 3 §6.5.3).
 */
import { type Bytes, encodeResponse } from '../../apdu/index.js';
import { type DecodedCommand, decodeCommand } from '../../apdu/index.js';
import { ApduError } from '../../apdu/index.js';
import { appletAnswer } from './applets.js';
import { routeCommand } from './routes.js';
import { type Answer, type CardEngine, sw } from '../engine.js';

const INS_GET_RESPONSE = 0xc0;

function encode(a: Answer): Bytes {
  return encodeResponse(a.data, a.sw);
}

function lengthByte(n: number): number {
  return n >= 256 ? 0x00 : n;
}

/** Processes one command APDU; never throws for any input bytes. */
export function processApdu(card: CardEngine, raw: Bytes): Bytes {
  let cmd: DecodedCommand;
  try {
    cmd = decodeCommand(raw, { allowExtended: card.protocol === 'T=1' });
  } catch (err) {
    if (err instanceof ApduError) {
      card.v.pendingResponse = undefined;
      return encode(sw(raw.length >= 1 && raw[0] === 0xff ? 0x6e00 : 0x6700));
    }
    throw err;
  }
  if (card.nv.cardBlocked) {
    card.v.pendingResponse = undefined;
    return encode(sw(0x6a81));
  }
  const t0 = card.protocol === 'T=0';
  if (cmd.ins === INS_GET_RESPONSE && (cmd.cla === 0x00 || cmd.cla === 0x80)) return encode(getResponse(card, cmd, t0));
  card.v.pendingResponse = undefined;
  const answer = appletAnswer(card, cmd) ?? routeCommand(card, cmd);
  if (!t0 || answer.data.length === 0) return encode(answer);

  if (cmd.data.length > 0) {
    // Case 4 over T=0: the answer waits for GET RESPONSE.
    card.v.pendingResponse = answer.data;
    if (answer.sw !== 0x9000) return encode(sw(answer.sw));
    return encode(sw(0x6100 | lengthByte(answer.data.length)));
  }
  // Case 2 (or case 1, read as Le = 256): Le must be the exact length.
  const le = cmd.le ?? 256;
  if (le !== answer.data.length) {
    card.v.pendingResponse = undefined;
    return encode(sw(0x6c00 | lengthByte(answer.data.length)));
  }
  return encode(answer);
}

function getResponse(card: CardEngine, cmd: DecodedCommand, t0: boolean): Answer {
  const pending = card.v.pendingResponse;
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return sw(0x6a86);
  if (!t0 || !pending) {
    card.v.pendingResponse = undefined;
    return sw(0x6985);
  }
  const le = cmd.le ?? 256;
  if (le > pending.length) return sw(0x6c00 | lengthByte(pending.length));
  const part = pending.slice(0, le);
  const rest = pending.slice(le);
  card.v.pendingResponse = rest.length > 0 ? rest : undefined;
  if (rest.length > 0) return { data: part, sw: 0x6100 | lengthByte(rest.length) };
  return { data: part, sw: 0x9000 };
}
