/**
 * GET PROCESSING OPTIONS (EMV Book 3 §6.5.8): the command data is the
 * Command Template '83' holding the PDOL-related data (empty without a PDOL);
 * the answer is the AIP and the AFL, format 1 ('80': AIP || AFL) or format 2
 * ('77' with 82 and 94). GPO is accepted once per application selection.
 */
import { concat } from '../../apdu/index.js';
import type { DecodedCommand } from '../../apdu/index.js';
import { TlvError } from '../../apdu/index.js';
import { encodeTlv, readLength } from '../../apdu/index.js';
import { type Answer, type CardEngine, ok, sw } from '../engine.js';

export function getProcessingOptions(card: CardEngine, cmd: DecodedCommand): Answer {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return sw(0x6a86);
  if (card.selectedApplication === undefined) return sw(0x6985);
  if (card.v.phase !== 'selected') return sw(0x6985); // GPO twice, or after GENERATE AC
  const data = cmd.data;
  if (data.length < 2) return sw(0x6700);
  if (data[0] !== 0x83) return sw(0x6a80);
  let length: number;
  let size: number;
  try {
    ({ length, size } = readLength(data, 1));
  } catch (err) {
    if (err instanceof TlvError) return sw(0x6700);
    throw err;
  }
  if (1 + size + length !== data.length) return sw(0x6700);
  // Book 3 §6.5.8.3: the PDOL-related data must be exactly as long as the PDOL asks.
  if (length !== card.layout.pdol.length) return sw(0x6700);
  card.v.pdolData = data.slice(1 + size);
  card.v.phase = 'gpo-done';
  const { aip, afl } = card.layout;
  if (card.profile.gpoFormat === 1) return ok(encodeTlv('80', concat(aip, afl)));
  return ok(encodeTlv('77', [
    { tag: '82', value: aip },
    { tag: '94', value: afl },
  ]));
}
