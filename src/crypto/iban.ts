/**
 * IBAN check digits (ISO 13616-1, ISO/IEC 7064 MOD 97-10): move the first four
 * characters to the end, letters A..Z become 10..35, the number mod 97 must be 1.
 */

/** Upper case without spaces (the paper format prints groups of four). */
export function normalizeIban(iban: string): string {
  return iban.replace(/\s+/g, '').toUpperCase();
}

/** MOD 97 of the numeric form of `text` (digits and letters), computed piecewise. */
function mod97(text: string): number {
  let r = 0;
  for (const ch of text) {
    const v = ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    r = v >= 10 ? (r * 100 + v) % 97 : (r * 10 + v) % 97;
  }
  return r;
}

function wellFormed(iban: string): boolean {
  return /^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$/.test(iban);
}

/** True when the IBAN is well formed (country, 2 check digits, up to 30 alphanumerics) and MOD 97 = 1. */
export function ibanIsValid(iban: string): boolean {
  const s = normalizeIban(iban);
  return wellFormed(s) && mod97(s.slice(4) + s.slice(0, 4)) === 1;
}

/** The two check digits for an IBAN (its own check digits are ignored): 98 - (BBAN || country || '00') mod 97. */
export function ibanCheckDigits(iban: string): string {
  const s = normalizeIban(iban);
  if (!wellFormed(s)) throw new RangeError(`IBAN: not of the form CCnn + up to 30 letters/digits: '${iban}'`);
  return String(98 - mod97(s.slice(4) + s.slice(0, 2) + '00')).padStart(2, '0');
}
