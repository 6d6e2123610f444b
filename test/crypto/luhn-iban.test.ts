/** Luhn (ISO/IEC 7812-1) and IBAN MOD 97-10 (ISO 13616) against the shared vectors. */
import { describe, expect, test } from 'vitest';
import { ibanCheckDigits, ibanIsValid, isLuhnValid, luhnCheckDigit, luhnChecksum } from '../../src/crypto/index.js';
import { knownAnswers, type Vector } from './known-answers.js';

const luhn = (knownAnswers.luhn.vectors as Vector[]).map((v) => [v.id, v] as [string, Vector]);
const iban = (knownAnswers.iban.vectors as Vector[]).map((v) => [v.id, v] as [string, Vector]);

describe('shared vectors: luhn', () => {
  test.each(luhn)('%s', (id, v) => {
    const i = v.inputs as Record<string, string>;
    if (i.partial !== undefined) {
      const e = v.expected as Record<string, unknown>;
      expect(luhnCheckDigit(i.partial)).toBe(e.check_digit);
      expect(isLuhnValid(i.partial + String(e.check_digit))).toBe(true);
      if (e.valid_7894 !== undefined) expect(isLuhnValid('7894')).toBe(e.valid_7894);
      if (e.checksum_of_7894 !== undefined) expect(luhnChecksum('7894')).toBe(e.checksum_of_7894);
      if (e.invalid_79927398710_to_19_except_3) {
        for (let d = 0; d <= 9; d++) expect(isLuhnValid(`7992739871${d}`)).toBe(d === 3);
      }
      return;
    }
    // PAN vectors: 'recomputed' values (verified: null, the file says "use as regression values").
    const r = v.recomputed as Record<string, unknown>;
    expect(isLuhnValid(i.pan!), id).toBe(r.luhn_valid);
    expect(luhnCheckDigit(i.pan!.slice(0, -1))).toBe(r.check_digit_for_prefix);
  });
  test('non-digits', () => {
    expect(isLuhnValid('4111-1111')).toBe(false);
    expect(() => luhnCheckDigit('12a')).toThrow(RangeError);
  });
});

describe('shared vectors: iban', () => {
  test.each(iban)('%s', (_id, v) => {
    const e = v.expected as Record<string, unknown>;
    const value = (v.inputs as Record<string, string>).iban!;
    expect(ibanIsValid(value)).toBe(e.valid);
    if (e.check_digits !== undefined) expect(ibanCheckDigits(value)).toBe(e.check_digits);
  });
  test('paper format with spaces and lower case; malformed input', () => {
    expect(ibanIsValid('gb82 west 1234 5698 7654 32')).toBe(true);
    expect(ibanIsValid('GB82')).toBe(false);
    expect(ibanIsValid('1282WEST12345698765432')).toBe(false);
    expect(() => ibanCheckDigits('not an iban')).toThrow(RangeError);
  });
});
