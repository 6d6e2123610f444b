/** Luhn (mod 10) check digit, ISO/IEC 7812-1 Annex B: the PAN check digit. */

function requireDigits(digits: string): void {
  if (!/^[0-9]+$/.test(digits)) throw new RangeError(`Luhn: not decimal digits: '${digits}'`);
}

/** Sum with every second digit from the right doubled (starting with the rightmost when `doubleRightmost`). */
function luhnSum(digits: string, doubleRightmost: boolean): number {
  let sum = 0;
  for (let i = digits.length - 1, k = 0; i >= 0; i--, k++) {
    let d = digits.charCodeAt(i) - 48;
    if ((k % 2 === 0) === doubleRightmost) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}

/** The check digit to append to `digits` (the PAN without its check digit). */
export function luhnCheckDigit(digits: string): string {
  requireDigits(digits);
  return String((10 - (luhnSum(digits, true) % 10)) % 10);
}

/** True when the last digit of `digits` is the Luhn check digit of the others. */
export function isLuhnValid(digits: string): boolean {
  if (!/^[0-9]{2,}$/.test(digits)) return false;
  return luhnSum(digits, false) % 10 === 0;
}

/** The Luhn checksum (sum mod 10) of a full number; 0 means valid. */
export function luhnChecksum(digits: string): number {
  requireDigits(digits);
  return luhnSum(digits, false) % 10;
}
