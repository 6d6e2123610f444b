/**
 * Track 2 data (ISO/IEC 7813 §10): PAN, field separator, expiry date YYMM, service code (3 digits),
 * discretionary data. On the stripe and in ISO 8583 field 35 the separator is '='; in EMV's Track 2
 * Equivalent Data ('57', Book 3 Annex A) and '9F6B' it is the nibble 'D', with an 'F' pad nibble when
 * the digit count is odd. The one parser of the fields, for the tag printer, the kernel's magstripe
 * fallback, the issuer host (field 35) and the HID magstripe reader (which adds the sentinels).
 */

export interface Track2 {
  pan: string;
  /** YYMM. */
  expiry: string;
  serviceCode: string;
  discretionary: string;
}

/** Why a text is not track 2, and the character index (0-based) where the problem starts. */
export interface Track2Problem {
  error: string;
  offset: number;
}

/** PAN length on track 2: 12 to 19 digits (ISO/IEC 7813 §10; the EMV PAN '5A' holds up to 19). */
export const TRACK2_PAN_DIGITS = { min: 12, max: 19 } as const;

/**
 * The fields of track 2 in either form ('=' or 'D' separator, an 'F' pad at the end allowed), or the
 * reason it is not track 2: exactly one separator, a PAN of 12 to 19 digits, then only digits: expiry
 * YYMM (month 01..12), service code, discretionary data.
 */
export function splitTrack2(data: string): Track2 | Track2Problem {
  const text = data.toUpperCase().replace(/F$/, '');
  const separators = [...text.matchAll(/[=D]/g)].map((m) => m.index);
  if (separators.length !== 1) {
    return { error: `track 2 has ${separators.length} field separators ('=' or 'D'), not exactly one`, offset: separators[1] ?? text.length };
  }
  const sep = separators[0]!;
  const pan = text.slice(0, sep);
  const { min, max } = TRACK2_PAN_DIGITS;
  if (!/^[0-9]+$/.test(pan) || pan.length < min || pan.length > max) return { error: `PAN '${pan}' is not ${min}..${max} digits`, offset: 0 };
  const rest = text.slice(sep + 1);
  const nonDigit = rest.search(/[^0-9]/);
  if (nonDigit >= 0) return { error: `non-digit '${rest[nonDigit]}' after the separator`, offset: sep + 1 + nonDigit };
  if (rest.length < 7) return { error: 'expiry date (YYMM) and service code missing after the separator', offset: sep + 1 + rest.length };
  const month = rest.slice(2, 4);
  if (month < '01' || month > '12') return { error: `expiry month ${month} is not 01..12`, offset: sep + 3 };
  return { pan, expiry: rest.slice(0, 4), serviceCode: rest.slice(4, 7), discretionary: rest.slice(7) };
}

/** Track 2 in EMV's nibble form ('57', Book 3 Annex A): 'D' as the separator, an 'F' pad to whole bytes; hex. */
export function track2EquivalentHex(track2: string): string {
  const hex = track2.toUpperCase().replace('=', 'D');
  return hex.length % 2 === 1 ? `${hex}F` : hex;
}

/** True when splitTrack2 found no track 2. */
export function isTrack2Problem(t: Track2 | Track2Problem): t is Track2Problem {
  return 'error' in t;
}

/** ISO/IEC 7813 service code, position 1: 2 (international) or 6 (national) = a card with an IC chip. */
export function isChipServiceCode(serviceCode: string): boolean {
  return serviceCode.length === 3 && (serviceCode[0] === '2' || serviceCode[0] === '6');
}
