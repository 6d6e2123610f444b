/**
 * Issuer Application Data '9F10' (Book 3 Annex A: "proprietary application data for transmission to
 * the issuer"), explained for the layouts that are public:
 * - Visa VSDC IAD format 0/1/3 (CVN 10, 18, ...: byte 1 = 06, byte 4 = CVR length 03) and format 2/4
 *   (CVN 22, ...: 32 bytes, byte 1 = 1F), with the Card Verification Results bits; source: Visa
 *   Contactless Payment Specification Supplemental Requirements 2.2, Appendix M, as summarised by the
 *   public emv-utils project (docs/sources.md). The format is the CVN's high nibble (0x0A -> 0, 0x12 -> 1,
 *   0x22 -> 2).
 * - Mastercard M/Chip 4 / M/Chip Advance (18, 20, 26 or 28 bytes, CVN 0x1X): key derivation index, CVN,
 *   6-byte CVR, DAC/ICC dynamic number, counters; source: M/Chip Requirements for Contact and
 *   Contactless (2022), Appendix B.
 * Anything else is shown as hex: a scheme's proprietary layout we cannot name is not guessed.
 */
import { toHex } from './bytes.js';
import { explainBits } from './bitmaps-core.js';
import { CVR_FIRST_AC, CVR_SECOND_AC, decodeMchipCvr, MCHIP_CVR, VISA_CVR_BITS } from './card-verification-results.js';

/** The CVN byte in hex and as the decimal number schemes name it by ("CVN 18" = 12 hex). */
function cvnText(cvn: number): string {
  return `cryptogram version number ${cvn.toString(16).toUpperCase().padStart(2, '0')} hex (CVN ${cvn})`;
}

function acTypes(byte: number): string {
  return `first GENERATE AC: ${CVR_FIRST_AC[(byte >> 4) & 3]}; second GENERATE AC: ${CVR_SECOND_AC[(byte >> 6) & 3]}`;
}

/** Visa CVR as 4 bytes numbered as Visa numbers them (byte 1 = length or CDCVM). */
function visaCvr(cvr: Uint8Array): string[] {
  const b2 = cvr[1] ?? 0;
  const b4 = cvr[3] ?? 0;
  const out = [`CVR ${toHex(cvr)}: ${acTypes(b2)}`];
  // Byte 1 is the CVR length (format 0/1/3) or the CDCVM byte (format 2/4), explained apart.
  // Byte 2 b8-b5 are the AC types and byte 4 b8-b5 the script counter, both shown above/below.
  const flags = Uint8Array.of(0, b2 & 0x0f, cvr[2] ?? 0, b4 & 0x0f);
  out.push(...explainBits(flags, VISA_CVR_BITS).map((d) => `  ${d}`));
  if (b4 >> 4) out.push(`  ${b4 >> 4} issuer script command(s) processed`);
  return out;
}

function visaFormat013(v: Uint8Array): string[] {
  const cvn = v[2]!;
  const out = [
    `Visa IAD format ${cvn >> 4} (VSDC): length 06, derivation key index ${toHex(v.subarray(1, 2))}, ${cvnText(cvn)}`,
    ...visaCvr(v.subarray(3, 7)),
  ];
  if (v.length > 7) {
    const idLength = v[7]!;
    out.push(`issuer discretionary data (${idLength} bytes): ${toHex(v.subarray(8, 8 + idLength))}`);
  }
  return out;
}

function visaFormat24(v: Uint8Array): string[] {
  const cvn = v[1]!;
  const cdcvm = v[3]!;
  return [
    `Visa IAD format ${cvn >> 4} (VSDC): length 1F, ${cvnText(cvn)}, derivation key index ${toHex(v.subarray(2, 3))}`,
    `CDCVM: entity ${cdcvm >> 4}, type ${cdcvm & 0x0f}${cdcvm === 0 ? ' (none)' : ''}`,
    ...visaCvr(v.subarray(3, 7)),
    `CVR byte 5: ${toHex(v.subarray(7, 8))}`,
    `issuer discretionary data option ${(v[8] ?? 0) & 0x0f}: ${toHex(v.subarray(9))}`,
  ];
}

function mchip(v: Uint8Array): string[] {
  const cvn = v[1]!;
  const cvr = v.subarray(2, 8);
  const fields = decodeMchipCvr(cvr);
  const session = (cvn & 0x06) === 0x04 ? 'EMV common session key' : 'Mastercard proprietary SKD session key';
  return [
    `Mastercard M/Chip IAD (${v.length} bytes): key derivation index ${toHex(v.subarray(0, 1))}, ${cvnText(cvn)} (${session}${cvn & 0x01 ? ', counters in the AC data' : ''})`,
    `CVR ${toHex(cvr)}: first GENERATE AC: ${fields.firstAc}; second GENERATE AC: ${fields.secondAc}`,
    ...fields.flags.map((flag) => `  ${MCHIP_CVR[flag].description}`),
    `  script counter ${fields.scriptCounter}, PIN try counter ${fields.pinTryCounter}`,
    `DAC / ICC dynamic number: ${toHex(v.subarray(8, 10))}`,
    `counters: ${toHex(v.subarray(10))}`,
  ];
}

/** Lines explaining a 9F10 value, or undefined when its layout is not one of the public ones. */
export function explainIssuerApplicationData(v: Uint8Array): string[] | undefined {
  if ([18, 20, 26, 28].includes(v.length) && (v[1]! & 0xf8) === 0x10 && !(v[1]! & 0x02)) return mchip(v);
  if (v.length >= 7 && v[0] === 0x06 && v[3] === 0x03 && [0, 1, 3].includes(v[2]! >> 4)) return visaFormat013(v);
  if (v.length === 32 && v[0] === 0x1f && [2, 4].includes(v[1]! >> 4) && !(v[8]! & 0xf0)) return visaFormat24(v);
  return undefined;
}
