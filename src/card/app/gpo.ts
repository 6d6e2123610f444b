/**
 * GET PROCESSING OPTIONS (EMV Book 3 §6.5.8): the command data is the
 * Command Template '83' holding the PDOL-related data (empty without a PDOL);
 * the answer is the AIP and the AFL, format 1 ('80': AIP || AFL) or format 2
 * ('77' with 82 and 94). GPO is accepted once per application selection.
 *
 * The ATC (9F36) is counted here by default: GPO "initiates the transaction within the ICC"
 * (Book 3 §6.5.8), and the count has to be settled before any cryptogram over it (Book 2 §8.1.1).
 * No public VIS/M/Chip/CPA text states the point of the increment (the specifications are
 * licensed); the public evidence is indirect (docs/card-images.md, "Sources"): a recorded Visa
 * contactless session returns 9F36 already in the GPO answer (test/vectors/contactless/
 * visa-debit-fdda-session.json, from vindastar/Android_HCE_Emulate_A_CreditCard), and issuer-side
 * practitioners describe "the chip increments the ATC every time you issue a Get Processing
 * Options" (https://stackoverflow.com/q/44214607). For contact M/Chip/VIS cards this stays a
 * documented assumption, not a cited rule.
 * Profile `atcIncrement: first-generate-ac` keeps the older point (generate-ac.ts).
 */
import { concat, fromHex } from '../../apdu/index.js';
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
  if (countsAtcAtGpo(card)) {
    // The ATC cannot wrap (Book 3 Annex A 9F36: a wrapped ATC would repeat cryptogram inputs):
    // an exhausted counter ends the application's life, answered 6985.
    if (card.nv.atc >= 0xffff) return sw(0x6985);
    card.nv.atc += 1;
    card.commit(); // durable before any data of this transaction leaves the card
  }
  card.v.pdolData = data.slice(1 + size);
  card.v.phase = 'gpo-done';
  if (card.profile.raw?.gpoResponse !== undefined) return ok(fromHex(card.profile.raw.gpoResponse));
  const { aip, afl } = card.layout;
  if (card.profile.gpoFormat === 1) return ok(encodeTlv('80', afl ? concat(aip, afl) : aip));
  return ok(encodeTlv('77', [{ tag: '82', value: aip }, ...(afl ? [{ tag: '94', value: afl }] : [])]));
}

/** Whether this card counts the ATC at GET PROCESSING OPTIONS (the default) rather than at the first GENERATE AC. */
export function countsAtcAtGpo(card: CardEngine): boolean {
  return card.profile.atcIncrement !== 'first-generate-ac';
}
