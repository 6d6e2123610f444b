/** ISO/IEC 9797-1 padding methods 1 and 2. */
import { describe, expect, test } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { padIso9797, PaddingError, unpadIso9797Method2 } from '../../src/crypto/index.js';

describe('ISO/IEC 9797-1 padding', () => {
  test('method 1: zeros to a positive block multiple', () => {
    expect(toHex(padIso9797(fromHex('0102'), 1))).toBe('0102000000000000');
    expect(toHex(padIso9797(fromHex('0102030405060708'), 1))).toBe('0102030405060708');
    expect(toHex(padIso9797(new Uint8Array(0), 1))).toBe('0000000000000000');
  });
  test('method 2: 80 then zeros, always at least one byte', () => {
    expect(toHex(padIso9797(fromHex('0102'), 2))).toBe('0102800000000000');
    expect(toHex(padIso9797(fromHex('0102030405060708'), 2))).toBe('01020304050607088000000000000000');
    expect(toHex(padIso9797(fromHex('01'), 2, 16))).toBe('01800000000000000000000000000000');
  });
  test('method 2 removal round-trips', () => {
    for (let n = 0; n < 20; n++) {
      const data = new Uint8Array(n).fill(0x80);
      expect(toHex(unpadIso9797Method2(padIso9797(data, 2), 8))).toBe(toHex(data));
    }
  });
  test('bad padding is a PaddingError naming the byte offset', () => {
    expect(() => unpadIso9797Method2(fromHex('0102030405060700'))).toThrow(/expected '80'.*offset 6/);
    expect(() => unpadIso9797Method2(fromHex('0000000000000000'))).toThrow(PaddingError);
    expect(() => unpadIso9797Method2(fromHex('0102038000000000000000000000000000000000'), 8)).toThrow(/multiple of 8/);
    expect(() => unpadIso9797Method2(fromHex('01800000000000000000000000000000'), 8)).toThrow(/longer than one block/);
  });
  test('unknown method', () => {
    expect(() => padIso9797(new Uint8Array(1), 3 as 1)).toThrow(RangeError);
  });
});
