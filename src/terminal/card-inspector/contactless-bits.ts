/**
 * The contactless qualifiers explained for the card inspector: the bit tables live in
 * src/apdu/bitmaps-contactless.ts (the tag decoders of `tlv decode` use them too).
 * Bit names are facts published in open implementations: the TTQ as tagged in
 * emerald79/libpay src/libemv/emv_ep.c and openemv/emv-utils src/emv_fields.h
 * (citing Book A Table 5-4); the CTQ and the Visa Form Factor Indicator as listed
 * in openemv/emv-utils src/emv_fields.h (citing Book C-3 Annex A.2). Only the
 * meaning of each bit is used; what a kernel does with them is not implemented.
 */
import { explainBits } from '../../apdu/index.js';
import { CTQ_BITS, TTQ_BITS, VISA_FORM_FACTORS } from '../../apdu/index.js';
import { type Bytes, toHex } from '../../apdu/index.js';

// One definition of the bits, in src/apdu (the tag decoders use it too).
export { CTQ_BITS, TTQ_BITS } from '../../apdu/index.js';

/** Applications whose 9F6C is the CTQ: Visa (Book C-3) and UnionPay (Book C-7). */
const CTQ_RIDS = ['A000000003', 'A000000333'];

/** Lines explaining a qualifier value; undefined for tags this module does not decode. */
export function explainContactlessTag(tag: string, value: Bytes, aid: string | undefined): string[] | undefined {
  // Mastercard uses 9F6E for Third Party Data and reuses 9F66 (2 bytes, PUNATC) and 9F6C (Mag Stripe Application Version Number)
  // in their records: decode only the Entry Point / Visa / UnionPay meanings.
  if (tag === '9F66') return value.length === 4 ? explainBits(value, TTQ_BITS) : undefined;
  if (tag === '9F6C') return value.length === 2 && CTQ_RIDS.some((r) => aid?.startsWith(r)) ? explainBits(value, CTQ_BITS) : undefined;
  if (tag === '9F6E') {
    // Visa: Form Factor Indicator; Mastercard uses 9F6E for Third Party Data (not decoded).
    if (!aid?.startsWith('A000000003') || value.length !== 4) return undefined;
    const b1 = value[0]!;
    return [`Form Factor Indicator version ${b1 >> 5}`, `form factor: ${VISA_FORM_FACTORS[b1 & 0x1f] ?? `code ${b1 & 0x1f}`}`, `features byte 2: ${toHex(value.subarray(1, 2))}`];
  }
  return undefined;
}
