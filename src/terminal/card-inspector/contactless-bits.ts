/**
 * Named bits of the contactless qualifiers, decoded here until src/apdu's
 * dictionary carries them (engineer "cli" adds 9F66/9F6C decoders there).
 * Bit names are facts published in open implementations: the TTQ as tagged in
 * emerald79/libpay src/libemv/emv_ep.c and openemv/emv-utils src/emv_fields.h
 * (citing Book A Table 5-4); the CTQ and the Visa Form Factor Indicator as listed
 * in openemv/emv-utils src/emv_fields.h (citing Book C-3 Annex A.2). Only the
 * meaning of each bit is used; what a kernel does with them is not implemented.
 */
import { type BitDef, explainBits } from '../../apdu/bitmaps-core.js';
import { type Bytes, toHex } from '../../apdu/bytes.js';

/** Terminal Transaction Qualifiers (9F66), Book A Table 5-4. */
export const TTQ_BITS: readonly BitDef[] = [
  { name: 'magStripeModeSupported', byte: 1, mask: 0x80, description: 'Mag-stripe mode supported' },
  { name: 'emvModeSupported', byte: 1, mask: 0x20, description: 'EMV mode supported' },
  { name: 'emvContactChipSupported', byte: 1, mask: 0x10, description: 'EMV contact chip supported' },
  { name: 'offlineOnlyReader', byte: 1, mask: 0x08, description: 'Offline-only reader' },
  { name: 'onlinePinSupported', byte: 1, mask: 0x04, description: 'Online PIN supported' },
  { name: 'signatureSupported', byte: 1, mask: 0x02, description: 'Signature supported' },
  { name: 'odaForOnlineSupported', byte: 1, mask: 0x01, description: 'Offline Data Authentication for online authorisations supported' },
  { name: 'onlineCryptogramRequired', byte: 2, mask: 0x80, description: 'Online cryptogram required' },
  { name: 'cvmRequired', byte: 2, mask: 0x40, description: 'CVM required' },
  { name: 'contactChipOfflinePinSupported', byte: 2, mask: 0x20, description: '(Contact chip) offline PIN supported' },
  { name: 'issuerUpdateProcessingSupported', byte: 3, mask: 0x80, description: 'Issuer Update Processing supported' },
  { name: 'consumerDeviceCvmSupported', byte: 3, mask: 0x40, description: 'Consumer Device CVM supported' },
];

/** Card Transaction Qualifiers (9F6C). */
export const CTQ_BITS: readonly BitDef[] = [
  { name: 'onlinePinRequired', byte: 1, mask: 0x80, description: 'Online PIN required' },
  { name: 'signatureRequired', byte: 1, mask: 0x40, description: 'Signature required' },
  { name: 'onlineIfOdaFails', byte: 1, mask: 0x20, description: 'Go online if offline data authentication fails and reader is online capable' },
  { name: 'switchInterfaceIfOdaFails', byte: 1, mask: 0x10, description: 'Switch interface if offline data authentication fails and reader supports contact chip' },
  { name: 'onlineIfApplicationExpired', byte: 1, mask: 0x08, description: 'Go online if application expired' },
  { name: 'switchInterfaceForCash', byte: 1, mask: 0x04, description: 'Switch interface for cash transactions' },
  { name: 'switchInterfaceForCashback', byte: 1, mask: 0x02, description: 'Switch interface for cashback transactions' },
  { name: 'notValidForContactlessAtm', byte: 1, mask: 0x01, description: 'Not valid for contactless ATM transactions' },
  { name: 'consumerDeviceCvmPerformed', byte: 2, mask: 0x80, description: 'Consumer Device CVM performed' },
  { name: 'issuerUpdateProcessingSupported', byte: 2, mask: 0x40, description: 'Card supports Issuer Update Processing at the POS' },
];

/** Applications whose 9F6C is the CTQ: Visa (Book C-3) and UnionPay (Book C-7). */
const CTQ_RIDS = ['A000000003', 'A000000333'];

const FORM_FACTORS: Record<number, string> = { 0: 'card', 1: 'mini-card', 2: 'non-card form factor', 3: 'consumer mobile phone', 4: 'wrist-worn device' };

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
    return [`Form Factor Indicator version ${b1 >> 5}`, `form factor: ${FORM_FACTORS[b1 & 0x1f] ?? `code ${b1 & 0x1f}`}`, `features byte 2: ${toHex(value.subarray(1, 2))}`];
  }
  return undefined;
}
