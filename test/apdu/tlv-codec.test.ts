/**
 * BER-TLV codec (EMV Book 3 Annex B) against hand-made spec examples, plus
 * properties: encode(decode(x)) == x for generated trees, and decoding random
 * bytes either succeeds or throws a TlvError (never anything else).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { TlvError } from '../../src/apdu/errors.js';
import { decodeTlv, encodeTlv, encodeTlvList, findPath, findTag, type TlvInput } from '../../src/apdu/tlv.js';
import { catchError } from './helpers.js';

describe('BER-TLV decoding (Book 3 Annex B)', () => {
  it('decodes the PSE FCI from Book 1 §12.2 into its template tree', () => {
    const list = decodeTlv('6F1A840E315041592E5359532E4444463031A5088801025F2D02656E');
    expect(list).toHaveLength(1);
    const fci = list[0]!;
    expect(fci.tag).toBe('6F');
    expect(fci.length).toBe(0x1a);
    expect(fci.constructed).toBe(true);
    expect(fci.children!.map((c) => c.tag)).toEqual(['84', 'A5']);
    const dfName = fci.children![0]!;
    expect(new TextDecoder().decode(dfName.value)).toBe('1PAY.SYS.DDF01');
    expect(dfName.offset).toBe(2);
    expect(findPath(list, ['6F', 'A5', '88'])!.value).toEqual(Uint8Array.of(2));
    const lang = findTag(list, '5f2d')!;
    expect(new TextDecoder().decode(lang.value)).toBe('en');
    // 6F 1A | 84 0E (14 bytes) | A5 08 | 88 01 02 | 5F2D: offset 2 + 16 + 2 + 3 = 23
    expect(lang.offset).toBe(23);
  });

  it("skips '00' padding inside a record template and keeps the object after it", () => {
    // A READ RECORD response '70' whose value is 00 00 then 5F34 01 01 (PAN sequence number 01).
    const list = decodeTlv('7006' + '0000' + '5F340101');
    const record = list[0]!;
    expect(record.children).toHaveLength(1);
    expect(record.children![0]).toMatchObject({ tag: '5F34', length: 1, offset: 4 });
    expect(toHex(record.children![0]!.value)).toBe('01');
  });

  it('skips padding between and after top-level objects', () => {
    const list = decodeTlv('00 9F3602 0001 0000 9F2701 80 00');
    expect(list.map((o) => o.tag)).toEqual(['9F36', '9F27']);
  });

  it("skips trailing 'FF' filler of an erased record but reads 'FF81xx' tags", () => {
    expect(decodeTlv('70045F340101 FFFFFF')[0]!.children).toHaveLength(1);
    expect(decodeTlv('70045F340101 FF')).toHaveLength(1);
    expect(decodeTlv('FF810103 5F3400')[0]!.tag).toBe('FF8101');
  });

  it("'FF 00' at the end of a record is filler, not an empty object FF00", () => {
    // 70 07 | 5F34 01 01 | FF 00 00: erased EEPROM after the PAN Sequence Number.
    const record = decodeTlv('70075F340101FF0000')[0]!;
    expect(record.children!.map((o) => o.tag)).toEqual(['5F34']);
    expect(decodeTlv('9F360200 01 FF 00 00 FF FF').map((o) => o.tag)).toEqual(['9F36']);
    expect(decodeTlv('FF 00 FF FF 00')).toEqual([]);
  });

  it("an 'FF' followed by anything but padding begins a tag (FF81xx), also after leading filler", () => {
    // 70 08 | FF8105 03 (5F34 00) | FF: the FF8105 template decodes, the last FF is filler.
    const record = decodeTlv('7008 FF8105035F3400 FF')[0]!;
    expect(record.children!.map((o) => o.tag)).toEqual(['FF8105']);
    expect(record.children![0]!.children![0]).toMatchObject({ tag: '5F34', length: 0, offset: 6 }); // 70 08 | FF8105 03 |
    // '00' padding before an FF81xx object (Book 3 Annex B) and FF filler after it.
    const list = decodeTlv('0000 FF810103 9F0100 FFFF');
    expect(list.map((o) => o.tag)).toEqual(['FF8101']);
    expect(list[0]!.offset).toBe(2);
  });

  it('reads tags of three bytes (subsequent bytes continue while b8 = 1)', () => {
    // DF8129 (Outcome Parameter Set, EMV Contactless C-2) and a 3-byte constructed FF8105.
    const list = decodeTlv('DF8129 08 1090F00000000000');
    expect(list[0]).toMatchObject({ tag: 'DF8129', length: 8, constructed: false });
    const nested = decodeTlv('FF8105 05 9F3602 0042');
    expect(nested[0]!.constructed).toBe(true);
    expect(nested[0]!.children![0]).toMatchObject({ tag: '9F36', offset: 4 });
  });

  it('reads the long length forms 81, 82 and 83', () => {
    const v200 = '11'.repeat(200);
    expect(decodeTlv('9081C8' + v200)[0]!.length).toBe(200);
    const v300 = '22'.repeat(300);
    expect(decodeTlv('90 82 012C' + v300)[0]!.length).toBe(300);
    const v70000 = '33'.repeat(70000);
    const big = decodeTlv('90 83 011170' + v70000)[0]!;
    expect(big.length).toBe(0x011170);
    expect(big.value[69999]).toBe(0x33);
  });

  it('encodes lengths in the shortest form', () => {
    expect(toHex(encodeTlv('90', new Uint8Array(127))).slice(0, 4)).toBe('907F');
    expect(toHex(encodeTlv('90', new Uint8Array(128))).slice(0, 6)).toBe('908180');
    expect(toHex(encodeTlv('90', new Uint8Array(256))).slice(0, 8)).toBe('90820100');
    expect(toHex(encodeTlv('90', new Uint8Array(65536))).slice(0, 10)).toBe('9083010000');
  });

  it('reports a truncated object at the offset of its tag', () => {
    // 9F36 0001 is complete (4 bytes); 9F02 at offset 5 declares 6 bytes, only 3 follow.
    const err = catchError(() => decodeTlv('9F36020001 9F0206000000'));
    expect(err).toBeInstanceOf(TlvError);
    expect((err as TlvError).offset).toBe(5);
    expect((err as TlvError).message).toMatch(/9F02.*offset 5/);
  });

  it('reports truncation inside a template with the absolute offset', () => {
    // 70 07 | 5A 08 ... : the PAN declares 8 bytes inside a 7-byte template.
    const err = catchError(() => decodeTlv('70 07 5A08 47617390010100'));
    expect(err).toBeInstanceOf(TlvError);
    expect((err as TlvError).offset).toBe(2);
  });

  it('rejects a truncated multi-byte tag and a truncated length field', () => {
    expect((catchError(() => decodeTlv('9F')) as TlvError).offset).toBe(0);
    expect((catchError(() => decodeTlv('9F02')) as TlvError).offset).toBe(2);
    expect((catchError(() => decodeTlv('9F0282 01')) as TlvError).offset).toBe(2);
  });

  it('rejects a length field announcing more than 4 length bytes, naming the lead byte and the count', () => {
    // 85 = long form (b8) with 5 subsequent length bytes (b7-b1), Book 3 Annex B2; 9F02 is at 0-1, the length at 2.
    const err = catchError(() => decodeTlv('9F02850000000001000000')) as TlvError;
    expect(err).toBeInstanceOf(TlvError);
    expect(err.offset).toBe(2);
    expect(err.message).toBe('TLV: length field 85 announces 5 length bytes; at most 4 are supported at byte offset 2');
    // 84: 4 subsequent length bytes are accepted; here the 1 value byte they announce is missing.
    expect((catchError(() => decodeTlv('9F028400000001')) as TlvError).message).toMatch(/declares 1 value bytes/);
  });

  it('rejects the indefinite length form 80', () => {
    expect(catchError(() => decodeTlv('7080 0000'))).toBeInstanceOf(TlvError);
  });

  it('rejects nesting deeper than the limit with a TlvError instead of overflowing the stack', () => {
    let bytes: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 40; i++) bytes = encodeTlv('70', bytes);
    expect(catchError(() => decodeTlv(bytes))).toBeInstanceOf(TlvError);
    expect(decodeTlv(bytes, { maxDepth: 64 })).toHaveLength(1);
  });
});

describe('BER-TLV properties', () => {
  const primitiveTag = fc.constantFrom('5A', '57', '82', '95', '9F02', '9F36', '5F2A', 'DF8129', '9F7C', 'C1');
  const constructedTag = fc.constantFrom('70', '77', '6F', 'A5', 'BF0C', 'FF8105', 'E1');
  const tree: fc.Arbitrary<TlvInput> = fc.letrec<{ node: TlvInput }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ tag: primitiveTag, value: fc.uint8Array({ maxLength: 300 }) }),
      fc.record({ tag: constructedTag, children: fc.array(tie('node'), { maxLength: 4 }) }),
    ),
  })).node;

  it('encode(decode(x)) == x for generated TLV trees', () => {
    fc.assert(
      fc.property(fc.array(tree, { maxLength: 5 }), (objects) => {
        const encoded = encodeTlvList(objects);
        const decoded = decodeTlv(encoded);
        expect(toHex(encodeTlvList(decoded))).toBe(toHex(encoded));
      }),
      { numRuns: 300 },
    );
  });

  it('decoding random bytes either succeeds or throws a TlvError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeTlv(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(TlvError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

// fromHex is used by the helpers above through decodeTlv; keep the import explicit for readers.
void fromHex;
