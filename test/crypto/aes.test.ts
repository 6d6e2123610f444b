/** AES and AES-CMAC: shared NIST SP 800-38B vectors, RFC 4493, FIPS 197. */
import { describe, expect, test } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { aesCbcDecrypt, aesCbcEncrypt, aesCmac, aesCmacSubkeys, aesEcbDecrypt, aesEcbEncrypt, KeyLengthError, DataLengthError, sha1, sha256 } from '../../src/crypto/index.js';
import { knownAnswers, type Vector } from './known-answers.js';

const cmacVectors = (knownAnswers.symmetric.aes.aes_cmac_nist as Vector[]).map((v) => [v.id, v] as [string, Vector]);

describe('shared vectors: symmetric.aes.aes_cmac_nist', () => {
  test('the file records that no AES session-key/ARQC KAT exists', () => {
    expect(knownAnswers.symmetric.aes.emv_aes_session_key_arqc_kat).toBeNull();
  });
  test.each(cmacVectors)('%s', (_id, v) => {
    expect(toHex(aesCmac(fromHex(v.inputs.key as string), fromHex(v.inputs.msg as string)))).toBe(v.expected!.cmac);
  });
});

describe('RFC 4493 §4 test vectors (AES-128)', () => {
  const key = fromHex('2b7e1516 28aed2a6 abf71588 09cf4f3c');
  test('subkeys K1, K2', () => {
    const { k1, k2 } = aesCmacSubkeys(key);
    expect(toHex(aesEcbEncrypt(key, new Uint8Array(16)))).toBe('7DF76B0C1AB899B33E42F047B91B546F');
    expect(toHex(k1)).toBe('FBEED618357133667C85E08F7236A8DE');
    expect(toHex(k2)).toBe('F7DDAC306AE266CCF90BC11EE46D513B');
  });
  const message = '6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51 30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710';
  test.each([
    ['Example 1: len 0', 0, 'bb1d6929 e9593728 7fa37d12 9b756746'],
    ['Example 2: len 16', 16, '070a16b4 6b4d4144 f79bdd9d d04a287c'],
    ['Example 3: len 40', 40, 'dfa66747 de9ae630 30ca3261 1497c827'],
    ['Example 4: len 64', 64, '51f0bebf 7e3b9d92 fc497417 79363cfe'],
  ] as const)('%s', (_name, length, expected) => {
    expect(toHex(aesCmac(key, fromHex(message).subarray(0, length)))).toBe(toHex(fromHex(expected)));
  });
  test('truncation keeps the leftmost bytes', () => {
    expect(toHex(aesCmac(key, fromHex(message).subarray(0, 16), 8))).toBe('070A16B46B4D4144');
  });
});

describe('AES block cipher', () => {
  test('FIPS 197 Appendix C.1 / C.3', () => {
    const pt = fromHex('00112233445566778899aabbccddeeff');
    const k128 = fromHex('000102030405060708090a0b0c0d0e0f');
    expect(toHex(aesEcbEncrypt(k128, pt))).toBe('69C4E0D86A7B0430D8CDB78070B4C55A');
    expect(toHex(aesEcbDecrypt(k128, fromHex('69C4E0D86A7B0430D8CDB78070B4C55A')))).toBe(toHex(pt));
    const k256 = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    expect(toHex(aesEcbEncrypt(k256, pt))).toBe('8EA2B7CA516745BFEAFC49904B496089');
  });
  test('NIST SP 800-38A F.2.1 CBC-AES128', () => {
    const key = fromHex('2b7e151628aed2a6abf7158809cf4f3c');
    const iv = fromHex('000102030405060708090a0b0c0d0e0f');
    const pt = fromHex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51');
    const ct = '7649ABAC8119B246CEE98E9B12E9197D5086CB9B507219EE95DB113A917678B2';
    expect(toHex(aesCbcEncrypt(key, pt, iv))).toBe(ct);
    expect(toHex(aesCbcDecrypt(key, fromHex(ct), iv))).toBe(toHex(pt));
  });
  test('wrong key and data lengths', () => {
    expect(() => aesEcbEncrypt(new Uint8Array(20), new Uint8Array(16))).toThrow(KeyLengthError);
    expect(() => aesEcbEncrypt(new Uint8Array(16), new Uint8Array(15))).toThrow(DataLengthError);
    expect(() => aesCmac(new Uint8Array(8), new Uint8Array(0))).toThrow(KeyLengthError);
    expect(() => aesCmac(new Uint8Array(16), new Uint8Array(0), 17)).toThrow(RangeError);
  });
});

describe('hashes (FIPS 180-4 examples)', () => {
  test('SHA-1("abc") and SHA-256("abc")', () => {
    const abc = new TextEncoder().encode('abc');
    expect(toHex(sha1(abc))).toBe('A9993E364706816ABA3E25717850C26C9CD0D89D');
    expect(toHex(sha256(abc))).toBe('BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD');
    expect(toHex(sha1(abc.subarray(0, 1), abc.subarray(1)))).toBe('A9993E364706816ABA3E25717850C26C9CD0D89D');
  });
});
