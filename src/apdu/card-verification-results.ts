/**
 * Card Verification Results inside 9F10, one table per public layout. The Visa one is read by the 9F10
 * explainer and the issuer host; the card's VIS encoder (src/card/app/risk.ts) still writes its bytes
 * by mask.
 *
 * The M/Chip Card Verification Results (6 bytes, 9F10 bytes 3-8): the one table of its bits, used by the
 * emulated card to write them (src/card/app/mchip-iad.ts) and by the 9F10 explainer to read them
 * (issuer-application-data.ts). Source: M/Chip Requirements for Contact and Contactless (2022),
 * Appendix B; checked against jPOS org.jpos.emv.CVRMastercard and coolbong/node-tlv
 * CardVerificationResultsMaster (docs/card-images.md, "Sources").
 *   byte 1  b8b7 AC returned in 2nd GENERATE AC, b6b5 AC returned in 1st GENERATE AC, b4-b1 flags
 *   byte 2  flags
 *   byte 3  b8-b5 low-order nibble of the script counter, b4-b1 low-order nibble of the PIN try counter
 *   bytes 4-6 flags (byte 6 b8-b3 are M/Chip Advance's counter 2 / accumulator 2 / MTA / days offline)
 * Every one of the 48 bits has a meaning here, so decoding and encoding are exact inverses.
 */
import { type BitDef, bitIndex, isBitSet, setBit } from './bitmaps-core.js';

/** M/Chip CVR bits other than the AC types and the counters. */
export const MCHIP_CVR_BITS = [
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
] as const satisfies readonly BitDef[];

/** `MCHIP_CVR.ddaReturned` style access to the table. */
export const MCHIP_CVR = bitIndex(MCHIP_CVR_BITS);

export type MchipCvrFlag = (typeof MCHIP_CVR_BITS)[number]['name'];

/**
 * Byte 1 b6b5: the AC the card returned in the first GENERATE AC. Visa's CVR byte 2 b6b5 / b8b7 code
 * the AC types the same way (issuer-application-data.ts reads both with these two lists).
 */
export const CVR_FIRST_AC = ['AAC', 'TC', 'ARQC', 'RFU'] as const;
/** Byte 1 b8b7: the AC the card returned in the second GENERATE AC ("not requested" before it). */
export const CVR_SECOND_AC = ['AAC', 'TC', 'not requested', 'RFU'] as const;

export interface MchipCvr {
  firstAc: (typeof CVR_FIRST_AC)[number];
  secondAc: (typeof CVR_SECOND_AC)[number];
  /** Low-order nibble of the issuer script command counter (0-15). */
  scriptCounter: number;
  /** Low-order nibble of the PIN try counter (0-15). */
  pinTryCounter: number;
  /** The flags set, in table order. */
  flags: MchipCvrFlag[];
}

/** The 6 CVR bytes for `cvr`; counters are cut to their low-order nibble, as the card writes them. */
export function encodeMchipCvr(cvr: MchipCvr): Uint8Array {
  const out = new Uint8Array(6);
  out[0] = (CVR_SECOND_AC.indexOf(cvr.secondAc) << 6) | (CVR_FIRST_AC.indexOf(cvr.firstAc) << 4);
  out[2] = ((cvr.scriptCounter & 0x0f) << 4) | (cvr.pinTryCounter & 0x0f);
  for (const flag of cvr.flags) setBit(out, MCHIP_CVR[flag]);
  return out;
}

/** The fields of a 6-byte M/Chip CVR (a shorter one reads as zeros past its end). */
export function decodeMchipCvr(bytes: Uint8Array): MchipCvr {
  const b1 = bytes[0] ?? 0;
  const b3 = bytes[2] ?? 0;
  return {
    firstAc: CVR_FIRST_AC[(b1 >> 4) & 3]!,
    secondAc: CVR_SECOND_AC[(b1 >> 6) & 3]!,
    scriptCounter: b3 >> 4,
    pinTryCounter: b3 & 0x0f,
    flags: MCHIP_CVR_BITS.filter((bit) => isBitSet(bytes, bit)).map((bit) => bit.name),
  };
}

/**
 * Visa VSDC CVR (4 bytes; Visa Contactless Payment Specification Supplemental Requirements 2.2,
 * Appendix M, docs/sources.md), bits of bytes 2-4 other than the AC types (byte 2 b8-b5, coded as
 * CVR_FIRST_AC / CVR_SECOND_AC) and the script counter (byte 4 b8-b5). Byte 1 is the CVR length (03) in
 * IAD format 0/1/3 and the CDCVM byte in format 2/4.
 */
export const VISA_CVR_BITS = [
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
] as const satisfies readonly BitDef[];

/** `VISA_CVR.ptlExceeded` style access to the table. */
export const VISA_CVR = bitIndex(VISA_CVR_BITS);
