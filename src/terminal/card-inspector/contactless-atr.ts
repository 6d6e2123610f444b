/**
 * What a PC/SC reader's ATR says about a contactless card. PC/SC readers have no
 * real ATR from a contactless card; they synthesise one (PC/SC Specification
 * Part 3 §3.1.3.2.3, as documented in the ACS ACR122U/ACR122T API manuals,
 * "ATR format for ISO 14443 Part 3 / Part 4 PICCs"):
 *   ISO/IEC 14443-4 card (APDUs work):  3B 8n 80 01 <historical bytes of the ATS or ATQB> TCK
 *   storage card (ISO/IEC 14443-3 only: MIFARE Classic, Ultralight, ...):
 *                                       3B 8F 80 01 80 4F 0C A0 00 00 03 06 <SS> <NN NN> 00 00 00 00 TCK
 *                                       (RID A0 00 00 03 06 = the PC/SC workgroup)
 * A storage card answers no EMV command: readers such as the ACR122U return
 * 6300 or 6A81 to a SELECT, which looks like a card without PPSE. The inspector
 * says what it is instead.
 */
import { type Bytes, toHex } from '../../apdu/index.js';
import { EmvsimError } from '../../apdu/index.js';

export type ContactlessAtrKind = 'iso14443-4' | 'storage-card' | 'not-contactless';

export function classifyContactlessAtr(atr: Bytes): ContactlessAtrKind {
  if (atr.length < 5 || atr[0] !== 0x3b || (atr[1]! & 0xf0) !== 0x80 || atr[2] !== 0x80 || atr[3] !== 0x01) return 'not-contactless';
  if (atr.length >= 12 && atr[4] === 0x80 && atr[5] === 0x4f && toHex(atr.subarray(7, 12)) === 'A000000306') return 'storage-card';
  return 'iso14443-4';
}

/** The card in the field is not an ISO/IEC 14443-4 card: it cannot run a payment application. */
export class NotIsoDepCardError extends EmvsimError {
  constructor(atr: Bytes) {
    super('NOT_ISO14443_4', `the card is a contactless storage card (ATR ${toHex(atr)}, PC/SC Part 3 storage-card format), not an ISO/IEC 14443-4 payment card: it answers no APDU`);
  }
}
