/**
 * Contactless qualifiers, from EMV Contactless Book C-3 (Kernel 3) Annex A and the Visa Contactless
 * Payment Specification as published (docs/sources.md):
 * - Terminal Transaction Qualifiers '9F66' (4 bytes): what the reader supports and requires;
 * - Card Transaction Qualifiers '9F6C' (2 bytes): what the card asks of the reader.
 * And the public parts of '9F6E' (Visa Form Factor Indicator / Mastercard Third Party Data) and
 * '9F7C' (Visa Customer Exclusive Data / Mastercard Merchant Custom Data: proprietary, not decoded).
 */
import { fromBcd, toHex } from './bytes.js';
import { explainBits, type BitDef } from './bitmaps-core.js';
import type { TagScheme } from './tags-aids.js';

/** Terminal Transaction Qualifiers '9F66' (Book A Table 5-4; Book C-3 Annex A). */
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

/** Card Transaction Qualifiers '9F6C' (Book C-3 Annex A.2). */
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

export function explainTtq(v: Uint8Array): string[] {
  return explainBits(v, TTQ_BITS);
}

export function explainCtq(v: Uint8Array): string[] {
  return explainBits(v, CTQ_BITS);
}

/** A scheme-dependent value: a one-line summary and/or lines below it (the shape of pretty.ts's Decoded). */
export interface SchemeReading {
  summary?: string;
  details?: string[];
}

/**
 * '9F6C' by the scheme of the selected application: the Card Transaction Qualifiers for Visa (Book C-3
 * Annex A.2) and UnionPay (Book C-7); for Mastercard the Mag-stripe Application Version Number (Card)
 * (Book C-2 Annex A.1.6, b 2). Without the AID the value is ambiguous and is said to be so, with the
 * CTQ reading offered, not asserted.
 */
export function explain9F6C(v: Uint8Array, scheme: TagScheme | undefined): SchemeReading {
  if (scheme === 'mastercard') return { summary: `mag-stripe application version ${toHex(v)} (Mastercard Mag-stripe Application Version Number (Card))` };
  const bits = explainCtq(v);
  if (scheme !== undefined) return bits.length > 0 ? { details: bits } : { summary: 'no bits set' };
  return {
    summary: 'ambiguous without the AID (4F/84): Visa/UnionPay Card Transaction Qualifiers or Mastercard Mag-stripe Application Version Number (Card)',
    details: bits.map((b) => `if CTQ: ${b}`),
  };
}

/**
 * '9F66': the Terminal Transaction Qualifiers (4 bytes, Book A Table 5-4), except in a Mastercard card's
 * records, where 9F66 is PUNATC(Track2) (2 bytes, Book C-2 Annex A), a bitmap of track 2 positions. A
 * 2-byte value with no Visa/UnionPay AID in sight can only be the latter.
 */
export function explain9F66(v: Uint8Array, scheme: TagScheme | undefined): SchemeReading {
  if (v.length === 2 && (scheme === 'mastercard' || scheme === undefined)) return { summary: `PUNATC(Track2) ${toHex(v)} (Mastercard mag-stripe: track 2 positions for the unpredictable number and ATC)` };
  if (v.length !== 4) return { summary: 'a TTQ has 4 bytes; not decoded' };
  const bits = explainTtq(v);
  return bits.length > 0 ? { details: bits } : { summary: 'no bits set' };
}

/** Visa Form Factor Indicator, byte 1 b5-b1. */
export const VISA_FORM_FACTORS: Readonly<Record<number, string>> = { 0: 'card', 1: 'mini-card', 2: 'non-card form factor', 3: 'consumer mobile phone', 4: 'wrist-worn device' };

/**
 * '9F6E' is scheme-specific: Visa's Form Factor Indicator (4 bytes: byte 1 b8-b6 version, b5-b1 form
 * factor) or Mastercard's Third Party Data (5-32 bytes: country code n3, unique identifier, device type
 * when the identifier's top bit is 0, proprietary data). The AID tells which; without it, nothing is guessed.
 */
export function explain9F6E(v: Uint8Array, scheme: TagScheme | undefined): string[] | undefined {
  if (scheme === 'visa' && v.length === 4) {
    const factor = v[0]! & 0x1f;
    return [`Visa form factor indicator, version ${v[0]! >> 5}: ${VISA_FORM_FACTORS[factor] ?? `form factor ${factor}`}`, `features ${toHex(v.subarray(1))}`];
  }
  if (scheme === 'mastercard' && v.length >= 5) {
    const uid = ((v[2]! << 8) | v[3]!) >>> 0;
    const lines = [`Mastercard third party data: country ${fromBcd(v.subarray(0, 2)).slice(1)}, unique identifier ${toHex(v.subarray(2, 4))}`];
    let rest = v.subarray(4);
    if (!(uid & 0x8000) && rest.length >= 2) {
      lines.push(`device type ${String.fromCharCode(rest[0]!, rest[1]!)}`);
      rest = rest.subarray(2);
    }
    if (rest.length > 0) lines.push(`proprietary data ${toHex(rest)}`);
    return lines;
  }
  return undefined;
}

/** '9F7C': issuer- or merchant-proprietary by definition; only its nature is said. */
export function describe9F7C(scheme: TagScheme | undefined): string {
  if (scheme === 'visa') return 'Visa customer exclusive data (issuer proprietary, not decoded)';
  if (scheme === 'mastercard') return 'Mastercard merchant custom data (merchant proprietary, not decoded)';
  return 'proprietary (Visa customer exclusive data or Mastercard merchant custom data), not decoded';
}
