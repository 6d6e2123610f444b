/** DES/TDES, parity, KCV, ISO/IEC 9797-1 MACs: shared vectors plus public examples. */
import { describe, expect, test } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import {
  adjustOddParity,
  desEcbDecrypt,
  desEcbEncrypt,
  hasOddParity,
  keyCheckValue,
  KeyLengthError,
  macAlgorithm1,
  retailMac,
  tdesCbcDecrypt,
  tdesCbcEncrypt,
  tdesEcbDecrypt,
  tdesEcbEncrypt,
  DataLengthError,
} from '../../src/crypto/index.js';
import { isNonStandard, str, symmetricGroup, type Vector } from './known-answers.js';

describe('shared vectors: symmetric.primitive', () => {
  test.each(symmetricGroup('primitive').map((v) => [v.id, v] as [string, Vector]))('%s', (_id, v) => {
    const data = v.inputs.data === undefined ? undefined : fromHex(str(v, 'inputs', 'data'));
    if (v.expected?.ciphertext !== undefined) {
      const key = fromHex(str(v, 'inputs', 'key'));
      expect(toHex(tdesEcbEncrypt(key, data!))).toBe(str(v, 'expected', 'ciphertext'));
      expect(toHex(tdesEcbDecrypt(key, fromHex(str(v, 'expected', 'ciphertext'))))).toBe(toHex(data!));
      expect(toHex(keyCheckValue(key, 2))).toBe(str(v, 'expected', 'kcv2'));
      return;
    }
    if (v.expected?.odd_parity_key !== undefined) {
      const adjusted = adjustOddParity(fromHex(str(v, 'inputs', 'key')));
      expect(toHex(adjusted)).toBe(str(v, 'expected', 'odd_parity_key'));
      expect(hasOddParity(adjusted)).toBe(true);
      return;
    }
    const expectedMac = str(v, 'expected', 'mac');
    const padding = str(v, 'inputs', 'padding').endsWith('2') ? 2 : 1;
    if (isNonStandard(v)) {
      // The note: key1/key2 are each 2-key TDES keys; CBC under TDES(key1), D under TDES(key2),
      // E under TDES(key1). Not a standard retail MAC: rebuild that construction from our
      // TDES primitives, and show the standard retail MAC with key1 differs.
      const key1 = fromHex(str(v, 'inputs', 'key1'));
      const key2 = fromHex(str(v, 'inputs', 'key2'));
      const padded = fromHex(toHex(data!) + '8000000000000000');
      const chain = tdesCbcEncrypt(key1, padded);
      const h = chain.slice(chain.length - 8);
      expect(toHex(tdesEcbEncrypt(key1, tdesEcbDecrypt(key2, h)))).toBe(expectedMac);
      expect(toHex(retailMac(key1, data!, 2))).not.toBe(expectedMac);
      return;
    }
    const key = v.inputs.key !== undefined ? fromHex(str(v, 'inputs', 'key')) : fromHex(str(v, 'inputs', 'K1') + str(v, 'inputs', 'K2'));
    const macLength = typeof v.inputs.mac_len === 'number' ? v.inputs.mac_len : 8;
    expect(toHex(retailMac(key, data!, padding, macLength))).toBe(expectedMac);
  });
});

describe('DES public vectors', () => {
  test('FIPS 81 / Schneier: DES(0123456789ABCDEF)["Now is t"] = 3FA40E8A984D4815', () => {
    const key = fromHex('0123456789ABCDEF');
    expect(toHex(desEcbEncrypt(key, fromHex('4E6F772069732074')))).toBe('3FA40E8A984D4815');
    expect(toHex(desEcbDecrypt(key, fromHex('3FA40E8A984D4815')))).toBe('4E6F772069732074');
  });

  test('FIPS 81 Appendix C CBC example', () => {
    // Key 0123456789ABCDEF, IV 1234567890ABCDEF, "Now is the time for all "
    const key = fromHex('0123456789ABCDEF');
    const tripled = fromHex('0123456789ABCDEF0123456789ABCDEF');
    const iv = fromHex('1234567890ABCDEF');
    const plain = fromHex('4E6F77206973207468652074696D6520666F7220616C6C20');
    const expected = 'E5C7CDDE872BF27C43E934008C389C0F683788499A7C05F6';
    expect(toHex(tdesCbcEncrypt(tripled, plain, iv))).toBe(expected);
    expect(toHex(tdesCbcDecrypt(tripled, fromHex(expected), iv))).toBe(toHex(plain));
    expect(key.length).toBe(8);
  });

  test('a 2-key TDES key with K1 = K2 is single DES', () => {
    expect(toHex(tdesEcbEncrypt(fromHex('0123456789ABCDEF0123456789ABCDEF'), fromHex('4E6F772069732074')))).toBe('3FA40E8A984D4815');
  });

  test('KCV of the all-zero-parity test key 0123456789ABCDEFFEDCBA9876543210 is 08D7B4', () => {
    expect(toHex(keyCheckValue(fromHex('0123456789ABCDEFFEDCBA9876543210')))).toBe('08D7B4');
  });
});

describe('ISO/IEC 9797-1 MAC algorithm 1', () => {
  test('ANSI X9.9 / FIPS 113 example: DES CBC-MAC of "7654321 Now is the time for " = F1D30F68', () => {
    // FIPS 113 / ANSI X9.9 test: key 0123456789ABCDEF, text "7654321 Now is the time for " (zero padded).
    const key = fromHex('0123456789ABCDEF');
    const data = new TextEncoder().encode('7654321 Now is the time for ');
    expect(toHex(macAlgorithm1(key, data, 1, 4))).toBe('F1D30F68');
  });

  test('ISO/IEC 9797-1 Annex B.2 (alg 1, pad 1, DES): "Now is the time for all " -> 70A30640CC76DD8B', () => {
    const key = fromHex('0123456789ABCDEF');
    const data = fromHex('4E6F77206973207468652074696D6520666F7220616C6C20');
    expect(toHex(macAlgorithm1(key, data, 1))).toBe('70A30640CC76DD8B');
  });
});

describe('negative', () => {
  test('wrong key lengths are KeyLengthError', () => {
    expect(() => tdesEcbEncrypt(fromHex('0011223344556677'), new Uint8Array(8))).toThrow(KeyLengthError);
    expect(() => desEcbEncrypt(fromHex('00112233445566778899AABBCCDDEEFF'), new Uint8Array(8))).toThrow(KeyLengthError);
    expect(() => retailMac(fromHex('00112233445566778899AABBCCDDEEFF0011223344556677'), new Uint8Array(8))).toThrow(/16 bytes/);
    expect(() => keyCheckValue(new Uint8Array(15))).toThrow(KeyLengthError);
  });

  test('data that is not a block multiple is DataLengthError', () => {
    expect(() => tdesEcbEncrypt(new Uint8Array(16), new Uint8Array(7))).toThrow(DataLengthError);
    expect(() => tdesCbcEncrypt(new Uint8Array(16), new Uint8Array(8), new Uint8Array(7))).toThrow(DataLengthError);
  });

  test('MAC length outside 1..8 is refused', () => {
    expect(() => retailMac(new Uint8Array(16), new Uint8Array(8), 2, 9)).toThrow(RangeError);
  });
});
