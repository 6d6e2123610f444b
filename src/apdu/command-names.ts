/**
 * Names of the command APDUs a payment card sees, by CLA and INS:
 * ISO/IEC 7816-4 §11 (interindustry, CLA 0X) and EMV Book 3 §6.5 (CLA 8X),
 * plus short annotations of the parameters that matter when reading a trace.
 */
import { toHex } from './bytes.js';

/** Interindustry and EMV INS codes (EMV Book 3 Table 13; ISO/IEC 7816-4 Table 4). */
const BY_INS: Record<number, string> = {
  0x04: 'DEACTIVATE FILE',
  0x0e: 'ERASE BINARY',
  0x16: 'CARD BLOCK',
  0x18: 'APPLICATION UNBLOCK',
  0x1e: 'APPLICATION BLOCK',
  0x20: 'VERIFY',
  0x24: 'CHANGE REFERENCE DATA',
  0x2c: 'RESET RETRY COUNTER',
  0x44: 'ACTIVATE FILE',
  0x70: 'MANAGE CHANNEL',
  0x82: 'EXTERNAL AUTHENTICATE',
  0x84: 'GET CHALLENGE',
  0x88: 'INTERNAL AUTHENTICATE',
  0xa4: 'SELECT',
  0xa8: 'GET PROCESSING OPTIONS',
  0xae: 'GENERATE AC',
  0xb0: 'READ BINARY',
  0xb2: 'READ RECORD',
  0xc0: 'GET RESPONSE',
  0xc2: 'ENVELOPE',
  0xca: 'GET DATA',
  0xcb: 'GET DATA',
  0xd6: 'UPDATE BINARY',
  0xda: 'PUT DATA',
  0xdb: 'PUT DATA',
  0xdc: 'UPDATE RECORD',
  0xe2: 'APPEND RECORD',
};

/** True for a proprietary class byte (b8 set, ISO/IEC 7816-4 §5.1.1), as EMV's 8X and 84. */
function isProprietaryClass(cla: number): boolean {
  return (cla & 0x80) !== 0;
}

/** Command name from CLA and INS; "UNKNOWN (INS xx)" otherwise. */
export function commandName(cla: number, ins: number): string {
  // EMV Book 3 §6.5.10: CLA 8X INS 24 is PIN CHANGE/UNBLOCK (ISO's CHANGE REFERENCE DATA otherwise).
  if (ins === 0x24 && isProprietaryClass(cla)) return 'PIN CHANGE/UNBLOCK';
  const name = BY_INS[ins];
  return name ?? `UNKNOWN (INS ${toHex(Uint8Array.of(ins))})`;
}

/** GENERATE AC reference control parameter, EMV Book 3 §6.5.5.2 Table 12 (P1). */
export function describeReferenceControl(p1: number): { cryptogram: 'AAC' | 'TC' | 'ARQC' | 'RFU'; cda: boolean; text: string } {
  const types = ['AAC', 'TC', 'ARQC', 'RFU'] as const;
  const cryptogram = types[p1 >> 6]!;
  const cda = (p1 & 0x10) !== 0;
  return { cryptogram, cda, text: `${cryptogram} requested${cda ? ', CDA signature requested' : ''}` };
}

/** Cryptogram Information Data 9F27 bits 8-7, EMV Book 3 §6.5.5.4 Table 14. */
export function describeCid(cid: number): string {
  const types = ['AAC', 'TC', 'ARQC', 'RFU'];
  const parts = [`${types[cid >> 6]!} returned`];
  if (cid & 0x08) {
    const reasons = ['no information', 'service not allowed', 'PIN try limit exceeded', 'issuer authentication failed'];
    parts.push(`advice required (${reasons[cid & 0x03] ?? 'RFU'})`);
  }
  return parts.join(', ');
}

/** One-line annotation of a command's parameters (empty when nothing to say). */
export function describeCommandParameters(cla: number, ins: number, p1: number, p2: number): string {
  const name = commandName(cla, ins);
  const hex = (v: number) => toHex(Uint8Array.of(v));
  switch (name) {
    case 'SELECT': {
      // ISO/IEC 7816-4 Table 39/40; EMV Book 1 §11.3.2: P1 04 by DF name, P2 00 first / 02 next occurrence.
      const by = p1 === 0x04 ? 'by DF name' : p1 === 0x00 ? 'by file identifier' : `P1 ${hex(p1)}`;
      const occurrence = (p2 & 0x03) === 0x02 ? 'next occurrence' : 'first or only occurrence';
      return `${by}, ${occurrence}`;
    }
    case 'READ RECORD': {
      // EMV Book 3 §6.5.11.2: P2 = SFI << 3 | 100b (P1 is the record number).
      if ((p2 & 0x07) === 0x04) return `record ${p1} of SFI ${p2 >> 3}`;
      return `record ${p1}, P2 ${hex(p2)}`;
    }
    case 'GET DATA':
    case 'PUT DATA':
      return `tag ${hex(p1)}${hex(p2)}`.replace(/^tag 00/, 'tag ');
    case 'VERIFY':
      // EMV Book 3 §6.5.12.2 Table 23: P2 80 plaintext PIN, 88 enciphered PIN.
      return p2 === 0x80 ? 'plaintext PIN' : p2 === 0x88 ? 'enciphered PIN' : `P2 ${hex(p2)}`;
    case 'GENERATE AC':
      return describeReferenceControl(p1).text;
    case 'PIN CHANGE/UNBLOCK':
      // EMV Book 3 §6.5.10.2: P2 00 unblock only, 01 change with current PIN, 02 change without it.
      return p2 === 0x00 ? 'unblock PIN' : p2 === 0x01 ? 'change PIN (current PIN given)' : p2 === 0x02 ? 'change PIN' : `P2 ${hex(p2)}`;
    default:
      return '';
  }
}
