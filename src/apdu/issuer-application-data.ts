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
import { explainBits, type BitDef } from './bitmaps-core.js';

const AC_TYPE_2ND: Record<number, string> = { 0: 'AAC', 1: 'TC', 2: 'not requested', 3: 'RFU' };
const AC_TYPE_1ST: Record<number, string> = { 0: 'AAC', 1: 'TC', 2: 'ARQC', 3: 'RFU' };

/** M/Chip CVR (6 bytes), bits other than the AC types and counters (M/Chip Requirements, Appendix B). */
const MCHIP_CVR_BITS: readonly BitDef[] = [
  { name: 'dateCheckFailed', byte: 1, mask: 0x08, description: 'date check failed' },
  { name: 'offlinePinPerformed', byte: 1, mask: 0x04, description: 'offline PIN verification performed' },
  { name: 'offlineEncipheredPinPerformed', byte: 1, mask: 0x02, description: 'offline enciphered PIN verification performed' },
  { name: 'offlinePinSuccessful', byte: 1, mask: 0x01, description: 'offline PIN verification successful' },
  { name: 'ddaReturned', byte: 2, mask: 0x80, description: 'DDA returned' },
  { name: 'cdaFirst', byte: 2, mask: 0x40, description: 'CDA returned in first GENERATE AC' },
  { name: 'cdaSecond', byte: 2, mask: 0x20, description: 'CDA returned in second GENERATE AC' },
  { name: 'issuerAuthenticationPerformed', byte: 2, mask: 0x10, description: 'issuer authentication performed' },
  { name: 'ciacDefaultSkippedOnCat3', byte: 2, mask: 0x08, description: 'CIAC-default skipped on CAT3' },
  { name: 'offlineChangePinSuccessful', byte: 2, mask: 0x04, description: 'offline change PIN result successful' },
  { name: 'issuerDiscretionary2', byte: 2, mask: 0x02, description: 'issuer discretionary (byte 2 b2)' },
  { name: 'issuerDiscretionary1', byte: 2, mask: 0x01, description: 'issuer discretionary (byte 2 b1)' },
  { name: 'lastOnlineNotCompleted', byte: 4, mask: 0x80, description: 'last online transaction not completed' },
  { name: 'unableToGoOnline', byte: 4, mask: 0x40, description: 'unable to go online' },
  { name: 'offlinePinNotPerformed', byte: 4, mask: 0x20, description: 'offline PIN verification not performed' },
  { name: 'offlinePinFailed', byte: 4, mask: 0x10, description: 'offline PIN verification failed' },
  { name: 'ptlExceeded', byte: 4, mask: 0x08, description: 'PIN try limit exceeded' },
  { name: 'international', byte: 4, mask: 0x04, description: 'international transaction' },
  { name: 'domestic', byte: 4, mask: 0x02, description: 'domestic transaction' },
  { name: 'terminalErroneouslyConsidersPinOk', byte: 4, mask: 0x01, description: 'terminal erroneously considers offline PIN OK' },
  { name: 'lowerConsecutiveExceeded', byte: 5, mask: 0x80, description: 'lower consecutive offline limit (counter 1) exceeded' },
  { name: 'upperConsecutiveExceeded', byte: 5, mask: 0x40, description: 'upper consecutive offline limit (counter 1) exceeded' },
  { name: 'lowerCumulativeExceeded', byte: 5, mask: 0x20, description: 'lower cumulative offline limit (accumulator 1) exceeded' },
  { name: 'upperCumulativeExceeded', byte: 5, mask: 0x10, description: 'upper cumulative offline limit (accumulator 1) exceeded' },
  { name: 'goOnlineOnNext', byte: 5, mask: 0x08, description: 'go online on next transaction was set' },
  { name: 'issuerAuthenticationFailed', byte: 5, mask: 0x04, description: 'issuer authentication failed' },
  { name: 'scriptReceived', byte: 5, mask: 0x02, description: 'script received' },
  { name: 'scriptFailed', byte: 5, mask: 0x01, description: 'script failed' },
  { name: 'lowerConsecutive2Exceeded', byte: 6, mask: 0x80, description: 'lower consecutive counter 2 limit exceeded' },
  { name: 'upperConsecutive2Exceeded', byte: 6, mask: 0x40, description: 'upper consecutive counter 2 limit exceeded' },
  { name: 'lowerCumulative2Exceeded', byte: 6, mask: 0x20, description: 'lower cumulative accumulator 2 limit exceeded' },
  { name: 'upperCumulative2Exceeded', byte: 6, mask: 0x10, description: 'upper cumulative accumulator 2 limit exceeded' },
  { name: 'mtaExceeded', byte: 6, mask: 0x08, description: 'MTA (maximum transaction amount) limit exceeded' },
  { name: 'daysOfflineExceeded', byte: 6, mask: 0x04, description: 'number of days offline limit exceeded' },
  { name: 'additionalCheckMatch', byte: 6, mask: 0x02, description: 'match found in additional check table' },
  { name: 'additionalCheckNoMatch', byte: 6, mask: 0x01, description: 'no match found in additional check table' },
];

/**
 * Visa CVR bytes 2-4 (byte 1 is the length in format 0/1/3, the CDCVM byte in format 2/4), bits other
 * than the AC types and the script counter.
 */
const VISA_CVR_BITS: readonly BitDef[] = [
  { name: 'issuerAuthenticationFailed', byte: 2, mask: 0x08, description: 'issuer authentication performed and failed' },
  { name: 'offlinePinPerformed', byte: 2, mask: 0x04, description: 'offline PIN verification performed (format 0/1/3; CDCVM performed in format 2/4)' },
  { name: 'offlinePinFailed', byte: 2, mask: 0x02, description: 'offline PIN verification failed (format 0/1/3)' },
  { name: 'unableToGoOnline', byte: 2, mask: 0x01, description: 'unable to go online' },
  { name: 'lastOnlineNotCompleted', byte: 3, mask: 0x80, description: 'last online transaction not completed' },
  { name: 'ptlExceeded', byte: 3, mask: 0x40, description: 'PIN try limit exceeded' },
  { name: 'velocityExceeded', byte: 3, mask: 0x20, description: 'velocity checking counters exceeded' },
  { name: 'newCard', byte: 3, mask: 0x10, description: 'new card' },
  { name: 'lastIssuerAuthenticationFailed', byte: 3, mask: 0x08, description: 'issuer authentication failure on the last online transaction' },
  { name: 'issuerAuthenticationNotPerformed', byte: 3, mask: 0x04, description: 'issuer authentication not performed after online authorisation' },
  { name: 'blockedByPtl', byte: 3, mask: 0x02, description: 'application blocked by the card: PIN try limit exceeded' },
  { name: 'lastSdaFailed', byte: 3, mask: 0x01, description: 'offline static data authentication failed on the last transaction' },
  { name: 'scriptFailed', byte: 4, mask: 0x08, description: 'issuer script processing failed' },
  { name: 'lastDdaFailed', byte: 4, mask: 0x04, description: 'offline dynamic data authentication failed on the last transaction' },
  { name: 'ddaPerformed', byte: 4, mask: 0x02, description: 'offline dynamic data authentication performed' },
  { name: 'pinNotReceived', byte: 4, mask: 0x01, description: 'PIN verification command not received for a PIN-expecting card' },
];

/** The CVN byte in hex and as the decimal number schemes name it by ("CVN 18" = 12 hex). */
function cvnText(cvn: number): string {
  return `cryptogram version number ${cvn.toString(16).toUpperCase().padStart(2, '0')} hex (CVN ${cvn})`;
}

function acTypes(byte: number): string {
  return `first GENERATE AC: ${AC_TYPE_1ST[(byte >> 4) & 3]}; second GENERATE AC: ${AC_TYPE_2ND[byte >> 6]}`;
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
  const b3 = cvr[2]!;
  const session = (cvn & 0x06) === 0x04 ? 'EMV common session key' : 'Mastercard proprietary SKD session key';
  return [
    `Mastercard M/Chip IAD (${v.length} bytes): key derivation index ${toHex(v.subarray(0, 1))}, ${cvnText(cvn)} (${session}${cvn & 0x01 ? ', counters in the AC data' : ''})`,
    `CVR ${toHex(cvr)}: ${acTypes(cvr[0]!)}`,
    // Byte 1 b8-b5 are the AC types and byte 3 the two counters, shown apart.
    ...explainBits(Uint8Array.of(cvr[0]! & 0x0f, cvr[1]!, 0, cvr[3]!, cvr[4]!, cvr[5]!), MCHIP_CVR_BITS).map((d) => `  ${d}`),
    `  script counter ${b3 >> 4}, PIN try counter ${b3 & 0x0f}`,
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
