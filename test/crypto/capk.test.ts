/**
 * CAPK store against EMV Book 2 §11.2.2 (check sum = SHA-1(RID || index || modulus || exponent))
 * with the public scheme CAPKs of the shared known-answer file (openemv/emv-utils, javaemvreader).
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { DocumentError } from '../../src/apdu/errors.js';
import { CapkChecksumError, CapkStore, capkChecksum, loadDefaultCapks } from '../../src/crypto/capk.js';
import { TEST_CA_INDEX, TEST_CA_RIDS, loadTestCa } from '../../src/crypto/oda/test-ca.js';
import { vectors } from './oda-fixtures.js';

describe('CAPK check sums of oda.capks_openemv (Book 2 §11.2.2)', () => {
  it.each(vectors.oda.capks_openemv.map((k) => [`${k.rid}/${k.index}`, k] as const))('%s', (_id, k) => {
    expect(k.checksum_verified).toBe(true);
    expect(toHex(capkChecksum(k.rid, k.index, fromHex(k.modulus), fromHex(k.exponent)))).toBe(k.sha1_checksum);
  });
});

describe('CAPK check sums of oda.capks_javaemvreader_test_xml', () => {
  it.each(vectors.oda.capks_javaemvreader_test_xml.keys.map((k) => [`${k.rid}/${k.index}`, k] as const))('%s', (_id, k) => {
    expect(toHex(capkChecksum(k.rid, k.index, fromHex(k.modulus), fromHex(k.exponent)))).toBe(k.sha1_checksum);
  });
});

describe('CapkStore', () => {
  const visa92 = vectors.oda.capks_openemv.find((k) => k.rid === 'A000000003' && k.index === '92')!;
  const entry = { rid: visa92.rid, index: visa92.index, modulus: visa92.modulus, exponent: visa92.exponent, checksum: visa92.sha1_checksum, hashAlgorithm: '01' };

  it('loads a valid entry and finds it by RID and index, case-insensitively', () => {
    const store = CapkStore.fromJson([entry], 'inline.json');
    const k = store.get('a000000003', '92');
    expect(k && toHex(k.modulus)).toBe(visa92.modulus);
    expect(k?.modulus.length).toBe(176);
    expect(store.get('A000000003', '94')).toBeUndefined();
  });

  it('rejects a wrong check sum with a CapkChecksumError naming the file and entry', () => {
    const bad = { ...entry, checksum: '00'.repeat(20) };
    let err: unknown;
    try {
      CapkStore.fromJson([entry, bad], 'capks.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CapkChecksumError);
    expect(err).toBeInstanceOf(DocumentError);
    expect((err as Error).message).toContain('capks.json');
    expect((err as Error).message).toContain('[1].checksum');
    expect((err as Error).message).toContain('A000000003/92');
    expect((err as Error).message).toContain(visa92.sha1_checksum);
  });

  it('rejects a tampered modulus (the check sum no longer matches)', () => {
    const m = fromHex(entry.modulus);
    m[10] = m[10]! ^ 1;
    expect(() => CapkStore.fromJson([{ ...entry, modulus: toHex(m) }])).toThrow(CapkChecksumError);
  });

  it('rejects malformed fields with the field path', () => {
    expect(() => CapkStore.fromJson([{ ...entry, rid: 'A0000003' }], 'f.json')).toThrow(/f\.json: \[0\]\.rid/);
    expect(() => CapkStore.fromJson([{ ...entry, exponent: '05' }])).toThrow(/\[0\]\.exponent/);
    expect(() => CapkStore.fromJson([{ ...entry, hashAlgorithm: '02' }])).toThrow(/\[0\]\.hashAlgorithm/);
    expect(() => CapkStore.fromJson({ keys: [] })).toThrow(DocumentError);
  });

  it('loadDefaultCapks: public test CAPKs and the emvsim test CA under its own index for its four RIDs', () => {
    const store = loadDefaultCapks();
    for (const k of vectors.oda.capks_openemv) {
            expect(store.get(k.rid, k.index) && toHex(store.get(k.rid, k.index)!.modulus)).toBe(k.modulus);
    }
    const ca = loadTestCa();
    expect(TEST_CA_RIDS).toEqual(['A000000003', 'A000000004', 'A000000059', 'D276000025']);
    for (const rid of TEST_CA_RIDS) {
      const fe = store.get(rid, TEST_CA_INDEX);
      expect(fe && toHex(fe.modulus)).toBe(toHex(ca.keyPair.modulus));
      expect(fe?.modulus.length).toBe(176); // 1408 bits
      expect(fe && toHex(fe.exponent)).toBe('03');
    }
  });

  it('the test CA private key matches its CAPK (d is the inverse of e)', () => {
    const ca = loadTestCa();
    expect(ca.label).toMatch(/TEST ONLY/);
    const n = BigInt('0x' + toHex(ca.keyPair.modulus));
    const x = 0x1234567890abcdefn;
    const d = BigInt('0x' + toHex(ca.keyPair.privateExponent));
    let y = 1n;
    let b = x;
    for (let e = d; e > 0n; e >>= 1n, b = (b * b) % n) if (e & 1n) y = (y * b) % n;
    expect((y * y * y) % n).toBe(x);
  });
});
