/**
 * Raw RSA (EMV Book 2 Annex A2.1 uses the bare operations): textbook known answers, the
 * OpenSSL and BigInt private paths agreeing, key generation shapes and the deterministic seed.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import {
  RsaError,
  generateRsaKeyPair,
  keyPairFromJson,
  keyPairToJson,
  rsaPrivateOperation,
  rsaPublicOperation,
} from '../../src/crypto/rsa.js';
import { fixtureKey } from './oda-fixtures.js';

const big = (b: Uint8Array) => BigInt('0x' + toHex(b));

describe('raw RSA operations', () => {
  it('textbook key n = 61 * 53 = 3233, e = 17, d = 2753: 65 -> 2790 -> 65', () => {
    const key = { modulus: fromHex('0CA1'), exponent: fromHex('11'), privateExponent: fromHex('0AC1') };
    expect(toHex(rsaPublicOperation(key, fromHex('0041')))).toBe('0AE6'); // 2790
    expect(toHex(rsaPrivateOperation(key, fromHex('0AE6')))).toBe('0041');
  });

  it.each([
    [1024, 3],
    [1024, 65537],
    [1984, 3],
    [1984, 65537],
  ] as const)('%i bits, e = %i: private then public is the identity; OpenSSL and BigInt paths agree', (bits, e) => {
    const key = fixtureKey('icc', bits, e);
    const m = new Uint8Array(bits / 8);
    m[0] = 0x6a;
    for (let i = 1; i < m.length - 1; i++) m[i] = (i * 37) & 0xff;
    m[m.length - 1] = 0xbc;
    const s = rsaPrivateOperation(key, m);
    expect(s.length).toBe(bits / 8);
    expect(toHex(rsaPublicOperation(key, s))).toBe(toHex(m));
    const bare = { modulus: key.modulus, exponent: key.exponent, privateExponent: key.privateExponent }; // no CRT: BigInt path
    expect(toHex(rsaPrivateOperation(bare, m))).toBe(toHex(s));
  });

  it('rejects input of the wrong length or not below the modulus', () => {
    const key = fixtureKey('icc', 1024, 3);
    expect(() => rsaPublicOperation(key, new Uint8Array(127))).toThrow(RsaError);
    expect(() => rsaPublicOperation(key, new Uint8Array(128).fill(0xff))).toThrow(/not smaller than the modulus/);
    expect(() => rsaPublicOperation(key, key.modulus.slice())).toThrow(/not smaller than the modulus/);
    const below = key.modulus.slice();
    below[below.length - 1]! -= 1;
    expect(rsaPublicOperation(key, below).length).toBe(128);
  });

  it('a key OpenSSL refuses (even modulus) still gets the public operation, from BigInt: x^e mod n', () => {
    // n = 2^1023 + 2 (even: no Montgomery arithmetic in OpenSSL); e = 65537 and 3 (two code paths).
    const modulus = new Uint8Array(128);
    modulus[0] = 0x80;
    modulus[127] = 0x02;
    const x = new Uint8Array(128).fill(0x11);
    const n = big(modulus);
    let x65537 = big(x);
    for (let i = 0; i < 16; i++) x65537 = (x65537 * x65537) % n; // x^(2^16)
    x65537 = (x65537 * big(x)) % n;
    expect(big(rsaPublicOperation({ modulus, exponent: fromHex('010001') }, x))).toBe(x65537);
    expect(big(rsaPublicOperation({ modulus, exponent: fromHex('03') }, x))).toBe(big(x) ** 3n % n);
  });
});

describe('generateRsaKeyPair', () => {
  it.each([
    [1024, 3, '03'],
    [1408, 65537, '010001'],
  ] as const)('%i bits, e = %i (OpenSSL): exact size, e*d = 1 mod lcm(p-1, q-1)', (bits, e, eHex) => {
    const k = generateRsaKeyPair(bits, e);
    expect(k.modulus.length).toBe(bits / 8);
    expect(k.modulus[0]! & 0x80).toBe(0x80);
    expect(toHex(k.exponent)).toBe(eHex);
    const [p, q] = [big(k.primeP!), big(k.primeQ!)];
    expect(p * q).toBe(big(k.modulus));
    const lcm = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    expect((BigInt(e) * big(k.privateExponent)) % lcm).toBe(1n);
  });

  it('a seed gives the same key every time, different seeds different keys', () => {
    const a = generateRsaKeyPair(1024, 3, { seed: 'card 1' });
    const b = generateRsaKeyPair(1024, 3, { seed: 'card 1' });
    const c = generateRsaKeyPair(1024, 3, { seed: 'card 2' });
    expect(toHex(a.modulus)).toBe(toHex(b.modulus));
    expect(toHex(a.modulus)).not.toBe(toHex(c.modulus));
    expect(a.modulus.length).toBe(128);
    expect(big(a.primeP!) * big(a.primeQ!)).toBe(big(a.modulus));
    const m = fromHex('6A' + '11'.repeat(126) + 'BC');
    expect(toHex(rsaPublicOperation(a, rsaPrivateOperation(a, m)))).toBe(toHex(m));
  });

  it('rejects sizes that are not whole bytes and exponents other than 3 and 65537', () => {
    expect(() => generateRsaKeyPair(1001, 3)).toThrow(RsaError);
    expect(() => generateRsaKeyPair(1024, 5 as 3)).toThrow(/not 3 or 65537/);
  });

  it('JSON form round-trips', () => {
    const k = fixtureKey('ca', 1024, 65537);
    expect(keyPairToJson(keyPairFromJson(keyPairToJson(k)))).toEqual(keyPairToJson(k));
  });
});

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}
