/** Book 2 A1.3/A1.4 key derivation against the shared vectors. */
import { describe, expect, test } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import {
  CryptoError,
  DataLengthError,
  deriveCommonSessionKey,
  deriveEmv2000TreeSessionKey,
  deriveIccMasterKey,
  deriveMastercardSessionKey,
  deriveVisaSmSessionKey,
  keyCheckValue,
  KeyLengthError,
  optionBInput,
  optionAInput,
  tdesEcbEncrypt,
  aesEcbEncrypt,
} from '../../src/crypto/index.js';
import { str, symmetricGroup, type Vector } from './known-answers.js';

const each = (group: string) => symmetricGroup(group).map((v) => [v.id, v] as [string, Vector]);

describe('shared vectors: icc_mk_option_a (Book 2 A1.4.1)', () => {
  test.each(each('icc_mk_option_a'))('%s', (_id, v) => {
    const pan = str(v, 'inputs', 'pan');
    const psn = str(v, 'inputs', 'psn');
    if (v.inputs.y !== undefined) expect(toHex(optionAInput(pan, psn))).toBe(str(v, 'inputs', 'y'));
    const mk = deriveIccMasterKey(fromHex(str(v, 'inputs', 'imk')), pan, psn, 'A');
    expect(toHex(mk)).toBe(str(v, 'expected', 'icc_mk'));
    if (v.expected?.kcv3 !== undefined) expect(toHex(keyCheckValue(mk, 3))).toBe(str(v, 'expected', 'kcv3'));
  });
});

describe('shared vectors: icc_mk_option_b (Book 2 A1.4.2)', () => {
  test.each(each('icc_mk_option_b'))('%s', (_id, v) => {
    const pan = str(v, 'inputs', 'pan');
    const psn = str(v, 'inputs', 'psn');
    expect(toHex(optionBInput(pan, psn))).toBe(str(v, 'inputs', 'decimalised_y'));
    expect(toHex(deriveIccMasterKey(fromHex(str(v, 'inputs', 'imk')), pan, psn, 'B'))).toBe(str(v, 'expected', 'icc_mk'));
  });
});

describe('shared vectors: session_key', () => {
  test.each(each('session_key'))('%s', (_id, v) => {
    const mk = fromHex(str(v, 'inputs', 'mk'));
    let sk: Uint8Array;
    if (v.id.startsWith('csk')) sk = deriveCommonSessionKey(mk, fromHex(str(v, 'inputs', 'r')));
    else if (v.id.startsWith('visa_sm')) sk = deriveVisaSmSessionKey(mk, fromHex(str(v, 'inputs', 'atc')));
    else if (v.id.startsWith('emv2000_tree')) {
      sk = deriveEmv2000TreeSessionKey(mk, fromHex(str(v, 'inputs', 'atc')), v.inputs.height as number, v.inputs.branch_factor as number, fromHex(str(v, 'inputs', 'iv')));
    } else throw new Error(`unhandled session key vector ${v.id}`);
    expect(toHex(sk)).toBe(str(v, 'expected', 'sk'));
  });
});

describe('common session key', () => {
  test('a 2-byte ATC means R = ATC || 00..00 (Book 2 A1.3.1)', () => {
    const mk = fromHex('0123456789ABCDEFFEDCBA9876543210');
    // csk_doctest: R = 001C000000000000 -> E9FB384AF807B940FEDCEA613461B0C4
    expect(toHex(deriveCommonSessionKey(mk, fromHex('001C')))).toBe('E9FB384AF807B940FEDCEA613461B0C4');
  });

  test('Mastercard SKD is the common derivation with R = ATC || 0000 || UN', () => {
    const mk = fromHex('0123456789ABCDEFFEDCBA9876543210');
    const atc = fromHex('001C');
    const un = fromHex('12345678');
    // Definition (M/Chip): SKL = DES3(MK)[ATC||F0||00||UN], SKR = DES3(MK)[ATC||0F||00||UN].
    const left = tdesEcbEncrypt(mk, fromHex('001CF00012345678'));
    const right = tdesEcbEncrypt(mk, fromHex('001C0F0012345678'));
    const sk = deriveMastercardSessionKey(mk, atc, un);
    // Compare without the parity bits (bit 0 of each byte).
    const strip = (b: Uint8Array) => toHex(b.map((x) => x & 0xfe));
    expect(strip(sk)).toBe(strip(new Uint8Array([...left, ...right])));
    expect(() => deriveMastercardSessionKey(mk, atc, fromHex('1234'))).toThrow(DataLengthError);
  });

  test('AES (Book 2 A1.3.1): SK = leftmost k bits of AES(MK)[F1] || AES(MK)[F2], no parity', () => {
    // The derivation is defined through AES-ECB, itself checked against FIPS 197 in aes.test.ts.
    const mk = fromHex('000102030405060708090A0B0C0D0E0F');
    const sk = deriveCommonSessionKey(mk, fromHex('001C'), 'aes');
    expect(toHex(sk)).toBe(toHex(aesEcbEncrypt(mk, fromHex('001CF000000000000000000000000000'))));
    const mk256 = fromHex('000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F');
    const sk256 = deriveCommonSessionKey(mk256, fromHex('001C'));
    expect(toHex(sk256)).toBe(
      toHex(aesEcbEncrypt(mk256, fromHex('001CF000000000000000000000000000'))) + toHex(aesEcbEncrypt(mk256, fromHex('001C0F00000000000000000000000000'))),
    );
  });

  test('AES master key, option C (Book 2 A1.4.3): Y = PAN||PSN left-padded to 16 bytes', () => {
    const imk = fromHex('000102030405060708090A0B0C0D0E0F');
    const mk = deriveIccMasterKey(imk, '5413330089020011', '01', 'C');
    expect(toHex(mk)).toBe(toHex(aesEcbEncrypt(imk, fromHex('00000000000000541333008902001101'))));
    expect(toHex(deriveIccMasterKey(imk, '5413330089020011', '01', 'A', 'aes'))).toBe(toHex(mk));
    expect(() => deriveIccMasterKey(imk, '5413330089020011', '01', 'B', 'aes')).toThrow(CryptoError);
  });

  test('wrong lengths', () => {
    expect(() => deriveCommonSessionKey(new Uint8Array(16), new Uint8Array(5))).toThrow(DataLengthError);
    expect(() => deriveVisaSmSessionKey(new Uint8Array(24), new Uint8Array(2))).toThrow(KeyLengthError);
    expect(() => deriveIccMasterKey(new Uint8Array(8), '1234567890123456', '00', 'A')).toThrow(KeyLengthError);
    expect(() => deriveIccMasterKey(new Uint8Array(16), '12345X', '00', 'A')).toThrow(CryptoError);
    expect(() => deriveIccMasterKey(new Uint8Array(16), '123456', '1', 'A')).toThrow(/PAN sequence number/);
  });
});
