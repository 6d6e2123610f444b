/**
 * Track 2 (ISO/IEC 7813): PAN, field separator, expiry YYMM, service code
 * (3 digits), discretionary data. ISO 8583 field 35 carries it as z characters
 * with '=' as separator; EMV tag 57 (track 2 equivalent data) as hex nibbles
 * with 'D' as separator and an 'F' pad. Both forms are read here.
 */

export interface Track2 {
  pan: string;
  /** YYMM. */
  expiry: string;
  /** ISO/IEC 7813 service code; first digit 2 or 6 = card with an IC chip. */
  serviceCode: string;
}

/** Parses either form; returns the reason when the data is not track 2 (exactly one separator). */
export function parseTrack2(data: string): Track2 | { error: string } {
  const text = data.toUpperCase().replace(/F$/, '');
  const separators = (text.match(/[=D]/g) ?? []).length;
  if (separators !== 1) return { error: `track 2 has ${separators} field separators ('=' or 'D'), not exactly one` };
  const m = /^([0-9]{12,19})[=D]([0-9]{2}(?:0[1-9]|1[0-2]))([0-9]{3})[0-9]*$/.exec(text);
  if (!m) return { error: `track 2 '${data}' is not PAN (12-19 digits) '=' YYMM service code (3 digits) [discretionary data]` };
  return { pan: m[1]!, expiry: m[2]!, serviceCode: m[3]! };
}

/** ISO/IEC 7813 service code, position 1: 2 (international) or 6 (national) = IC chip present. */
export function isChipServiceCode(serviceCode: string): boolean {
  return serviceCode.startsWith('2') || serviceCode.startsWith('6');
}
